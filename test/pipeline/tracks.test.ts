/**
 * V/A compilations' per-track credits, on a real PostgreSQL with LML in memory: when they count
 * as attempted, how they link `compilation_track_artist` rows to `artists` (each rule and its
 * counter), what is never touched, reruns that update nothing, and the per-library fallback.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import * as Totals from "../../src/domain/Totals.js"
import { makeTrackStore } from "../../src/simulator/TrackStore.js"
import {
  dumpTrackRows,
  legacyReleaseId,
  markedIds,
  recordUpdates,
  refuseUpdatesOf,
  seedCatalogArtists,
  seedLibrary,
  seedTrackRows,
  updatesOf,
  withTables
} from "../support/catalog.js"
import { demoSimulator, runConsumer } from "../support/consumer.js"
import { compilation, compilationWithTracks, track } from "../support/wire.js"

const inFreshSchema = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(TestDatabase.layer("tracks")))

const TOO_LONG = "Side A, track 1 (bonus)"

/** Library 1's credits, written by hand to reach every rule; library 2's come from the simulator. */
const libraryOneTracks = [
  track("Stereolab", "Refractions", { track_position: "A1", confidence: 0.9 }),
  // Two positions for a row that has one already: it keeps it and is not ambiguous. The last
  // confidence is out of [0, 1]: stored as NULL, not refused.
  track("Sigur Ros", "Svefn-g-englar", { track_position: "A3", resolved_artist_name: "Sigur Rós" }),
  track("Sigur Ros", "Svefn-g-englar", {
    track_position: "A6",
    resolved_artist_name: "Sigur Rós",
    confidence: 1.7
  }),
  track("Low", "Words", { track_position: "A4" }),
  track("Juana Molina", "Cosoco", { track_position: "A5" }),
  // The same row twice (a NULL title matches a NULL title): the last gives the confidence.
  track("Juana Molina", null, { track_position: "C1", confidence: 0.5 }),
  track("Juana Molina", null, { track_position: "C2", confidence: 0.8 }),
  track("Mitski", "Nobody", { track_position: TOO_LONG }),
  track("Nobody Artist", "X", { resolved_artist_name: null, track_position: "Z9" }),
  track("Stereolab", "Not On The Record", { track_position: "B9" }),
  track("Stereolab", "Not On The Record", { track_position: "B9" })
]

/** Two V/A releases, the catalog's artists and credited tracks; returns the artist ids by name. */
const vaCatalog = Effect.gen(function* () {
  yield* seedLibrary([
    { id: 1, artist_name: "Various Artists", code_volume_letters: "Z" },
    { id: 2, artist_name: "Various Artists", code_volume_letters: "Z" },
    { id: 3, artist_name: "Stereolab" }
  ])
  const [stereolab, sigurRos, low, lowAgain, juana, mitski] = yield* seedCatalogArtists([
    "Stereolab",
    "Sigur Ros",
    "Low",
    "LOW",
    "Juana Molina",
    "Mitski"
  ])
  yield* seedTrackRows([
    { library_id: 1, artist_name: "Stereolab", track_title: "Refractions" },
    { library_id: 1, artist_name: "Sigur Ros", track_title: "Svefn-g-englar", track_position: "B2" },
    { library_id: 1, artist_name: "Low", track_title: "Words" },
    {
      library_id: 1,
      artist_name: "Juana Molina",
      track_title: "Cosoco",
      track_artist_id: stereolab!,
      track_artist_link_confidence: 1,
      track_artist_link_method: "librarian"
    },
    { library_id: 1, artist_name: "Juana Molina", track_title: null },
    { library_id: 1, artist_name: "Mitski", track_title: "Nobody" },
    { library_id: 1, artist_name: "Nobody Artist", track_title: "X" },
    { library_id: 2, artist_name: "sigur ros", track_title: "Hoppípolla" }
  ])
  return { stereolab, sigurRos, low, lowAgain, juana, mitski }
})

