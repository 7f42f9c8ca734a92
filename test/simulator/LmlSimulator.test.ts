import { describe, expect, it } from "@effect/vitest"
import { BULK_RESOLVE_PATH } from "../../src/domain/LmlWire.js"
import { demoEntities, makeEntityStore } from "../../src/simulator/EntityStore.js"
import {
  type Fault,
  makeSimulator,
  OMIT,
  type SimReply,
  type SimulatorOptions
} from "../../src/simulator/LmlSimulator.js"
import { makeTrackStore, type TrackCredit } from "../../src/simulator/TrackStore.js"
import { bulkRequest, rawRequest, releaseRow, row, rows, tracksRequest } from "./requests.js"

const store = makeEntityStore(demoEntities)
const simulator = (options: Omit<SimulatorOptions, "store"> = {}) => makeSimulator({ store, ...options })

interface Envelope {
  readonly tracks_contract_version: unknown
  readonly cache_stats: unknown
  readonly results: ReadonlyArray<Record<string, unknown>>
}

const envelope = (reply: SimReply): Envelope => JSON.parse(reply.body) as Envelope
const errorOf = (reply: SimReply): { message: string; code: string } =>
  JSON.parse(reply.body) as { message: string; code: string }

describe("LmlSimulator: answers", () => {
  it("answers the contract's Stereolab request with the wire envelope", () => {
    const reply = simulator().handle(bulkRequest([row(1234, "Stereolab", "Aluminum Tunes")]))
    expect(reply).toMatchObject({ status: 200, delayMs: 0, reset: "none" })
    expect(reply.headers["content-type"]).toBe("application/json")
    expect(reply.body.startsWith('{"tracks_contract_version":null,"cache_stats":null,"results":[')).toBe(true)
    expect(envelope(reply).results[0]).toMatchObject({
      kind: "single_artist",
      library_id: 1234,
      method: "exact_match",
      confidence: 1
    })
  })

  it("keeps input order, duplicates included", () => {
    const batch = [
      row(1, "Various Artists"),
      row(2, "Nobody Artist"),
      row(3, "Juana Molina"),
      row(1, "Various Artists")
    ]
    const results = envelope(simulator().handle(bulkRequest(batch))).results
    expect(results.map((r) => [r["library_id"], r["kind"]])).toEqual([
      [1, "compilation"],
      [2, "unresolved"],
      [3, "single_artist"],
      [1, "compilation"]
    ])
    expect(results[2]?.["main"]).toMatchObject({ discogs_artist_id: 305253, wikidata_qid: "Q272615" })
  })

  it("ignores unknown keys, a null legacy_release_id and include_tracks", () => {
    const input = { ...row(7, "Stereolab"), legacy_release_id: null, shelf: "A-12" }
    const reply = simulator().handle(
      rawRequest(JSON.stringify({ inputs: [input], include_tracks: false, extra: 1 }))
    )
    expect(reply.status).toBe(200)
  })

  it("accepts a batch of exactly 1000", () => {
    const reply = simulator().handle(bulkRequest(rows(1000)))
    expect(reply.status).toBe(200)
    expect(envelope(reply).results).toHaveLength(1000)
  })
})

