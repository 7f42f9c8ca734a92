/**
 * The simulated LML endpoint as one synchronous function from request to reply, so the same
 * behaviour can be served in memory (wrapped in an HttpClient) and over loopback HTTP. The
 * reply says how it should be delivered (delay, connection reset); the transport carries it out.
 * Scripted faults replace the reply the contract would give. Per-track credits are composed
 * only for batches that set `include_tracks`, from the track store the simulator was given.
 */
import { BULK_RESOLVE_PATH } from "../domain/LmlWire.js"
import { composeResult, type ComposeInput } from "./compose.js"
import type { EntityStore } from "./EntityStore.js"
import { noTracks, type TrackStore } from "./TrackStore.js"

/** LML refuses larger batches with 413 before it validates anything. */
export const MAX_BATCH_SIZE = 1000

export interface SimRequest {
  readonly method: string
  /** May carry a query string; it is ignored, as FastAPI routes on the path alone. */
  readonly path: string
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

export type ResetMode = "none" | "mid-body" | "before-response"

export interface SimReply {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly delayMs: number
  /** `before-response`: drop the connection unanswered; `mid-body`: after half the body. */
  readonly reset: ResetMode
}

/**
 * A scripted departure from the contract. With neither `status` nor `body`, the normal reply is
 * delivered late or cut off; with a `status` alone, the body is a generic error for it.
 */
export interface Fault {
  readonly status?: number
  readonly body?: string
  readonly delayMs?: number
  readonly reset?: "mid-body" | "before-response"
  readonly retryAfter?: string
}

export type FaultTable = ReadonlyMap<number, Fault> | Readonly<Record<number, Fault>>

/** Which fault a request gets; the first rule that matches wins, in the order listed here. */
export interface FaultScript {
  /** By 1-based request number, counting every request the simulator has handled. */
  readonly byRequest?: FaultTable
  /** The first `count` requests. */
  readonly first?: { readonly count: number; readonly fault: Fault }
  /** Any authorised request whose batch contains the library id, e.g. a poison input. */
  readonly byLibraryId?: FaultTable
  readonly always?: Fault
}

export type FaultRule = keyof FaultScript

/** A `resultOverrides` value that removes the row's result from `results`. */
export const OMIT = "omit"

export interface SimulatorOptions {
  readonly store: EntityStore
  /** LML's per-track credits; by default the matcher has visited nothing. */
  readonly tracks?: TrackStore | undefined
  /** Sent as `tracks_contract_version` in every 200; LML's production deployment sends `null`. */
  readonly tracksContractVersion?: 1 | null | undefined
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string | undefined
  /** Added to every reply's delay. */
  readonly latencyMs?: number | undefined
  readonly faults?: FaultScript | undefined
  /** Per library id: the raw JSON value to send instead of the composed result, or `OMIT`. */
  readonly resultOverrides?: Readonly<Record<number, unknown>> | undefined
}

/** What the simulator saw and answered, for assertions. */
export interface RequestRecord {
  /** 1-based, as in `FaultScript.byRequest`. */
  readonly number: number
  readonly method: string
  readonly path: string
  readonly status: number
  readonly reset: ResetMode
  readonly fault: FaultRule | null
  /** Length of the body's `inputs` array; `null` if the body was never read or held no array. */
  readonly batchSize: number | null
  /** The batch's integer library ids in order; `null` exactly when `batchSize` is. */
  readonly libraryIds: ReadonlyArray<number> | null
  /** The body asked for per-track credits (`include_tracks: true`). */
  readonly includeTracks: boolean
}

export interface LmlSimulator {
  handle(request: SimRequest): SimReply
  readonly requestCount: number
  readonly requests: ReadonlyArray<RequestRecord>
  /** Batch size of every request whose body held an `inputs` array, in arrival order. */
  readonly batchSizes: ReadonlyArray<number>
  /** Every library id received, in arrival order, repeats (retries) included. */
  libraryIdsSeen(): ReadonlyArray<number>
}

// --- Replies

const JSON_TYPE = "application/json"

const jsonReply = (status: number, payload: unknown, headers: Record<string, string> = {}): SimReply => ({
  status,
  headers: { "content-type": JSON_TYPE, ...headers },
  body: JSON.stringify(payload),
  delayMs: 0,
  reset: "none"
})

const errorReply = (
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {}
): SimReply => jsonReply(status, { message, code }, headers)

const GENERIC_ERRORS: Readonly<Record<number, readonly [string, string]>> = {
  500: ["Internal server error.", "internal_error"],
  502: ["Bad gateway.", "bad_gateway"],
  503: ["Entity store unavailable.", "service_unavailable"],
  504: ["Gateway timeout.", "gateway_timeout"]
}

const genericErrorBody = (status: number): string => {
  const [message, code] = GENERIC_ERRORS[status] ?? [`Simulated failure (HTTP ${status}).`, "simulated_fault"]
  return JSON.stringify({ message, code })
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const applyFault = (normal: SimReply, fault: Fault): SimReply => {
  const status = fault.status ?? normal.status
  const body = fault.body ?? (status === normal.status ? normal.body : genericErrorBody(status))
  const headers: Record<string, string> =
    body === normal.body
      ? { ...normal.headers }
      : { "content-type": isJson(body) ? JSON_TYPE : "text/plain; charset=utf-8" }
  if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter
  return { status, headers, body, delayMs: fault.delayMs ?? 0, reset: fault.reset ?? "none" }
}

// --- Request validation, in LML's order: route, auth, JSON, size cap, schema

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value)

interface Problem {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
}

type Parsed =
  | { readonly ok: true; readonly inputs: ReadonlyArray<ComposeInput> }
  | { readonly ok: false; readonly problems: ReadonlyArray<Problem> }

/** The batch's inputs, or every schema problem in it, as FastAPI reports all of them at once. */
const parseBatch = (body: Readonly<Record<string, unknown>>): Parsed => {
  const problems: Array<Problem> = []
  const inputs: Array<ComposeInput> = []
  const { inputs: rawInputs, include_tracks } = body
  if (include_tracks !== undefined && include_tracks !== null && typeof include_tracks !== "boolean") {
    problems.push({ loc: ["include_tracks"], msg: "must be a boolean" })
  }
  if (rawInputs === undefined) problems.push({ loc: ["inputs"], msg: "field required" })
  else if (!Array.isArray(rawInputs)) problems.push({ loc: ["inputs"], msg: "must be an array" })
  else if (rawInputs.length === 0) problems.push({ loc: ["inputs"], msg: "must contain at least 1 item" })
  else {
    rawInputs.forEach((input: unknown, index) => {
      if (!isRecord(input)) {
        problems.push({ loc: ["inputs", index], msg: "must be an object" })
        return
      }
      const { library_id, artist_name, album_title, legacy_release_id } = input
      const check = (name: string, value: unknown, ok: boolean, expected: string) => {
        if (!ok)
          problems.push({
            loc: ["inputs", index, name],
            msg: value === undefined ? "field required" : `must be ${expected}`
          })
      }
      check("library_id", library_id, isInteger(library_id), "an integer")
      check("artist_name", artist_name, typeof artist_name === "string", "a string")
      check("album_title", album_title, typeof album_title === "string", "a string")
      if (legacy_release_id !== undefined && legacy_release_id !== null && !isInteger(legacy_release_id)) {
        problems.push({ loc: ["inputs", index, "legacy_release_id"], msg: "must be an integer or null" })
      }
      if (isInteger(library_id) && typeof artist_name === "string") {
        inputs.push({
          library_id,
          artist_name,
          legacy_release_id: isInteger(legacy_release_id) ? legacy_release_id : null
        })
      }
    })
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, inputs }
}

const validationReply = (problems: ReadonlyArray<Problem>): SimReply => {
  const [first] = problems
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""
  const message =
    first === undefined
      ? "Validation failed."
      : `Validation failed: ${first.loc.join(".")} ${first.msg}${more}.`
  return jsonReply(422, { message, code: "validation_error", details: { errors: problems } })
}

const BEARER = /^bearer\s+(.+)$/i

interface Outcome {
  readonly reply: SimReply
  readonly batchSize: number | null
  readonly libraryIds: ReadonlyArray<number> | null
  readonly includeTracks: boolean
}

/** Route and auth failures: LML answers them without reading the body. */
const unread = (reply: SimReply): Outcome => ({
  reply,
  batchSize: null,
  libraryIds: null,
  includeTracks: false
})

// --- The simulator

const isFaultMap = (table: FaultTable): table is ReadonlyMap<number, Fault> => table instanceof Map

const lookupFault = (table: FaultTable | undefined, key: number): Fault | undefined =>
  table === undefined ? undefined : isFaultMap(table) ? table.get(key) : table[key]

export const makeSimulator = (options: SimulatorOptions): LmlSimulator => {
  const { store, apiKey, faults = {}, resultOverrides = {} } = options
  const tracks = options.tracks ?? noTracks
  const tracksContractVersion = options.tracksContractVersion ?? null
  const latencyMs = options.latencyMs ?? 0
  const requests: Array<RequestRecord> = []

  const resultsFor = (inputs: ReadonlyArray<ComposeInput>, includeTracks: boolean): ReadonlyArray<unknown> =>
    inputs.flatMap((input) => {
      if (!Object.hasOwn(resultOverrides, input.library_id)) {
        return [composeResult(store, input, includeTracks ? tracks : undefined)]
      }
      const override = resultOverrides[input.library_id]
      return override === OMIT ? [] : [override]
    })

  const respond = (request: SimRequest): Outcome => {
    const path = request.path.split("?")[0]
    if (path !== BULK_RESOLVE_PATH) return unread(errorReply(404, "Not Found", "not_found"))
    if (request.method.toUpperCase() !== "POST") {
      return unread(errorReply(405, "Method Not Allowed", "method_not_allowed", { allow: "POST" }))
    }
    if (apiKey !== undefined) {
      const authorization = request.headers["authorization"]
      if (authorization === undefined || authorization.trim() === "") {
        return unread(errorReply(401, "Missing Authorization header.", "unauthorized"))
      }
      if (BEARER.exec(authorization.trim())?.[1] !== apiKey) {
        return unread(errorReply(403, "Invalid API key.", "forbidden"))
      }
    }
    let body: unknown
    try {
      body = JSON.parse(request.body)
    } catch {
      return unread(errorReply(400, "Request body is not valid JSON.", "invalid_json"))
    }
    if (!isRecord(body)) return unread(errorReply(400, "Request body must be a JSON object.", "invalid_body"))

    const inputs = body["inputs"]
    const batchSize = Array.isArray(inputs) ? inputs.length : null
    const libraryIds = Array.isArray(inputs)
      ? inputs.flatMap((input: unknown) =>
          isRecord(input) && isInteger(input["library_id"]) ? [input["library_id"]] : []
        )
      : null
    const includeTracks = body["include_tracks"] === true
    if (batchSize !== null && batchSize > MAX_BATCH_SIZE) {
      const message = `Batch exceeded the ${MAX_BATCH_SIZE}-item cap (received ${batchSize}).`
      return { reply: errorReply(413, message, "batch_too_large"), batchSize, libraryIds, includeTracks }
    }
    const batch = parseBatch(body)
    if (!batch.ok) return { reply: validationReply(batch.problems), batchSize, libraryIds, includeTracks }
    const results = resultsFor(batch.inputs, includeTracks)
    return {
      reply: jsonReply(200, { tracks_contract_version: tracksContractVersion, cache_stats: null, results }),
      batchSize,
      libraryIds,
      includeTracks
    }
  }

  const faultFor = (
    number: number,
    libraryIds: ReadonlyArray<number> | null
  ): { readonly rule: FaultRule; readonly fault: Fault } | undefined => {
    const byRequest = lookupFault(faults.byRequest, number)
    if (byRequest !== undefined) return { rule: "byRequest", fault: byRequest }
    if (faults.first !== undefined && number <= faults.first.count)
      return { rule: "first", fault: faults.first.fault }
    for (const id of libraryIds ?? []) {
      const byLibraryId = lookupFault(faults.byLibraryId, id)
      if (byLibraryId !== undefined) return { rule: "byLibraryId", fault: byLibraryId }
    }
    return faults.always === undefined ? undefined : { rule: "always", fault: faults.always }
  }

  return {
    handle: (request) => {
      const number = requests.length + 1
      const { reply: normal, batchSize, libraryIds, includeTracks } = respond(request)
      const scripted = faultFor(number, libraryIds)
      const reply = scripted === undefined ? normal : applyFault(normal, scripted.fault)
      requests.push({
        number,
        method: request.method,
        path: request.path,
        status: reply.status,
        reset: reply.reset,
        fault: scripted?.rule ?? null,
        batchSize,
        libraryIds,
        includeTracks
      })
      return { ...reply, delayMs: reply.delayMs + latencyMs }
    },
    get requestCount() {
      return requests.length
    },
    get requests() {
      return requests
    },
    get batchSizes() {
      return requests.flatMap((record) => (record.batchSize === null ? [] : [record.batchSize]))
    },
    libraryIdsSeen: () => requests.flatMap((record) => record.libraryIds ?? [])
  }
}
