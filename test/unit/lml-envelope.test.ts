/**
 * `wellFormedEnvelope` against the Schema it stands in for: it accepts every envelope the Schema
 * generates, as the Schema decodes it, and whatever it accepts the Schema decodes to the same
 * value. Anything it refuses is decoded by the Schema, which says why.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, Schema } from "effect"
import fc from "fast-check"
import { wellFormedEnvelope } from "../../layers/LmlHttp.js"
import { BulkResolveResponse } from "../../src/domain/LmlWire.js"

const decodeEnvelope = Schema.decodeUnknownEither(BulkResolveResponse)
const RUNS = { numRuns: 2_000 }

/** Envelope-shaped JSON, each key valid or not, present or not, and keys LML might add. */
const envelopeLike = fc.record(
  {
    results: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.jsonValue()),
    cache_stats: fc.jsonValue(),
    tracks_contract_version: fc.oneof(fc.constant(1), fc.jsonValue()),
    served_by: fc.jsonValue()
  },
  { requiredKeys: [] }
)

describe("wellFormedEnvelope", () => {
  it("accepts every envelope the Schema generates, as the Schema decodes it", () => {
    fc.assert(
      fc.property(Arbitrary.make(BulkResolveResponse), (envelope) => {
        expect(wellFormedEnvelope(envelope)).toStrictEqual(Either.getOrThrow(decodeEnvelope(envelope)))
      }),
      RUNS
    )
  })

  it("accepts nothing the Schema would decode to anything else, or refuse", () => {
    fc.assert(
      fc.property(fc.oneof(envelopeLike, fc.jsonValue()), (value) => {
        const envelope = wellFormedEnvelope(value)
        if (envelope !== undefined) expect(Either.getOrThrow(decodeEnvelope(value))).toStrictEqual(envelope)
      }),
      RUNS
    )
  })

  it("drops keys the contract does not name, as the Schema does", () => {
    const body = { results: [{ kind: "unresolved" }], cache_stats: null, served_by: "lml-2" }
    expect(wellFormedEnvelope(body)).toStrictEqual({ results: [{ kind: "unresolved" }], cache_stats: null })
  })

  it("refuses what is not an envelope", () => {
    for (const value of [null, [], "results", { results: null }, { results: {} }, { cache_stats: null }]) {
      expect(wellFormedEnvelope(value)).toBeUndefined()
      expect(Either.isLeft(decodeEnvelope(value))).toBe(true)
    }
  })
})