describe("LmlSimulator: tracks", () => {
  const credits: ReadonlyArray<TrackCredit> = [
    { track_position: "1", artist_name: "JUANA MOLINA", track_title: "Un Dia" },
    { track_position: null, artist_name: "Nobody Artist", track_title: null }
  ]
  const tracks = makeTrackStore(
    new Map([
      [500, credits],
      [501, []]
    ])
  )
  const batch = [
    releaseRow(1, "Various Artists", 500),
    releaseRow(2, "Stereolab", 501),
    releaseRow(3, "Various Artists", 502),
    releaseRow(4, "Various Artists", null),
    row(5, "Various Artists"),
    releaseRow(6, "Nobody Artist", 500)
  ]
  const states = (reply: SimReply) =>
    envelope(reply).results.map((result) => [result["tracks_attempted"], result["tracks"]])

  it("sends tracks_contract_version null by default and 1 when configured", () => {
    expect(envelope(simulator().handle(bulkRequest([row(1, "Low")]))).tracks_contract_version).toBeNull()
    const versioned = simulator({ tracksContractVersion: 1 }).handle(bulkRequest([row(1, "Low")]))
    expect(versioned.body.startsWith('{"tracks_contract_version":1,"cache_stats":null,"results":[')).toBe(
      true
    )
    expect(simulator({ tracksContractVersion: null }).handle(bulkRequest([row(1, "Low")])).body).toContain(
      '"tracks_contract_version":null'
    )
  })

  it("answers every row (null, null) unless the batch sets include_tracks", () => {
    const sim = simulator({ tracks, tracksContractVersion: 1 })
    for (const reply of [
      sim.handle(bulkRequest(batch)),
      sim.handle(tracksRequest(batch, false)),
      sim.handle(tracksRequest(batch, null))
    ]) {
      expect(reply.status).toBe(200)
      expect(states(reply)).toEqual(batch.map(() => [null, null]))
    }
  })

  it("answers the four states from the track store when asked", () => {
    const reply = simulator({ tracks }).handle(tracksRequest(batch))
    const [visited, empty, unvisited, noRelease, absentRelease, unresolved] = states(reply)
    expect(visited?.[0]).toBe(true)
    expect(visited?.[1]).toEqual([
      {
        track_position: "1",
        artist_name: "JUANA MOLINA",
        track_title: "Un Dia",
        resolved_artist_name: "Juana Molina",
        confidence: 1,
        method: "cross_source_agreement",
        sources: [
          { source: "discogs", method: "exact_match", confidence: 1, external_id: "305253" },
          { source: "wikidata", method: "exact_match", confidence: 1, external_id: "Q272615" }
        ]
      },
      {
        track_position: null,
        artist_name: "Nobody Artist",
        track_title: null,
        resolved_artist_name: null,
        confidence: null,
        method: null,
        sources: []
      }
    ])
    expect([empty, unvisited, noRelease, absentRelease, unresolved]).toEqual([
      [true, []],
      [false, []],
      [false, []],
      [false, []],
      [null, null]
    ])
  })

  it("has visited nothing when given no track store", () => {
    const reply = simulator().handle(tracksRequest([releaseRow(1, "Various Artists", 500)]))
    expect(states(reply)).toEqual([[false, []]])
  })

  it("still replaces a whole result with an override when tracks are asked for", () => {
    const sim = simulator({ tracks, resultOverrides: { 1: { kind: "compilation", library_id: 1 }, 2: OMIT } })
    const results = envelope(sim.handle(tracksRequest(batch.slice(0, 3)))).results
    expect(results).toEqual([
      { kind: "compilation", library_id: 1 },
      expect.objectContaining({ library_id: 3, tracks_attempted: false, tracks: [] })
    ])
  })

  it("validates legacy_release_id and include_tracks before composing any tracks", () => {
    const sim = simulator({ tracks })
    expect(sim.handle(tracksRequest(batch, "true")).status).toBe(422)
    expect(sim.handle(tracksRequest([{ ...row(1, "Various Artists"), legacy_release_id: 1.5 }])).status).toBe(
      422
    )
  })
})

