/**
 * The pipeline end to end on a real PostgreSQL, with LML in memory: every Totals bucket,
 * the final table contents, and the Totals invariant (checked on every run by `runConsumer`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, TestClock } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { LmlAuthError } from "../../src/domain/Errors.js"
import * as Totals from "../../src/domain/Totals.js"
import { OMIT } from "../../src/simulator/LmlSimulator.js"
import {
  countRows,
  dumpAll,
  dumpIdentity,
  dumpSources,
  mixedCatalog,
  seedArtists,
  seedLibrary,
  withTables
} from "../support/catalog.js"
import { eventually, settle } from "../support/waiting.js"
import { demoSimulator, runConsumer } from "../support/consumer.js"
import { singleArtist } from "../support/wire.js"

const inFreshSchema = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(TestDatabase.layer("pipe")))

describe("consumer pipeline", () => {
  it.effect("writes single-artist verdicts and counts the other kinds", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const totals = yield* runConsumer(demoSimulator(), { batchSize: 4 })
        expect(totals).toMatchObject({
          scanned: 6,
          rows_resolved: 4,
          rows_unresolved: 1,
          rows_skipped: { compilation: 1, lml_error: 0, invalid_verdict: 0 },
          lml_total_calls: 2
        })
        const identity = yield* dumpIdentity
        expect(identity.map((row) => row.library_id)).toEqual([1, 4, 5, 6])
        expect(identity.find((row) => row.library_id === 4)).toMatchObject({
          discogs_artist_id: 305253,
          wikidata_qid: "Q272615",
          method: "cross_source_agreement",
          confidence: 1,
          notes: "consumer:lml-bulk"
        })
        const sources = yield* dumpSources
        expect(sources.filter((row) => row.library_id === 4)).toEqual([
          expect.objectContaining({
            source: "discogs",
            external_id: "305253",
            method: "exact_match",
            confidence: 1
          }),
          expect.objectContaining({
            source: "wikidata",
            external_id: "Q272615",
            method: "exact_match",
            confidence: 1
          })
        ])
      })
    )
  )

  it.effect("selects only canonicalised rows with an artist and no fresh identity, by partition", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          { id: 1, artist_name: "Stereolab" },
          { id: 2, artist_name: null },
          { id: 3, artist_name: "Stereolab", canonical_entity_id: null },
          { id: 4, artist_name: "Stereolab" },
          { id: 5, artist_name: "Stereolab" },
          { id: 6, artist_name: "Stereolab" }
        ])
        yield* withTables(
          (sql, t) => sql`INSERT INTO ${t.identity} (library_id, method, confidence, last_verified_at) VALUES
            (4, 'exact_match', 1, now() - interval '1 day'),
            (5, 'exact_match', 1, now() - interval '8 days')`
        )
        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator, {
          partition: { _tag: "Some", value: { index: 1, count: 2 } } as never
        })
        // Odd ids only: 1 (new), 3 is not canonicalised, 5 is stale.
        expect(simulator.libraryIdsSeen()).toEqual([1, 5])
        expect(totals.scanned).toBe(2)
        const all = yield* runConsumer(simulator)
        // Even ids: 2 has no artist, 4 is fresh, 6 is new.
        expect(all.scanned).toBe(1)
        expect(simulator.libraryIdsSeen()).toEqual([1, 5, 6])
      })
    )
  )

  it.effect("refuses invalid verdicts and writes the rest of their batch", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({
          resultOverrides: {
            1: singleArtist(1, { confidence: 1.5 }),
            4: singleArtist(4, {
              provenance: [{ source: "discogs", method: "exact_match", confidence: 1, external_id: null }]
            }),
            5: singleArtist(5, { main: { wikidata_qid: "Q\u0000" } })
          }
        })
        const totals = yield* runConsumer(simulator)
        expect(totals.rows_skipped.invalid_verdict).toBe(3)
        expect(totals.rows_resolved).toBe(1)
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([6])
      })
    )
  )

  it.effect("counts missing results, foreign ids and repeated ids without writing them", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({
          resultOverrides: { 1: OMIT, 4: singleArtist(999), 5: singleArtist(6) }
        })
        const totals = yield* runConsumer(simulator)
        // 1 is missing; 4 and 5 were answered by a foreign id (999) and a repeat of 6.
        expect(totals.rows_skipped).toMatchObject({
          lml_cardinality_mismatch: 1,
          lml_untrusted_library_id: 2
        })
        expect(totals.rows_resolved).toBe(1)
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([6])
      })
    )
  )

  it.live("skips a batch LML keeps failing, after its retries, and goes on with the next", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ faults: { first: { count: 3, fault: { status: 503 } } } })
        const totals = yield* runConsumer(simulator, { batchSize: 2, lmlMaxRetries: 2, lmlRetryBaseMs: 1 })
        expect(totals).toMatchObject({ lml_total_calls: 5, lml_retries: 2, rows_skipped: { lml_error: 2 } })
        expect(Totals.errorCount(totals)).toBe(2)
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([4, 5, 6])
      })
    )
  )

  it.live("retries transient failures until LML answers", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({
          faults: { byRequest: { 1: { status: 503 }, 2: { status: 502 }, 3: { reset: "mid-body" } } }
        })
        const totals = yield* runConsumer(simulator, { lmlRetryBaseMs: 1 })
        expect(totals).toMatchObject({ scanned: 6, rows_resolved: 4, lml_total_calls: 4, lml_retries: 3 })
        expect(Totals.errorCount(totals)).toBe(0)
      })
    )
  )

  it.effect("waits as long as Retry-After says before retrying", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ faults: { byRequest: { 1: { status: 429, retryAfter: "20" } } } })
        const run = yield* Effect.fork(runConsumer(simulator, { lmlRetryBaseMs: 1 }))
        yield* eventually(() => simulator.requestCount === 1)
        yield* TestClock.adjust("19 seconds")
        yield* settle
        expect(simulator.requestCount).toBe(1)
        yield* TestClock.adjust("1 second")
        const totals = yield* Fiber.join(run)
        expect(totals).toMatchObject({ rows_resolved: 4, lml_retries: 1 })
      })
    )
  )

  it.live("does not retry a request LML refuses as unauthorised, and stops the run", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ apiKey: "right" })
        const exit = yield* Effect.exit(runConsumer(simulator, { batchSize: 2, lmlRetryBaseMs: 1 }))
        expect(exit).toStrictEqual(Exit.fail(new LmlAuthError({ status: 401 })))
        expect(simulator.requestCount).toBe(1)
      })
    )
  )

  it.live("isolates the one input LML refuses in a 500-row batch", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedArtists(["Stereolab", "Juana Molina"], 500)
        const simulator = demoSimulator({ faults: { byLibraryId: { 137: { status: 422 } } } })
        const totals = yield* runConsumer(simulator, { batchSize: 500 })
        expect(totals).toMatchObject({ scanned: 500, rows_resolved: 499, rows_skipped: { lml_error: 1 } })
        // One call for the batch, then two per level of halving down to the poison input.
        expect(totals.lml_total_calls).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(500)))
        expect(totals.lml_retries).toBe(0)
        const written = (yield* dumpIdentity).map((row) => row.library_id)
        expect(written).toHaveLength(499)
        expect(written).not.toContain(137)
      })
    )
  )

  it.live("opens the circuit after consecutive failed batches and stops asking", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedArtists(["Stereolab"], 40)
        const simulator = demoSimulator({ faults: { always: { status: 503 } } })
        const totals = yield* runConsumer(simulator, {
          batchSize: 4,
          lmlMaxRetries: 1,
          lmlRetryBaseMs: 1,
          maxConsecutiveFailedBatches: 3
        })
        expect(totals).toMatchObject({ scanned: 12, rows_skipped: { lml_error: 12 }, lml_total_calls: 6 })
        expect(simulator.requestCount).toBeLessThanOrEqual(8)
      })
    )
  )

  it.live("gives up on a request after LML_TIMEOUT_MS", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ faults: { byRequest: { 1: { delayMs: 2_000 } } } })
        const totals = yield* runConsumer(simulator, { batchSize: 3, lmlMaxRetries: 0 }, { timeoutMs: 100 })
        expect(totals).toMatchObject({ rows_skipped: { lml_error: 3 }, lml_total_calls: 2 })
        expect(totals.lml_total_latency_ms).toBeLessThan(2_000)
      })
    )
  )

  it.effect("works in a schema whose name needs quoting", () =>
    Effect.gen(function* () {
      yield* seedLibrary(mixedCatalog)
      const totals = yield* runConsumer(demoSimulator())
      expect(totals.rows_resolved).toBe(4)
      expect(yield* countRows).toEqual({ identity: 4, sources: 9 })
    }).pipe(Effect.provide(TestDatabase.layer('Odd "Schema"; x')))
  )

  it.effect("treats a 200 without results as a failed batch", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ faults: { always: { status: 200, body: '{"cache_stats":null}' } } })
        const totals = yield* runConsumer(simulator)
        expect(totals.rows_skipped.lml_error).toBe(6)
        expect(yield* countRows).toEqual({ identity: 0, sources: 0 })
      })
    )
  )

  it.effect("isolates a library whose write violates a constraint", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* withTables(
          (sql, t) =>
            sql`ALTER TABLE ${t.identity} ADD CONSTRAINT no_poison CHECK (wikidata_qid <> 'Q-poison')`
        )
        const simulator = demoSimulator({
          resultOverrides: { 4: singleArtist(4, { main: { wikidata_qid: "Q-poison" } }) }
        })
        const totals = yield* runConsumer(simulator)
        expect(totals.rows_skipped.writer_error).toBe(1)
        expect(totals.rows_resolved).toBe(3)
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([1, 5, 6])
        expect((yield* dumpSources).some((row) => row.library_id === 4)).toBe(false)
      })
    )
  )

  it.effect("never overwrites release-level columns, agreement_sources, or manual rows", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* withTables((sql, t) =>
          Effect.all([
            sql`INSERT INTO ${t.identity} (library_id, discogs_master_id, discogs_release_id,
                musicbrainz_release_group_mbid, wikidata_qid, method, confidence, agreement_sources, last_verified_at)
              VALUES (1, 111, 222, '0b1c2d3e-0000-4000-8000-000000000001', 'Qold', 'trigram', 0.7, 'discogs,musicbrainz',
                now() - interval '30 days'),
              (4, NULL, NULL, NULL, 'Qmanual', 'manual', 1, NULL, now() - interval '30 days')`,
            sql`INSERT INTO ${t.identitySource} (library_id, source, external_id, method, confidence, last_verified_at)
              VALUES (1, 'spotify', 'curated', 'manual', 1, now()),
                     (1, 'bandcamp', 'stale-slug', 'trigram', 0.7, now() - interval '30 days'),
                     (4, 'discogs', '42', 'manual', 1, now())`
          ])
        )
        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator)
        // A manual row belongs to a librarian: it is not even asked about.
        expect(simulator.libraryIdsSeen()).not.toContain(4)
        expect(totals.rows_skipped.manual_override).toBe(0)
        expect(totals.rows_resolved).toBe(3)
        const identity = yield* dumpIdentity
        expect(identity.find((row) => row.library_id === 1)).toMatchObject({
          discogs_master_id: 111,
          discogs_release_id: 222,
          musicbrainz_release_group_mbid: "0b1c2d3e-0000-4000-8000-000000000001",
          agreement_sources: "discogs,musicbrainz",
          wikidata_qid: "Q484464",
          discogs_artist_id: 2154,
          method: "exact_match",
          distinct_unresolved_sources: 4
        })
        expect(identity.find((row) => row.library_id === 4)).toMatchObject({
          wikidata_qid: "Qmanual",
          method: "manual"
        })
        const sources = yield* dumpSources
        // Library 1: the verdict's two sources, the manual spotify row kept, the dropped bandcamp row gone.
        expect(sources.filter((row) => row.library_id === 1).map((row) => [row.source, row.method])).toEqual([
          ["discogs", "exact_match"],
          ["spotify", "manual"],
          ["wikidata", "exact_match"]
        ])
        expect(sources.filter((row) => row.library_id === 4)).toEqual([
          expect.objectContaining({ source: "discogs", external_id: "42", method: "manual" })
        ])
      })
    )
  )

  it.effect("converges provenance to a changed verdict", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([{ id: 1, artist_name: "Stereolab" }])
        yield* runConsumer(demoSimulator())
        expect((yield* dumpSources).map((row) => row.source)).toEqual(["discogs", "wikidata"])
        yield* withTables(
          (sql, t) => sql`UPDATE ${t.identity} SET last_verified_at = now() - interval '8 days'`
        )
        const changed = demoSimulator({
          resultOverrides: {
            1: singleArtist(1, {
              main: { discogs_artist_id: null, wikidata_qid: null, bandcamp_id: "stereolab" },
              method: "trigram",
              confidence: 0.72,
              provenance: [
                { source: "bandcamp", method: "trigram", confidence: 0.72, external_id: "stereolab" },
                { source: "discogs", method: "exact_match", confidence: null, external_id: null }
              ]
            })
          }
        })
        const totals = yield* runConsumer(changed)
        expect(totals.source_rows_skipped_null_confidence).toBe(1)
        expect(yield* dumpSources).toEqual([
          expect.objectContaining({ source: "bandcamp", external_id: "stereolab" })
        ])
        expect(yield* dumpIdentity).toEqual([
          expect.objectContaining({
            discogs_artist_id: null,
            wikidata_qid: null,
            bandcamp_id: "stereolab",
            method: "trigram"
          })
        ])
      })
    )
  )

  it.effect("dry run calls LML, predicts, and writes nothing", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* withTables(
          (sql, t) => sql`INSERT INTO ${t.identity} (library_id, method, confidence, last_verified_at)
            VALUES (1, 'trigram', 0.7, now() - interval '30 days')`
        )
        const before = yield* dumpAll
        const simulator = demoSimulator()
        const totals = yield* runConsumer(simulator, { dryRun: true })
        expect(simulator.requestCount).toBe(1)
        expect(Totals.toDryRunReport(totals)).toMatchObject({
          scanned: 6,
          would_resolve: 4,
          would_unresolved: 1
        })
        expect(yield* dumpAll).toEqual(before)
      })
    )
  )

  it.live("leaves a row that turned manual while the run was in flight, and counts it", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        const simulator = demoSimulator({ faults: { byRequest: { 1: { delayMs: 500 } } } })
        const run = yield* Effect.fork(runConsumer(simulator))
        yield* eventually(() => simulator.requestCount === 1)
        yield* withTables(
          (
            sql,
            t
          ) => sql`INSERT INTO ${t.identity} (library_id, wikidata_qid, method, confidence, last_verified_at)
            VALUES (4, 'Qlibrarian', 'manual', 1, now())`
        )
        const totals = yield* Fiber.join(run)
        expect(totals).toMatchObject({ rows_resolved: 3, rows_skipped: { manual_override: 1 } })
        expect((yield* dumpIdentity).find((row) => row.library_id === 4)).toMatchObject({
          wikidata_qid: "Qlibrarian",
          method: "manual"
        })
      })
    )
  )

  it.effect("a second run straight after a clean first run selects nothing and asks LML nothing", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary(mixedCatalog)
        yield* runConsumer(demoSimulator())
        const after = yield* dumpAll
        const simulator = demoSimulator()
        const second = yield* runConsumer(simulator)
        expect(second).toMatchObject({ scanned: 0, lml_total_calls: 0 })
        expect(simulator.requestCount).toBe(0)
        expect(yield* dumpAll).toEqual(after)
      })
    )
  )

  it.effect("writes the same tables one library per transaction as in batches", () =>
    Effect.gen(function* () {
      const catalog = Array.from({ length: 40 }, (_, i) => ({
        id: i + 1,
        artist_name: mixedCatalog[i % mixedCatalog.length]!.artist_name
      }))
      const dumpAfter = (writeMode: "batch" | "per_library") =>
        inFreshSchema(
          Effect.gen(function* () {
            yield* seedLibrary(catalog)
            const totals = yield* runConsumer(demoSimulator(), { writeMode, batchSize: 7, lmlConcurrency: 3 })
            return { totals, tables: yield* dumpAll }
          })
        )
      const batch = yield* dumpAfter("batch")
      const perLibrary = yield* dumpAfter("per_library")
      expect(perLibrary).toEqual(batch)
      expect(batch.totals.rows_resolved).toBe(26)
    })
  )
})
