/**
 * The whole catalog, on a real PostgreSQL with LML in memory: the no-match marker (stamped,
 * cleared, never on an error bucket, never in a dry run), the retry window, NULL-canonical rows,
 * the two cohorts, and re-checks. `runConsumer` checks the Totals invariant for the run and
 * for each cohort on every run.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import * as Totals from "../../src/domain/Totals.js"
import { CatalogRepository } from "../../src/CatalogRepository.js"
import { ConsumerConfig } from "../../src/ConsumerConfig.js"
import { OMIT } from "../../src/simulator/LmlSimulator.js"
import { makeTrackStore } from "../../src/simulator/TrackStore.js"
import {
  ageMarkers,
  dumpAll,
  dumpIdentity,
  legacyReleaseId,
  markedIds,
  mixedCatalog,
  recordUpdates,
  refuseUpdatesOf,
  seedLibrary,
  seedTrackRows,
  updatesOf,
  withTables
} from "../support/catalog.js"
import { askedIds, demoSimulator, runConsumer } from "../support/consumer.js"
import { compilationWithTracks, singleArtist } from "../support/wire.js"

const inFreshSchema = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(TestDatabase.layer("cover")))

/** Two artists LML knows, each marked 31 days ago: due again under the default window. */
const twoMarkedArtists = Effect.zipRight(
  seedLibrary([
    { id: 1, artist_name: "Stereolab" },
    { id: 2, artist_name: "Juana Molina" }
  ]),
  withTables((sql, t) => sql`UPDATE ${t.library} SET unresolved_attempted_at = now() - interval '31 days'`)
)