describe("LmlSimulator: refusals", () => {
  it("routes before anything else: 404 for other paths, 405 for other methods", () => {
    const sim = simulator({ apiKey: "secret" })
    const notFound = sim.handle({ ...bulkRequest([row(1, "Low")]), path: "/api/v1/identity/bulk-resolve" })
    expect(notFound.status).toBe(404)
    expect(errorOf(notFound).code).toBe("not_found")
    const wrongMethod = sim.handle({ ...bulkRequest([row(1, "Low")]), method: "GET" })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers["allow"]).toBe("POST")
    const withQuery = simulator().handle({
      ...bulkRequest([row(1, "Low")]),
      path: `${BULK_RESOLVE_PATH}?trace=1`
    })
    expect(withQuery.status).toBe(200)
  })

  it("checks the key before the body: 401 without a header, 403 for a wrong token or scheme", () => {
    const sim = simulator({ apiKey: "secret" })
    const notJson = rawRequest("{not json")
    expect(sim.handle(notJson).status).toBe(401)
    expect(errorOf(sim.handle(notJson))).toMatchObject({ code: "unauthorized" })
    expect(sim.handle(rawRequest("{not json", { authorization: "Bearer wrong" })).status).toBe(403)
    expect(sim.handle(bulkRequest([row(1, "Low")], { authorization: "Basic secret" })).status).toBe(403)
    expect(sim.handle(bulkRequest([row(1, "Low")], { authorization: "Bearer wrong" })).status).toBe(403)
    expect(sim.handle(bulkRequest([row(1, "Low")], { authorization: "Bearer secret" })).status).toBe(200)
    expect(sim.handle(bulkRequest([row(1, "Low")], { authorization: "bearer secret" })).status).toBe(200)
  })

  it("needs no header when no key is configured", () => {
    expect(simulator().handle(bulkRequest([row(1, "Low")])).status).toBe(200)
  })

  it("answers 400 when the body is not JSON or not an object", () => {
    for (const body of ["{not json", "", "[]", "null", '"inputs"', "42"]) {
      const reply = simulator().handle(rawRequest(body))
      expect(reply.status, body).toBe(400)
      expect(typeof errorOf(reply).message).toBe("string")
    }
  })

  it("answers 413 for more than 1000 inputs, before validating them", () => {
    const sim = simulator()
    const reply = sim.handle(bulkRequest(rows(1001)))
    expect(reply.status).toBe(413)
    expect(errorOf(reply)).toEqual({
      message: "Batch exceeded the 1000-item cap (received 1001).",
      code: "batch_too_large"
    })
    const junk = Array.from({ length: 1500 }, () => ({ nonsense: true }))
    expect(errorOf(sim.handle(bulkRequest(junk))).message).toBe(
      "Batch exceeded the 1000-item cap (received 1500)."
    )
  })

  it("answers 422 for empty inputs and missing or mistyped fields", () => {
    const invalid: ReadonlyArray<unknown> = [
      {},
      { inputs: [] },
      { inputs: "Stereolab" },
      { inputs: [{ library_id: 1, artist_name: "Low" }] },
      { inputs: [{ library_id: "1", artist_name: "Low", album_title: "I Could Live in Hope" }] },
      { inputs: [{ library_id: 1.5, artist_name: "Low", album_title: "x" }] },
      { inputs: [{ library_id: 1, artist_name: null, album_title: "x" }] },
      { inputs: [{ library_id: 1, artist_name: "Low", album_title: "x", legacy_release_id: "9" }] },
      { inputs: [row(1, "Low"), "Low"] },
      { inputs: [row(1, "Low")], include_tracks: "yes" }
    ]
    for (const body of invalid) {
      const reply = simulator().handle(rawRequest(JSON.stringify(body)))
      expect(reply.status, JSON.stringify(body)).toBe(422)
      expect(errorOf(reply).code).toBe("validation_error")
    }
  })

  it("names the offending field in a 422", () => {
    const reply = simulator().handle(bulkRequest([row(1, "Low"), { library_id: 2, artist_name: "Low" }]))
    expect(errorOf(reply).message).toBe("Validation failed: inputs.1.album_title field required.")
  })
})

