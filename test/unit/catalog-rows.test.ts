/**
 * `isCatalogRow` against the Schema it stands in for: it accepts the rows the Schema generates,
 * and whatever it accepts the Schema decodes to the row itself. A page with a row it refuses
 * fails with the Schema's own error.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, Either, Schema } from "effect"
import fc from "fast-check"
import { CatalogRow, decodeCatalogPage, isCatalogRow } from "../../src/CatalogRepository.js"

const decodeRow = Schema.decodeUnknownEither(CatalogRow)
const RUNS = { numRuns: 2_000 }

/** Each column valid or not: integers out of range, fractions, strings, NULLs, objects. */
const anyColumn = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.bigInt(),
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object()
)

const rowLike = fc.record(
  { id: anyColumn, artist_name: anyColumn, album_title: anyColumn, legacy_release_id: anyColumn },
  { requiredKeys: [] }
)

describe("isCatalogRow", () => {
  it("accepts every row the Schema generates, as the Schema decodes it", () => {
    fc.assert(
      fc.property(Arbitrary.make(CatalogRow), (row) => {
        expect(isCatalogRow(row)).toBe(true)
        expect(decodeRow(row)).toStrictEqual(Either.right(row))
      }),
      RUNS
    )
  })

  it("accepts nothing the Schema would decode to anything else, or refuse", () => {
    fc.assert(
      fc.property(fc.oneof(rowLike, anyColumn), (value) => {
        if (isCatalogRow(value)) expect(decodeRow(value)).toStrictEqual(Either.right(value))
      }),
      RUNS
    )
  })

  it.effect("a page with one bad row fails with the Schema's error", () =>
    Effect.gen(function* () {
      const good = { id: 1, artist_name: "Stereolab", album_title: "Dots and Loops", legacy_release_id: null }
      expect(yield* decodeCatalogPage([good])).toStrictEqual([good])
      const error = yield* Effect.flip(decodeCatalogPage([good, { ...good, id: 2, album_title: null }]))
      expect(error._tag).toBe("ParseError")
      expect(String(error)).toContain("album_title")
    })
  )
})
