/**
 * `library-identity-consumer status` as a separate process against a real PostgreSQL: one JSON
 * object whose counts split the catalog, `due_now` equal to what the next run selects, the
 * run's selection settings honoured, nothing written, no LML needed; a table on a terminal.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import type { CatalogStatus } from "../../src/CatalogStatus.js"
import type { RunTotals } from "../../src/domain/Totals.js"
import {
  dumpAll,
  dumpTrackRows,
  markedIds,
  seedCatalogArtists,
  seedLibrary,
  seedTrackRows,
  withTables
} from "../support/catalog.js"
import { runCli, runCliOnTerminal, stdoutReport, testDatabaseUrl } from "../support/cli.js"
import { askedIds, demoSimulator } from "../support/consumer.js"
import { serveSimulator } from "../support/simulatorServer.js"

/**
 * Every kind of row, and where the default settings put it: fresh 1; stale and due 2; manual
 * 3, 13; no artist 4; never canonicalised 5, 12; waiting on a marker 6, 8, 11; marker expired,
 * due 7; V/A and due 9 (shelf code), 10 (credits, NULL letters).
 */
const statusCatalog = Effect.gen(function* () {
  yield* seedLibrary([
    { id: 1, artist_name: "Stereolab" },
    { id: 2, artist_name: "Stereolab" },
    { id: 3, artist_name: "Juana Molina" },
    { id: 4, artist_name: null },
    { id: 5, artist_name: "Stereolab", canonical_entity_id: null },
    { id: 6, artist_name: "Nobody Artist" },
    { id: 7, artist_name: "Nobody Artist" },
    { id: 8, artist_name: "Stereolab" },
    { id: 9, artist_name: "Various Artists", code_volume_letters: "Z" },
    { id: 10, artist_name: "Various Artists" },
    { id: 11, artist_name: "Various Artists", code_volume_letters: "Z" },
    { id: 12, artist_name: "Stereolab", canonical_entity_id: null },
    { id: 13, artist_name: "Juana Molina" }
  ])
  const [artist] = yield* seedCatalogArtists(["Stereolab"])
  yield* seedTrackRows([
    {
      library_id: 10,
      artist_name: "Stereolab",
      track_title: "A",
      track_artist_id: artist!,
      track_artist_link_method: "lml_backfill"
    },
    {
      library_id: 10,
      artist_name: "Stereolab",
      track_title: "B",
      track_artist_id: artist!,
      track_artist_link_method: "librarian"
    },
    { library_id: 10, artist_name: "Nobody", track_title: "C" }
  ])
  yield* withTables((sql, t) =>
    Effect.all([
      sql`INSERT INTO ${t.identity} (library_id, method, confidence, last_verified_at) VALUES
        (1, 'exact_match', 1, now()),
        (2, 'trigram', 0.7, now() - interval '10 days'),
        (3, 'manual', 1, now() - interval '90 days'),
        (8, 'exact_match', 1, now() - interval '20 days'),
        (13, 'manual', 1, now())`,
      sql`UPDATE ${t.library} SET unresolved_attempted_at = now() - CASE id
          WHEN 6 THEN interval '2 days' WHEN 7 THEN interval '40 days' WHEN 8 THEN interval '1 hour'
          WHEN 11 THEN interval '3 days' WHEN 12 THEN interval '1 hour' END
        WHERE id IN (6, 7, 8, 11, 12)`
    ])
  )
})

const inFreshSchema = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(statusCatalog, effect).pipe(Effect.provide(TestDatabase.layer("status")))

/** The database and schema only: `status` needs no LML. */
const databaseEnv = Effect.map(CatalogSchema, ({ name }) => ({
  DATABASE_URL: testDatabaseUrl,
  WXYC_SCHEMA_NAME: name
}))

const status = (args: ReadonlyArray<string> = [], env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const result = yield* runCli(["status", ...args], { ...(yield* databaseEnv), ...env })
    expect(result.code, result.stderr).toBe(0)
    return stdoutReport(result) as unknown as CatalogStatus
  })

/** The five counts that split the catalog, in the order a row is counted. */
const split = (report: CatalogStatus) => [
  report.not_selectable.no_artist_name,
  report.not_selectable.null_canonical_excluded,
  report.identities.manual,
  report.identities.fresh,
  report.waiting_on_marker,
  report.due_now.va,
  report.due_now.non_va
]