describe("the no-match marker", () => {
  it.effect("is stamped for unresolved and compilation rows, so a second run asks LML nothing", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* recordUpdates("library")
        const first = yield* runConsumer(demoSimulator())
        expect(first).toMatchObject({ scanned: 6, rows_resolved: 4, rows_unresolved: 1 })
        expect(first.rows_skipped.compilation).toBe(1)
        expect(yield* markedIds).toEqual([2, 3])
        // Only the marker column changed, on exactly the stamped rows.
        expect(yield* updatesOf("library")).toEqual(
          [2, 3].map((id) => ({ id, changed: ["unresolved_attempted_at"] }))
        )

        const simulator = demoSimulator()
        const second = yield* runConsumer(simulator)
        expect(second).toEqual(Totals.emptyRun)
        expect(simulator.requestCount).toBe(0)
        expect(yield* updatesOf("library")).toHaveLength(2)
      })
    )
  )

  it.effect("is never stamped for a library in an error bucket; the next run asks only about those", () =>
    inFreshSchema(
      Effect.gen(function* () {
        // 1: LML refuses its input (lml_error); 2: its result is missing (cardinality); 3: a
        // foreign id stands in its place (untrusted); 4: invalid tracks; 5: its stamp fails
        // (writer_error); 6, 7: fine, unresolved.
        yield* seedLibrary([
          { id: 1, artist_name: "Nobody 1" },
          { id: 2, artist_name: "Nobody 2" },
          { id: 3, artist_name: "Nobody 3" },
          { id: 4, artist_name: "Various Artists" },
          { id: 5, artist_name: "Nobody 5" },
          { id: 6, artist_name: "Nobody 6" },
          { id: 7, artist_name: "Nobody 7" },
          { id: 8, artist_name: "Stereolab" }
        ])
        yield* refuseUpdatesOf("library", 5)
        const faulty = demoSimulator({
          faults: { byLibraryId: { 1: { status: 422 } } },
          resultOverrides: {
            2: OMIT,
            3: singleArtist(999),
            4: compilationWithTracks(4, [{ artist_name: "Stereolab" }])
          }
        })
        const first = yield* runConsumer(faulty, { lmlRetryBaseMs: 1 })
        expect(first.rows_skipped).toMatchObject({
          lml_error: 1,
          lml_cardinality_mismatch: 1,
          lml_untrusted_library_id: 1,
          invalid_verdict: 1,
          writer_error: 1
        })
        expect(first).toMatchObject({ rows_unresolved: 2, rows_resolved: 1 })
        expect(yield* markedIds).toEqual([6, 7])

        const simulator = demoSimulator()
        const second = yield* runConsumer(simulator)
        expect(askedIds(simulator)).toEqual([1, 2, 3, 4, 5])
        expect(second.scanned).toBe(5)
      })
    )
  )

  it.effect("is cleared when a marked row resolves; its identity row carries its freshness", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* twoMarkedArtists
        yield* recordUpdates("library")
        const totals = yield* runConsumer(demoSimulator())
        expect(totals.rows_resolved).toBe(2)
        expect(yield* markedIds).toEqual([])
        expect(yield* updatesOf("library")).toEqual([
          { id: 1, changed: ["unresolved_attempted_at"] },
          { id: 2, changed: ["unresolved_attempted_at"] }
        ])
      })
    )
  )

  it.effect(
    "a library whose marker cannot be cleared is writer_error: its identity is not written either",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* twoMarkedArtists
          yield* refuseUpdatesOf("library", 1)
          const totals = yield* runConsumer(demoSimulator())
          expect(totals).toMatchObject({ rows_resolved: 1, rows_skipped: { writer_error: 1 } })
          expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([2])
          expect(yield* markedIds).toEqual([1])
        })
      )
  )

  it.effect(
    "waits out the retry window: with 1 day, aged markers are asked again; with the default, not",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* seedLibrary(mixedCatalog)
          yield* runConsumer(demoSimulator())
          yield* ageMarkers(2)

          const byDefault = demoSimulator()
          expect((yield* runConsumer(byDefault)).scanned).toBe(0)
          expect(byDefault.requestCount).toBe(0)

          const oneDay = demoSimulator()
          const again = yield* runConsumer(oneDay, { unresolvedRetryDays: 1 })
          expect(askedIds(oneDay)).toEqual([2, 3])
          expect(again).toMatchObject({ scanned: 2, rows_unresolved: 1 })
          // Asked again, and stamped again: now fresh, so even the 1-day window holds them back.
          const after = demoSimulator()
          expect((yield* runConsumer(after, { unresolvedRetryDays: 1 })).scanned).toBe(0)
        })
      )
  )

  it.effect(
    "stamps a stale identity whose new answer is 'nothing found', keeps the identity, and waits",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* seedLibrary([{ id: 1, artist_name: "Nobody Artist" }])
          yield* withTables(
            (
              sql,
              t
            ) => sql`INSERT INTO ${t.identity} (library_id, wikidata_qid, method, confidence, last_verified_at)
            VALUES (1, 'Qold', 'trigram', 0.72, now() - interval '8 days')`
          )
          const before = yield* dumpIdentity
          const totals = yield* runConsumer(demoSimulator())
          expect(totals).toMatchObject({ scanned: 1, rows_unresolved: 1 })
          expect(yield* markedIds).toEqual([1])
          expect(yield* dumpIdentity).toEqual(before)
          const simulator = demoSimulator()
          yield* runConsumer(simulator)
          expect(simulator.requestCount).toBe(0)
        })
      )
  )

  it.effect("is neither stamped nor cleared in a dry run", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* withTables(
          (sql, t) =>
            sql`UPDATE ${t.library} SET unresolved_attempted_at = now() - interval '40 days' WHERE id = 1`
        )
        yield* recordUpdates("library")
        const totals = yield* runConsumer(demoSimulator(), { dryRun: true })
        expect(Totals.toDryRunReport(totals)).toMatchObject({
          scanned: 6,
          would_resolve: 4,
          would_unresolved: 1,
          would_skip: { compilation: 1 }
        })
        expect(yield* markedIds).toEqual([1])
        expect(yield* updatesOf("library")).toEqual([])
      })
    )
  )
})