const tracksSimulator = (tracksContractVersion: 1 | null = 1, overrides: Record<number, unknown> = {}) =>
  demoSimulator({
    tracksContractVersion,
    tracks: makeTrackStore(
      new Map([
        [
          legacyReleaseId(2),
          [
            { track_position: "1", artist_name: "sigur ros", track_title: "Hoppípolla" },
            { track_position: null, artist_name: "Nobody Artist", track_title: "Y" }
          ]
        ]
      ])
    ),
    resultOverrides: { 1: compilationWithTracks(1, libraryOneTracks), ...overrides }
  })

describe("per-track credits", () => {
  it.effect(
    "link each named row by the rules, count each row once, and leave the rest exactly as it was",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          const artists = yield* vaCatalog
          const before = yield* dumpTrackRows
          const totals = yield* runConsumer(tracksSimulator())
          expect(totals.cohorts.va).toMatchObject({
            scanned: 2,
            rows_resolved_compilation: 2,
            compilation_track_rows_written: 5,
            compilation_track_position_rows_written: 2,
            compilation_track_rows_skipped_unchanged: 0,
            compilation_track_rows_skipped_librarian: 1,
            compilation_track_rows_skipped_no_catalog_artist: 1,
            compilation_track_rows_skipped_no_cta_match: 1,
            compilation_track_position_rows_skipped_ambiguous: 2
          })
          expect(totals.cohorts.non_va).toMatchObject({ scanned: 1, rows_resolved: 1, ...Totals.noTracks })
          expect(yield* markedIds).toEqual([1, 2])

          const rows = yield* dumpTrackRows
          const linked = (
            artistId: number | undefined,
            confidence: number | null,
            position: string | null
          ) => ({
            track_artist_id: artistId,
            track_artist_link_confidence: confidence,
            track_artist_link_method: "lml_backfill",
            track_position: position
          })
          expect(rows[0]).toMatchObject(linked(artists.stereolab, 0.9, "A1"))
          // Already had a position: it keeps it, and is not ambiguous.
          expect(rows[1]).toMatchObject(linked(artists.sigurRos, null, "B2"))
          // Two catalog artists fold to "low": left exactly as it was.
          expect(rows[2]).toEqual(before[2])
          // A librarian's link is never changed.
          expect(rows[3]).toEqual(before[3])
          // Two positions offered: linked, position left NULL; the last credit's confidence.
          expect(rows[4]).toMatchObject(linked(artists.juana, 0.8, null))
          // One position, longer than varchar(20): linked, position left NULL.
          expect(rows[5]).toMatchObject(linked(artists.mitski, 1, null))
          // A credit LML found no artist for says nothing.
          expect(rows[6]).toEqual(before[6])
          // Composed by the simulator: "sigur ros" resolves to "Sigur Rós", which folds to "Sigur Ros".
          expect(rows[7]).toMatchObject({ ...linked(artists.sigurRos, 1, "1") })
          // Nothing was inserted for the credit without a row.
          expect(rows).toHaveLength(before.length)
        })
      )
  )

  it.effect("a rerun with the same answers updates no track row", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* vaCatalog
        yield* runConsumer(tracksSimulator())
        const after = yield* dumpTrackRows
        yield* recordUpdates("compilation_track_artist")
        const rerun = yield* runConsumer(tracksSimulator(), { recheck: "va" })
        expect(rerun).toMatchObject({
          rows_resolved_compilation: 2,
          compilation_track_rows_written: 0,
          compilation_track_position_rows_written: 0,
          compilation_track_rows_skipped_unchanged: 5,
          compilation_track_rows_skipped_librarian: 1,
          compilation_track_rows_skipped_no_catalog_artist: 1,
          compilation_track_rows_skipped_no_cta_match: 1,
          compilation_track_position_rows_skipped_ambiguous: 2
        })
        expect(yield* updatesOf("compilation_track_artist")).toEqual([])
        expect(yield* dumpTrackRows).toEqual(after)
      })
    )
  )

  it.effect(
    "count only with tracks contract 1: with null (production today) they are plain compilations",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* vaCatalog
          const before = yield* dumpTrackRows
          const totals = yield* runConsumer(tracksSimulator(null))
          expect(totals).toMatchObject({ rows_resolved_compilation: 0, rows_skipped: { compilation: 2 } })
          expect(totals.compilation_track_rows_written).toBe(0)
          expect(yield* dumpTrackRows).toEqual(before)
          expect(yield* markedIds).toEqual([1, 2])
        })
      )
  )

  it.effect("read (false, non-empty) as attempted, and (false, []) as not", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* vaCatalog
        const totals = yield* runConsumer(
          tracksSimulator(1, {
            1: compilationWithTracks(1, [track("Stereolab", "Refractions")], false),
            2: compilationWithTracks(2, [], false)
          })
        )
        expect(totals).toMatchObject({
          rows_resolved_compilation: 1,
          rows_skipped: { compilation: 1 },
          compilation_track_rows_written: 1
        })
      })
    )
  )

  it.effect("that break the wire contract refuse their library alone, whether or not they count", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(
          Array.from({ length: 6 }, (_, i) => ({
            id: i + 1,
            artist_name: "Various Artists",
            code_volume_letters: "Z"
          }))
        )
        const { sources: _, ...sevenMinusOne } = track("Stereolab", "Refractions")
        const simulator = demoSimulator({
          tracksContractVersion: null,
          resultOverrides: {
            1: compilationWithTracks(1, [sevenMinusOne]),
            2: compilationWithTracks(2, [{ ...track("Low", "Words"), resolved_artist_name: 42 }]),
            3: compilationWithTracks(3, [track("Lo\u0000w", "Words")]),
            4: { ...compilation(4), tracks_attempted: "yes", tracks: [] },
            5: compilationWithTracks(5, [track("Low", "Words", { method: "vibes" })]),
            6: compilationWithTracks(6, [track("Low", "Words", { confidence: 7 })])
          }
        })
        const totals = yield* runConsumer(simulator)
        expect(totals.rows_skipped).toMatchObject({ invalid_verdict: 5, compilation: 1 })
        expect(yield* markedIds).toEqual([6])
      })
    )
  )

  it.effect(
    "a library whose track write fails is writer_error alone: nothing of it is written or stamped",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* vaCatalog
          yield* refuseUpdatesOf("compilation_track_artist", 2)
          const before = yield* dumpTrackRows
          const totals = yield* runConsumer(tracksSimulator())
          expect(totals).toMatchObject({
            rows_resolved_compilation: 1,
            rows_resolved: 1,
            rows_skipped: { writer_error: 1 },
            compilation_track_rows_written: 4
          })
          expect(yield* markedIds).toEqual([1])
          expect((yield* dumpTrackRows).filter((row) => row.library_id === 2)).toEqual(
            before.filter((row) => row.library_id === 2)
          )
        })
      )
  )

  it.effect("ANALYZE the table after a run that wrote track rows, and only then", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* vaCatalog
        const sql = yield* SqlClient.SqlClient
        const { name } = yield* CatalogSchema
        const reltuples = Effect.map(
          sql<{ readonly n: number }>`SELECT c.reltuples::int AS n
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ${name} AND c.relname = 'compilation_track_artist'`,
          ([row]) => row?.n
        )
        // A table never analysed has reltuples -1; 8 rows are too few for autovacuum to analyse.
        expect(yield* reltuples).toBe(-1)
        yield* runConsumer(tracksSimulator())
        expect(yield* reltuples).toBe(8)

        // Two more rows nobody credits: a rerun that links nothing leaves the statistics alone.
        yield* seedTrackRows([
          { library_id: 1, artist_name: "Unknown", track_title: "I" },
          { library_id: 1, artist_name: "Unknown", track_title: "II" }
        ])
        const rerun = yield* runConsumer(tracksSimulator(), { recheck: "va" })
        expect(rerun.compilation_track_rows_written).toBe(0)
        expect(yield* reltuples).toBe(8)

        // A link undone by hand is written again, and the table analysed again.
        yield* withTables(
          (sql, t) => sql`UPDATE ${t.trackArtists} SET track_artist_id = NULL, track_artist_link_method = NULL
            WHERE track_title = 'Refractions'`
        )
        const relink = yield* runConsumer(tracksSimulator(), { recheck: "va" })
        expect(relink.compilation_track_rows_written).toBe(1)
        expect(yield* reltuples).toBe(10)
      })
    )
  )

  it.effect(
    "count only when the envelope's tracks_contract_version is exactly 1, and never fail for it",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* vaCatalog
          const before = yield* dumpTrackRows
          for (const version of [2, "1", true]) {
            const body = JSON.stringify({
              tracks_contract_version: version,
              cache_stats: null,
              results: [compilationWithTracks(1, libraryOneTracks), compilationWithTracks(2, [])]
            })
            const simulator = demoSimulator({ faults: { byRequest: { 1: { status: 200, body } } } })
            const totals = yield* runConsumer(simulator, { vaBatchSize: 2 })
            expect(totals.cohorts.va).toMatchObject({
              scanned: 2,
              rows_resolved_compilation: 0,
              rows_skipped: { compilation: 2, lml_error: 0 },
              compilation_track_rows_written: 0
            })
            // Marked as compilations: let the next round ask again.
            yield* withTables((sql, t) => sql`UPDATE ${t.library} SET unresolved_attempted_at = NULL`)
          }
          expect(yield* dumpTrackRows).toEqual(before)
        })
      )
  )

  it.effect("a dry run writes no track row and reports no track counters", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* vaCatalog
        const before = yield* dumpTrackRows
        const totals = yield* runConsumer(tracksSimulator(), { dryRun: true })
        const report = Totals.toDryRunReport(totals)
        expect(report).toMatchObject({
          would_resolve_compilation: 2,
          cohorts: { va: { would_resolve_compilation: 2 } }
        })
        expect(JSON.stringify(report)).not.toContain("compilation_track")
        expect(yield* dumpTrackRows).toEqual(before)
        expect(yield* markedIds).toEqual([])
      })
    )
  )

  it.live.skipIf(TestDatabase.usesEmbeddedDatabase())(
    "a track row a librarian holds is left as it is and counted locked; the library's others are written",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          const artists = yield* vaCatalog
          const { name } = yield* CatalogSchema
          // The librarian works on connections of their own, not the job's pool.
          const sql = Context.get(yield* Layer.build(TestDatabase.client), SqlClient.SqlClient)
          // A librarian's open transaction holds library 1's "Refractions" row for the whole run.
          const librarian = yield* sql.reserve
          yield* librarian.executeRaw("BEGIN", [])
          yield* librarian.executeRaw(
            `UPDATE "${name.replace(/"/g, '""')}".compilation_track_artist
             SET track_artist_id = $1, track_artist_link_method = 'librarian'
             WHERE library_id = 1 AND track_title = 'Refractions'`,
            [artists.juana]
          )
          // The run does not wait for the row: it ends while the transaction is still open.
          const totals = yield* runConsumer(tracksSimulator())
          yield* librarian.executeRaw("COMMIT", [])
          expect(totals.compilation_track_rows_skipped_locked).toBe(1)
          expect(totals.compilation_track_rows_skipped_librarian).toBe(1)
          expect(totals.compilation_track_rows_written).toBe(4)
          expect(totals.rows_resolved_compilation).toBe(2)
          expect(totals.rows_skipped.locked).toBe(0)
          expect((yield* dumpTrackRows)[0]).toMatchObject({
            track_artist_id: artists.juana,
            track_artist_link_method: "librarian",
            track_position: null
          })
        }).pipe(Effect.scoped)
      )
  )
})
