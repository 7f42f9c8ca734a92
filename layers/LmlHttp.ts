/**
 * The live LML client: one `HttpClient` built once with the endpoint, auth and JSON accept
 * header, a per-request timeout, and every failure mapped to `LmlFetchError`.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import {
  Clock,
  Config,
  ConfigError,
  Duration,
  Effect,
  Either,
  Layer,
  Option,
  ParseResult,
  Predicate,
  Redacted,
  Schema
} from "effect"
import { integerBetween, required } from "../src/config/EnvValues.js"
import { retryAfterMs } from "../src/domain/Backoff.js"
import { LmlFetchError } from "../src/domain/Errors.js"
import {
  ApiErrorBody,
  type BulkResolveInput,
  type BulkResolveRequest,
  BulkResolveResponse,
  bulkResolveUrl
} from "../src/domain/LmlWire.js"
import { type BatchRequestOptions, LmlClient } from "../src/LmlClient.js"

export interface LmlHttpSettings {
  readonly endpoint: string
  readonly apiKey: Option.Option<Redacted.Redacted>
  readonly timeout: Duration.Duration
}

const endpoint = required("LIBRARY_METADATA_URL", "the base URL of LML, e.g. https://lml.example.org").pipe(
  Config.mapOrFail((raw) => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined
    return url !== undefined && (url.protocol === "http:" || url.protocol === "https:")
      ? Either.right(bulkResolveUrl(raw))
      : Either.left(
          ConfigError.InvalidData([], `LIBRARY_METADATA_URL='${raw}' is invalid: expected an http(s) URL`)
        )
  })
)

export const lmlHttpSettings: Config.Config<LmlHttpSettings> = Config.all({
  endpoint,
  apiKey: Config.option(Config.redacted("LML_API_KEY")).pipe(
    Config.map(Option.filter((key) => Redacted.value(key).trim() !== ""))
  ),
  timeout: integerBetween("LML_TIMEOUT_MS", 30_000, 1, 600_000).pipe(Config.map(Duration.millis))
})

/** The message an error body carries, in either shape LML has used; the raw text otherwise. */
const errorDetail = (body: string): string =>
  Option.match(Schema.decodeUnknownOption(Schema.parseJson(ApiErrorBody))(body), {
    onNone: () => body.slice(0, 300),
    onSome: (parsed) => ("message" in parsed ? parsed.message : JSON.stringify(parsed.detail).slice(0, 300))
  })

/** `lml.cache.<key>` for each finite number in a `cache_stats` object; anything else is ignored. */
const annotateCacheStats = (stats: unknown) =>
  typeof stats === "object" && stats !== null && !Array.isArray(stats)
    ? Effect.annotateCurrentSpan(
        Object.fromEntries(
          Object.entries(stats).flatMap(([key, value]) =>
            typeof value === "number" && Number.isFinite(value) ? [[`lml.cache.${key}`, value]] : []
          )
        )
      ).pipe(Effect.ignore)
    : Effect.void

const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 408

/**
 * The request as the Schema encodes it, without running the encoder: every input is already a
 * `BulkResolveInput` (whoever made it validated it, or built it from values decoded against the
 * same types), and a `BulkResolveInput`'s encoded form is its own fields, so `JSON.stringify`
 * writes the bytes the encoder would (test/unit/lml-request-body.test.ts). Running the encoder
 * over 500 inputs cost ~0.8 ms of CPU a call.
 */
export const requestBody = (
  inputs: ReadonlyArray<BulkResolveInput>,
  includeTracks: boolean
): typeof BulkResolveRequest.Encoded => (includeTracks ? { inputs, include_tracks: true } : { inputs })

const parseEnvelope = Schema.decodeUnknown(Schema.parseJson(BulkResolveResponse))

/**
 * `value` as `BulkResolveResponse` decodes it, when it is one: its three keys, the optional two
 * only where present. test/unit/lml-envelope.test.ts holds it to the Schema. Decoding `results`
 * through the Schema's `Array(Unknown)` cost ~0.3 ms of CPU a call for 500 results.
 */