describe("selection", () => {
  it.effect("includes never-canonicalised rows only with INCLUDE_NULL_CANONICAL, marker included", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          { id: 1, artist_name: "Stereolab" },
          { id: 2, artist_name: "Juana Molina", canonical_entity_id: null },
          { id: 3, artist_name: "Nobody Artist", canonical_entity_id: null },
          { id: 4, artist_name: null, canonical_entity_id: null }
        ])
        const without = demoSimulator()
        yield* runConsumer(without)
        expect(askedIds(without)).toEqual([1])

        const including = demoSimulator()
        const totals = yield* runConsumer(including, { includeNullCanonical: true })
        expect(askedIds(including)).toEqual([2, 3])
        expect(totals).toMatchObject({ rows_resolved: 1, rows_unresolved: 1 })
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([1, 2])
        expect(yield* markedIds).toEqual([3])

        const again = demoSimulator()
        yield* runConsumer(again, { includeNullCanonical: true })
        expect(again.requestCount).toBe(0)
      })
    )
  )

  it.effect(
    "resolves the V/A cohort first, in VA_BATCH_SIZE batches that ask for tracks, then the rest",
    () =>
      inFreshSchema(
        Effect.gen(function* () {
          yield* seedLibrary([
            // V/A by shelf code, by credits with NULL letters, and by a lower-case-free code.
            { id: 1, artist_name: "Various Artists", code_volume_letters: "Z" },
            { id: 2, artist_name: "Various Artists", code_volume_letters: null },
            { id: 3, artist_name: "Soundtrack", code_volume_letters: "ZSTK" },
            // Not V/A: NULL letters (which a bare LIKE would drop from both cohorts), and other codes.
            { id: 4, artist_name: "Stereolab", code_volume_letters: null },
            { id: 5, artist_name: "Various Artists", code_volume_letters: "RO" },
            { id: 6, artist_name: "Juana Molina", code_volume_letters: "AZ" }
          ])
          yield* seedTrackRows([{ library_id: 2, artist_name: "Stereolab", track_title: "Refractions" }])
          const simulator = demoSimulator({
            tracksContractVersion: 1,
            tracks: makeTrackStore(new Map([[legacyReleaseId(2), []]]))
          })
          const totals = yield* runConsumer(simulator, { vaBatchSize: 2, batchSize: 3 })
          expect(simulator.requests.map((r) => [r.libraryIds, r.includeTracks])).toEqual([
            [[1, 2], true],
            [[3], true],
            [[4, 5, 6], false]
          ])
          expect(totals.cohorts.va).toMatchObject({
            scanned: 3,
            // Only release 2's credits were visited (and found nothing); 1 and 3 were not.
            rows_resolved_compilation: 1,
            rows_skipped: { compilation: 2 },
            lml_total_calls: 2
          })
          expect(totals.cohorts.non_va).toMatchObject({
            scanned: 3,
            rows_resolved: 2,
            rows_skipped: { compilation: 1 },
            lml_total_calls: 1
          })
          expect(totals.scanned).toBe(6)
          expect(yield* markedIds).toEqual([1, 2, 3, 5])
        })
      )
  )

  it.live("counts batches LML failed in a row across the cohorts: the breaker does not start over", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          ...[1, 2, 3, 4].map((id) => ({ id, artist_name: "Various Artists", code_volume_letters: "Z" })),
          ...Array.from({ length: 12 }, (_, i) => ({ id: 5 + i, artist_name: "Stereolab" }))
        ])
        const simulator = demoSimulator({ faults: { always: { status: 503 } } })
        const totals = yield* runConsumer(simulator, {
          vaBatchSize: 1,
          batchSize: 1,
          lmlMaxRetries: 0,
          maxConsecutiveFailedBatches: 5
        })
        expect(totals.cohorts.va.rows_skipped.lml_error).toBe(4)
        // Four V/A batches failed, so the first of the rest makes five in a row. Batches already
        // with LML when the breaker opens are recorded too, but a count that started over would
        // need five non-V/A failures of its own.
        expect(totals.cohorts.non_va.rows_skipped.lml_error).toBeGreaterThanOrEqual(1)
        expect(totals.cohorts.non_va.rows_skipped.lml_error).toBeLessThan(5)
        expect(totals.cohorts.non_va.scanned).toBeLessThan(12)
      })
    )
  )

  it.effect("sends each input's legacy_release_id, which LML's track store is keyed by", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          { id: 1, artist_name: "Various Artists", code_volume_letters: "Z", legacy_release_id: 777 },
          { id: 2, artist_name: "Various Artists", code_volume_letters: "Z", legacy_release_id: null }
        ])
        const simulator = demoSimulator({
          tracksContractVersion: 1,
          tracks: makeTrackStore(
            new Map([[777, [{ track_position: "A1", artist_name: "Low", track_title: "Words" }]]])
          )
        })
        const totals = yield* runConsumer(simulator)
        // 777 was found; a NULL legacy id cannot be, so LML reports tracks not visited.
        expect(totals).toMatchObject({ rows_resolved_compilation: 1, rows_skipped: { compilation: 1 } })
        expect(totals.compilation_track_rows_skipped_no_cta_match).toBe(1)
      })
    )
  )

  it.effect("counts what is due in each cohort before the first page, as the pages then find it", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          { id: 1, artist_name: "Various Artists", code_volume_letters: "Z" },
          { id: 2, artist_name: "Various Artists", code_volume_letters: null },
          { id: 3, artist_name: "Stereolab" },
          { id: 4, artist_name: "Juana Molina", code_volume_letters: "RO" },
          { id: 5, artist_name: "Nobody Artist" },
          // Not due: no artist name; an identity verified today; a marker from yesterday.
          { id: 6, artist_name: null },
          { id: 7, artist_name: "Soundtrack", code_volume_letters: "ZSTK" },
          { id: 8, artist_name: "Various Artists", code_volume_letters: "Z" }
        ])
        yield* seedTrackRows([{ library_id: 2, artist_name: "Stereolab", track_title: "Refractions" }])
        yield* withTables((sql, t) =>
          Effect.all([
            sql`INSERT INTO ${t.identity} (library_id, method, confidence, last_verified_at)
              VALUES (7, 'exact_match', 1, now())`,
            sql`UPDATE ${t.library} SET unresolved_attempted_at = now() - interval '1 day' WHERE id = 8`
          ])
        )
        const catalog = yield* CatalogRepository
        expect(yield* catalog.countPending(ConsumerConfig.defaults, "off")).toEqual({ va: 2, non_va: 3 })
        expect(yield* catalog.countPending(ConsumerConfig.defaults, "va")).toEqual({ va: 1, non_va: 0 })

        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator)
        expect([totals.cohorts.va.scanned, totals.cohorts.non_va.scanned]).toEqual([2, 3])
        expect(askedIds(simulator)).toEqual([1, 2, 3, 4, 5])
      }).pipe(Effect.provide(CatalogRepository.Default))
    )
  )
})