describe("LmlSimulator: scripted faults", () => {
  const ok = bulkRequest([row(1, "Stereolab")])

  it("fails a request by number, from a record or a map", () => {
    const unavailable: Fault = { status: 503, retryAfter: "2" }
    for (const byRequest of [{ 2: unavailable }, new Map([[2, unavailable]])]) {
      const sim = simulator({ faults: { byRequest } })
      const statuses = [1, 2, 3].map(() => sim.handle(ok))
      expect(statuses.map((reply) => reply.status)).toEqual([200, 503, 200])
      expect(statuses[1]?.headers["retry-after"]).toBe("2")
      expect(errorOf(statuses[1] as SimReply)).toEqual({
        message: "Entity store unavailable.",
        code: "service_unavailable"
      })
    }
  })

  it("fails the first N requests, then recovers", () => {
    const sim = simulator({ faults: { first: { count: 2, fault: { status: 500 } } } })
    expect([1, 2, 3, 4].map(() => sim.handle(ok).status)).toEqual([500, 500, 200, 200])
  })

  it("fails any batch that contains a poison library id", () => {
    const poison = { status: 422, body: JSON.stringify({ message: "poison", code: "validation_error" }) }
    const sim = simulator({ faults: { byLibraryId: { 666: poison } } })
    const poisoned = sim.handle(bulkRequest([row(1, "Low"), row(666, "Low")]))
    expect(poisoned.status).toBe(422)
    expect(errorOf(poisoned).message).toBe("poison")
    expect(sim.handle(bulkRequest([row(1, "Low"), row(2, "Low")])).status).toBe(200)
    expect(sim.handle(bulkRequest([row(666, "Low")])).status).toBe(422)
  })

  it("does not read the body of an unauthorised request for a poison id", () => {
    const sim = simulator({ apiKey: "k", faults: { byLibraryId: { 666: { status: 503 } } } })
    expect(sim.handle(bulkRequest([row(666, "Low")])).status).toBe(401)
  })

  it("applies the first matching rule: byRequest, first, byLibraryId, always", () => {
    const sim = simulator({
      faults: {
        byRequest: { 1: { status: 502 } },
        first: { count: 2, fault: { status: 500 } },
        byLibraryId: { 9: { status: 422 } },
        always: { status: 504 }
      }
    })
    const poison = bulkRequest([row(9, "Low")])
    expect([1, 2, 3, 4].map((n) => sim.handle(n === 3 ? poison : ok).status)).toEqual([502, 500, 422, 504])
    expect(sim.requests.map((record) => record.fault)).toEqual([
      "byRequest",
      "first",
      "byLibraryId",
      "always"
    ])
  })

  it("delivers the normal reply late or cut off when the fault has no status", () => {
    const sim = simulator({
      latencyMs: 10,
      faults: { byRequest: { 1: { delayMs: 250 }, 2: { reset: "mid-body" } } }
    })
    const normal = simulator().handle(ok)
    const late = sim.handle(ok)
    expect(late).toMatchObject({ status: 200, body: normal.body, delayMs: 260, reset: "none" })
    expect(sim.handle(ok)).toMatchObject({ status: 200, body: normal.body, delayMs: 10, reset: "mid-body" })
    expect(sim.handle(rawRequest("nope")).delayMs).toBe(10)
  })

  it("sends a scripted body as is, labelled by whether it is JSON", () => {
    const sim = simulator({ faults: { always: { status: 502, body: "<html>Bad Gateway</html>" } } })
    const reply = sim.handle(ok)
    expect(reply).toMatchObject({ status: 502, body: "<html>Bad Gateway</html>" })
    expect(reply.headers["content-type"]).toBe("text/plain; charset=utf-8")
  })
})

describe("LmlSimulator: result overrides", () => {
  it("replaces a result with a raw value or leaves it out", () => {
    const sim = simulator({
      resultOverrides: { 2: { kind: "single_artist", library_id: 99, main: "garbage" }, 3: OMIT }
    })
    const results = envelope(
      sim.handle(bulkRequest([row(1, "Low"), row(2, "Low"), row(3, "Low"), row(4, "Low")]))
    ).results
    expect(results.map((r) => r["library_id"])).toEqual([1, 99, 4])
    expect(results[1]).toEqual({ kind: "single_artist", library_id: 99, main: "garbage" })
  })
})

describe("LmlSimulator: introspection", () => {
  it("counts requests, batch sizes and library ids", () => {
    const sim = simulator({ apiKey: "k" })
    const auth = { authorization: "Bearer k" }
    sim.handle(bulkRequest(rows(3), auth))
    sim.handle(bulkRequest(rows(2, 10)))
    sim.handle(bulkRequest([row(4, "Low"), { library_id: "x" }], auth))
    sim.handle(bulkRequest(rows(1, 1), auth))
    expect(sim.requestCount).toBe(4)
    expect(sim.batchSizes).toEqual([3, 2, 1])
    expect(sim.libraryIdsSeen()).toEqual([1, 2, 3, 4, 1])
    expect(sim.requests.map((record) => [record.number, record.status])).toEqual([
      [1, 200],
      [2, 401],
      [3, 422],
      [4, 200]
    ])
  })
})
