/**
 * The request body `LmlHttp` sends (`JSON.stringify` of the inputs as they are) against the one the
 * Schema's encoder made before: the same bytes and content type, for inputs generated from the
 * Schema and for hostile strings.
 */
import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect } from "effect"
import fc from "fast-check"
import { requestBody } from "../../layers/LmlHttp.js"
import { BulkResolveInput, BulkResolveRequest, LibraryId } from "../../src/domain/LmlWire.js"

const bySchema = (inputs: ReadonlyArray<BulkResolveInput>, includeTracks: boolean) =>
  Effect.runSync(
    HttpClientRequest.schemaBodyJson(BulkResolveRequest)(
      HttpClientRequest.post("/"),
      includeTracks ? { inputs, include_tracks: true } : { inputs }
    )
  ).body

const direct = (inputs: ReadonlyArray<BulkResolveInput>, includeTracks: boolean) =>
  HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post("/"), requestBody(inputs, includeTracks)).body

const hostileText = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "Nul\u0000byte",
    "lone \uD800 surrogate",
    "'; DROP TABLE library; --",
    `"quoted" \\back\\slash {braces,}`,
    "\u202Eموسيقى\u200F עברית 🎸",
    "x".repeat(1_000)
  )
)

const hostileInput = fc
  .record({
    library_id: fc.integer({ min: 1, max: 2_147_483_647 }),
    artist_name: hostileText,
    album_title: hostileText,
    legacy_release_id: fc.option(fc.integer(), { nil: null })
  })
  .map((fields): BulkResolveInput => ({ ...fields, library_id: LibraryId.make(fields.library_id) }))

describe("requestBody", () => {
  it.each([
    ["inputs generated from the Schema", Arbitrary.make(BulkResolveInput)],
    ["hostile strings", hostileInput]
  ])("encodes %s exactly as the Schema did", (_, input) => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 20 }), fc.boolean(), (inputs, includeTracks) => {
        expect(direct(inputs, includeTracks)).toStrictEqual(bySchema(inputs, includeTracks))
      }),
      { numRuns: 200 }
    )
  })
})