describe("re-checks", () => {
  /** Marked: 1 (V/A), 2 (V/A, NULL-canonical), 3 (non-V/A), 4 (V/A, manual); unmarked: 5 (V/A). */
  const markedCatalog = Effect.gen(function* () {
    yield* seedLibrary([
      { id: 1, artist_name: "Various Artists", code_volume_letters: "Z" },
      { id: 2, artist_name: "Various Artists", code_volume_letters: "Z", canonical_entity_id: null },
      { id: 3, artist_name: "Nobody Artist" },
      { id: 4, artist_name: "Various Artists", code_volume_letters: "Z" },
      { id: 5, artist_name: "Various Artists", code_volume_letters: "Z" }
    ])
    yield* withTables((sql, t) =>
      Effect.all([
        sql`UPDATE ${t.library} SET unresolved_attempted_at = now() - interval '1 day' WHERE id <> 5`,
        sql`INSERT INTO ${t.identity} (library_id, method, confidence, last_verified_at)
          VALUES (4, 'manual', 1, now() - interval '90 days'),
                 (5, 'exact_match', 1, now())`
      ])
    )
  })

  it.effect("RECHECK=true re-asks every marked V/A row now, and nothing else", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* markedCatalog
        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator, { recheck: "va" })
        expect(askedIds(simulator)).toEqual([1, 2])
        expect(totals.cohorts.non_va).toEqual(Totals.empty)
      })
    )
  )

  it.effect("RECHECK=all re-asks every marked row now, whatever its canonical id; never a manual one", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* markedCatalog
        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator, { recheck: "all" })
        expect(askedIds(simulator)).toEqual([1, 2, 3])
        expect(totals.cohorts.va.scanned).toBe(2)
        expect(totals.cohorts.non_va.scanned).toBe(1)
      })
    )
  )

  it.effect("a normal run after them asks nothing: the re-checked rows were stamped again", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* markedCatalog
        yield* runConsumer(demoSimulator(), { recheck: "all" })
        const before = yield* dumpAll
        const simulator = demoSimulator()
        yield* runConsumer(simulator, { includeNullCanonical: true })
        expect(simulator.requestCount).toBe(0)
        expect(yield* dumpAll).toEqual(before)
      })
    )
  )
})