export const wellFormedEnvelope = (value: unknown): BulkResolveResponse | undefined => {
  if (!Predicate.isRecord(value) || !Array.isArray(value["results"])) return undefined
  const envelope: { -readonly [K in keyof BulkResolveResponse]: BulkResolveResponse[K] } = {
    results: value["results"]
  }
  if (Object.hasOwn(value, "cache_stats")) envelope.cache_stats = value["cache_stats"]
  if (Object.hasOwn(value, "tracks_contract_version")) {
    envelope.tracks_contract_version = value["tracks_contract_version"]
  }
  return envelope
}

const parsedOrUndefined = (body: string): unknown => {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** A body that is not the envelope fails with the Schema's own error. */
const decodeEnvelope = (body: string) => {
  const envelope = wellFormedEnvelope(parsedOrUndefined(body))
  return envelope === undefined ? parseEnvelope(body) : Effect.succeed(envelope)
}

export const make = (settings: LmlHttpSettings) =>
  Effect.gen(function* () {
    const http = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        Option.match(settings.apiKey, {
          onNone: () => request,
          onSome: (key) => HttpClientRequest.bearerToken(request, key)
        }).pipe(HttpClientRequest.acceptJson)
      )
    )

    const resolveBatch = Effect.fn("lml.bulk_resolve_libraries")(
      function* (inputs: ReadonlyArray<BulkResolveInput>, options: BatchRequestOptions = {}) {
        const includeTracks = options.includeTracks ?? false
        yield* Effect.annotateCurrentSpan({
          "sentry.op": "http.client",
          "lml.batch_size": inputs.length,
          "lml.attempt": options.attempt ?? 1,
          "lml.include_tracks": includeTracks
        })
        const request = HttpClientRequest.post(settings.endpoint).pipe(
          HttpClientRequest.bodyUnsafeJson(requestBody(inputs, includeTracks))
        )
        const response = yield* http.execute(request)
        yield* Effect.annotateCurrentSpan("http.response.status_code", response.status)
        // Read the body as text first: a reset mid-body is a transport failure (retryable),
        // a complete body that is not the envelope is a decode failure (not retryable).
        const body = yield* response.text
        if (response.status !== 200) {
          const now = yield* Clock.currentTimeMillis
          return yield* new LmlFetchError({
            status: response.status,
            retryable: isRetryableStatus(response.status),
            reason: "Status",
            detail: errorDetail(body),
            retryAfterMs: retryAfterMs(response.headers["retry-after"], now, Number.POSITIVE_INFINITY)
          })
        }
        return yield* decodeEnvelope(body).pipe(
          Effect.tap((envelope) => annotateCacheStats(envelope.cache_stats)),
          Effect.mapError(
            (error) =>
              new LmlFetchError({
                status: 200,
                retryable: false,
                reason: "Decode",
                detail: ParseResult.TreeFormatter.formatErrorSync(error).slice(0, 500)
              })
          )
        )
      },
      Effect.scoped,
      Effect.catchTags({
        RequestError: (error) =>
          Effect.fail(
            new LmlFetchError({ status: null, retryable: true, reason: "Transport", detail: error.message })
          ),
        ResponseError: (error) =>
          Effect.fail(
            new LmlFetchError({
              status: error.response.status,
              retryable: true,
              reason: "Transport",
              detail: error.message
            })
          )
      }),
      Effect.timeoutFail({
        duration: settings.timeout,
        onTimeout: () =>
          new LmlFetchError({
            status: null,
            retryable: true,
            reason: "Timeout",
            detail: `no complete response within ${Duration.format(settings.timeout)}`
          })
      })
    )

    return LmlClient.of({ resolveBatch })
  })

/** The HTTP client without its transport: tests provide an in-memory `HttpClient`. */
export const layerWithoutTransport = (settings: LmlHttpSettings) => Layer.effect(LmlClient, make(settings))

export const layerConfig = Layer.unwrapEffect(Effect.map(lmlHttpSettings, layerWithoutTransport))

/** The production client: settings from the environment, undici underneath. */
export const layer = layerConfig.pipe(Layer.provide(NodeHttpClient.layerUndici))