const sum = (counts: ReadonlyArray<number>) => counts.reduce((a, b) => a + b, 0)

describe("library-identity-consumer status", () => {
  it.live("prints one JSON object that splits the catalog, writes nothing, and needs no LML", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const before = yield* Effect.all([dumpAll, dumpTrackRows, markedIds])
        const report = yield* status()
        expect(report).toEqual({
          catalog_rows: 13,
          identities: {
            fresh: 1,
            stale: 2,
            manual: 2,
            by_method: { exact_match: 2, manual: 2, trigram: 1 }
          },
          due_now: { va: 2, non_va: 2 },
          waiting_on_marker: 3,
          not_selectable: { no_artist_name: 1, null_canonical_excluded: 2 },
          va: { rows: 3, track_rows: 3, track_rows_linked: { lml_backfill: 1, librarian: 1 } }
        })
        expect(sum(split(report))).toBe(report.catalog_rows)
        expect(yield* Effect.all([dumpAll, dumpTrackRows, markedIds])).toEqual(before)
      })
    )
  )

  it.live("due_now is what the next run selects, cohort by cohort", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const report = yield* status()
        const simulator = demoSimulator()
        const server = yield* serveSimulator(simulator)
        const run = yield* runCli(["run"], { ...(yield* databaseEnv), LIBRARY_METADATA_URL: server.url })
        const totals = stdoutReport(run) as unknown as RunTotals
        expect(totals.cohorts.va.scanned).toBe(report.due_now.va)
        expect(totals.cohorts.non_va.scanned).toBe(report.due_now.non_va)
        expect(askedIds(simulator)).toEqual([2, 7, 9, 10])
        const after = yield* status()
        expect(after.due_now).toEqual({ va: 0, non_va: 0 })
        expect(sum(split(after))).toBe(after.catalog_rows)
      }).pipe(Effect.scoped)
    )
  )

  it.live("honours the run's selection settings, as flags or variables, and ignores RECHECK", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const included = yield* status(["--include-null-canonical"], { RECHECK: "not even valid" })
        // 5 is due now; 12's marker is an hour old.
        expect(included.not_selectable.null_canonical_excluded).toBe(0)
        expect(included.due_now).toEqual({ va: 2, non_va: 3 })
        expect(included.waiting_on_marker).toBe(4)
        expect(sum(split(included))).toBe(13)

        const oneDay = yield* status([], { UNRESOLVED_RETRY_DAYS: "1" })
        // 6 (2 days) and 11 (3 days) are due again; 8's marker is an hour old.
        expect(oneDay.waiting_on_marker).toBe(1)
        expect(oneDay.due_now).toEqual({ va: 3, non_va: 3 })

        const longStale = yield* status(["--stale-threshold-days", "30"])
        // 2 (10 days) and 8 (20 days) are fresh again.
        expect(longStale.identities).toMatchObject({ fresh: 3, stale: 0 })

        const partition = yield* status(["--partition-index", "0", "--partition-count", "2"])
        expect(partition.catalog_rows).toBe(6)
        expect(partition.va).toEqual({
          rows: 1,
          track_rows: 3,
          track_rows_linked: { lml_backfill: 1, librarian: 1 }
        })
      })
    )
  )

  it.live("prints a table on a terminal", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const result = yield* runCliOnTerminal(["status"], yield* databaseEnv)
        expect(result.code).toBe(0)
        const lines = result.stdout.trim().split("\n")
        expect(lines[0]).toMatch(/^catalog rows\s+13$/)
        expect(result.stdout).toMatch(/due now\s+4 \(V\/A 2, other 2\)/)
        expect(result.stdout).toMatch(/V\/A track rows\s+3, 2 linked \(66\.7%\)/)
        expect(result.stdout).not.toContain("{")
      })
    )
  )

  it.live("names what is missing when the schema was never migrated", () =>
    Effect.gen(function* () {
      const result = yield* runCli(["status"], {
        DATABASE_URL: testDatabaseUrl,
        WXYC_SCHEMA_NAME: "never_migrated_here"
      })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain("library-identity-consumer migrate")
    })
  )
})
