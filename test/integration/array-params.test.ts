/**
 * The array literals `ArrayParams` writes against the driver's own spelling of the same JS array:
 * the real PostgreSQL must read the same array from both, for hostile text, NULLs and numbers.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { numberColumn, textColumn } from "../../src/VerdictWriter/ArrayParams.js"

/** PostgreSQL text cannot hold NUL, whichever way it is spelled. */
const storableText = fc.string({ unit: "binary" }).map((text) => text.replaceAll("\u0000", ""))

const hostileText = fc.oneof(
  storableText,
  fc.constantFrom(
    "",
    "NULL",
    "null",
    " padded ",
    "lone \uD800 surrogate",
    `"quoted" \\back\\slash {braces,} \\"`,
    "a,b",
    "{}",
    "\u202Eموسيقى\u200F עברית 🎸",
    "x".repeat(2_000)
  )
)

const sameArray = (cast: "text[]" | "int[]" | "real[]", literal: string, driver: ReadonlyArray<unknown>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly same: boolean; readonly value: ReadonlyArray<unknown> }>`
        SELECT ${literal}::${sql.literal(cast)} IS NOT DISTINCT FROM ${driver}::${sql.literal(cast)} AS same,
          ${literal}::${sql.literal(cast)} AS value`,
      (rows) => rows[0]!
    )
  )

/** Runs a fast-check property whose body is an Effect against the test database. */
const holds = <A>(
  values: fc.Arbitrary<A>,
  check: (value: A) => Effect.Effect<void, unknown, SqlClient.SqlClient>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(values, (value) =>
          Effect.runPromise(
            check(value).pipe(Effect.provideService(SqlClient.SqlClient, sql), Effect.as(true))
          )
        ),
        { numRuns: 150 }
      )
    )
  })

describe("ArrayParams", () => {
  it.effect("text columns read back as the driver's arrays, NULLs and hostile text included", () =>
    holds(fc.array(fc.option(hostileText, { nil: null }), { maxLength: 30 }), (values) =>
      Effect.map(
        sameArray(
          "text[]",
          textColumn(values, (v) => v),
          values
        ),
        ({ same, value }) => {
          expect(same).toBe(true)
          // Both spellings store a lone surrogate as U+FFFD; any other text comes back as it went.
          if (values.every((v) => v === null || !/\p{Cs}/u.test(v))) expect(value).toStrictEqual(values)
        }
      )
    ).pipe(Effect.provide(TestDatabase.client))
  )

  it.effect("int and real columns read back as the driver's arrays", () =>
    holds(
      fc.record({
        ints: fc.array(fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), { nil: null })),
        reals: fc.array(fc.option(fc.float({ noDefaultInfinity: false }), { nil: null }))
      }),
      ({ ints, reals }) =>
        Effect.gen(function* () {
          const intsRead = yield* sameArray(
            "int[]",
            numberColumn(ints, (v) => v),
            ints
          )
          expect(intsRead.same).toBe(true)
          expect(intsRead.value).toStrictEqual(ints)
          const realsRead = yield* sameArray(
            "real[]",
            numberColumn(reals, (v) => v),
            reals
          )
          expect(realsRead.same).toBe(true)
        })
    ).pipe(Effect.provide(TestDatabase.client))
  )
})
