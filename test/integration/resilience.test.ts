/**
 * Fault injection against the real CLI process, a real PostgreSQL and the simulator over
 * loopback HTTP: retries, poison isolation, the circuit breaker, kill -9, SIGTERM, the run
 * lock, a terminated database connection, and hostile strings. Every test asserts final
 * table contents, Totals and the exit code.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import * as Totals from "../../src/domain/Totals.js"
import { countRows, dumpAll, dumpIdentity, dumpSources, seedArtists } from "../support/catalog.js"
import { type CliResult, envFor, runCli, startCli, stdoutReport } from "../support/cli.js"
import { demoSimulator } from "../support/consumer.js"
import { serveSimulator } from "../support/simulatorServer.js"
import { eventuallyEffect } from "../support/waiting.js"
import { singleArtist } from "../support/wire.js"

const ARTISTS = [
  "Stereolab",
  "Juana Molina",
  "Various Artists",
  "Nobody Artist",
  "Nilüfer Yanya",
  "Sleater & Kinney",
  "Mdou Moctar",
  "Sun Ra"
]
const ROWS = 300

/** Quick retries, so the tests wait on behaviour, not on backoff. */
const FAST_RETRIES = { LML_RETRY_BASE_MS: "1" }

const inFreshSchema = <A, E, R>(prefix: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* seedArtists(ARTISTS, ROWS)
    return yield* effect
  }).pipe(Effect.scoped, Effect.provide(TestDatabase.layer(prefix)))

const totalsOf = (result: CliResult) => {
  const totals = stdoutReport(result) as unknown as Totals.Totals
  expect(Totals.isBalanced(totals)).toBe(true)
  return totals
}

/** The tables an uninterrupted, fault-free run leaves behind. */
const referenceTables = inFreshSchema(
  "ref",
  Effect.gen(function* () {
    const server = yield* serveSimulator(demoSimulator())
    const result = yield* runCli(["run"], yield* envFor(server.url))
    expect(result.code).toBe(0)
    return yield* dumpAll
  })
)

type Tables = Effect.Effect.Success<typeof dumpAll>

/** Every library written so far was written whole: its main row and exactly its sources. */
const expectWholeLibraries = (partial: Tables, reference: Tables) => {
  const written = new Set(partial.identity.map((row) => row.library_id))
  expect(partial.identity).toEqual(reference.identity.filter((row) => written.has(row.library_id)))
  expect(partial.sources).toEqual(reference.sources.filter((row) => written.has(row.library_id)))
}

const identityRowsAtLeast = (n: number) => Effect.map(countRows, ({ identity }) => identity >= n)

describe("LML faults", () => {
  it.live("a 503 twice, then success: everything resolved, lml_retries 2, exit 0", () =>
    inFreshSchema(
      "retry",
      Effect.gen(function* () {
        const server = yield* serveSimulator(
          demoSimulator({ faults: { byRequest: { 1: { status: 503 }, 2: { status: 503 } } } })
        )
        const result = yield* runCli(["run"], { ...(yield* envFor(server.url)), ...FAST_RETRIES })
        expect(result.code).toBe(0)
        expect(totalsOf(result)).toMatchObject({ scanned: ROWS, lml_retries: 2, lml_total_calls: 3 })
        expect((yield* countRows).identity).toBe(totalsOf(result).rows_resolved)
      })
    )
  )

  it.live("one poison input in a 500-row batch: 499 written, 1 lml_error, calls within the bound", () =>
    Effect.gen(function* () {
      yield* seedArtists(["Stereolab", "Juana Molina"], 500)
      const simulator = demoSimulator({ faults: { byLibraryId: { 250: { status: 422 } } } })
      const server = yield* serveSimulator(simulator)
      const result = yield* runCli(["run"], { ...(yield* envFor(server.url)), BATCH_SIZE: "500" })
      expect(result.code).toBe(2)
      expect(totalsOf(result)).toMatchObject({
        scanned: 500,
        rows_resolved: 499,
        rows_skipped: { lml_error: 1 }
      })
      expect(simulator.requestCount).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(500)))
      const written = (yield* dumpIdentity).map((row) => row.library_id)
      expect(written).toHaveLength(499)
      expect(written).not.toContain(250)
    }).pipe(Effect.scoped, Effect.provide(TestDatabase.layer("poison")))
  )

  it.live("LML down for the whole run: the breaker stops it after the configured batches, exit 2", () =>
    inFreshSchema(
      "down",
      Effect.gen(function* () {
        const result = yield* runCli(["run"], {
          ...(yield* envFor("http://127.0.0.1:1")),
          ...FAST_RETRIES,
          BATCH_SIZE: "10",
          LML_MAX_RETRIES: "2",
          LML_MAX_CONSECUTIVE_FAILED_BATCHES: "3"
        })
        expect(result.code).toBe(2)
        const totals = totalsOf(result)
        expect(totals.rows_skipped.lml_error).toBe(totals.scanned)
        expect(totals.scanned).toBe(30)
        expect(totals.lml_total_calls).toBe(9)
        expect(result.stderr).toContain("circuit breaker open")
        expect(yield* countRows).toEqual({ identity: 0, sources: 0 })
      })
    )
  )

  it.live.each([
    ["no key", {}, "requires an API key"],
    ["a wrong key", { LML_API_KEY: "wrong" }, "rejected the API key"]
  ] as const)("refused credentials (%s) end the run at once with exit 1", ([, env, message]) =>
    inFreshSchema(
      "auth",
      Effect.gen(function* () {
        const simulator = demoSimulator({ apiKey: "right" })
        const server = yield* serveSimulator(simulator)
        const result = yield* runCli(["run"], { ...(yield* envFor(server.url)), ...env, BATCH_SIZE: "10" })
        expect(result.code).toBe(1)
        expect(result.stderr).toContain(message)
        expect(result.stderr).toContain("LML_API_KEY")
        expect(simulator.requestCount).toBeLessThanOrEqual(2)
        expect(totalsOf(result).scanned).toBe(0)
      })
    )
  )

  it.live("hostile verdict strings are stored verbatim or refused, never executed", () =>
    inFreshSchema(
      "hostile",
      Effect.gen(function* () {
        const hostile = {
          injection: "'; DROP TABLE library; --",
          quotes: `Q"quoted" 'single' \\back\\slash {braces,}`,
          emoji: "🎸🎶 Björk ✨",
          rtl: "\u202Eموسيقى\u200F עברית",
          long: "x".repeat(10_240)
        }
        const simulator = demoSimulator({
          resultOverrides: {
            1: singleArtist(1, {
              main: { spotify_artist_id: hostile.injection, wikidata_qid: hostile.quotes },
              provenance: [
                { source: "spotify", method: "exact_match", confidence: 1, external_id: hostile.injection }
              ]
            }),
            2: singleArtist(2, {
              main: {
                bandcamp_id: hostile.emoji,
                apple_music_artist_id: hostile.rtl,
                musicbrainz_artist_id: hostile.long
              },
              provenance: [
                { source: "bandcamp", method: "trigram", confidence: 0.75, external_id: hostile.long }
              ]
            }),
            3: singleArtist(3, { main: { wikidata_qid: "Q1\u0000; DROP TABLE library" } })
          }
        })
        const server = yield* serveSimulator(simulator)
        const result = yield* runCli(["run"], yield* envFor(server.url))
        expect(result.code).toBe(2)
        expect(totalsOf(result).rows_skipped.invalid_verdict).toBe(1)
        const identity = yield* dumpIdentity
        expect(identity.find((row) => row.library_id === 1)).toMatchObject({
          spotify_id: hostile.injection,
          wikidata_qid: hostile.quotes
        })
        expect(identity.find((row) => row.library_id === 2)).toMatchObject({
          bandcamp_id: hostile.emoji,
          apple_music_id: hostile.rtl,
          musicbrainz_artist_id: hostile.long
        })
        expect(identity.some((row) => row.library_id === 3)).toBe(false)
        const sources = yield* dumpSources
        expect(sources.filter((row) => row.library_id <= 2).map((row) => row.external_id)).toEqual([
          hostile.injection,
          hostile.long
        ])
        const sql = yield* SqlClient.SqlClient
        const { name } = yield* CatalogSchema
        const [library] = yield* sql<{
          rows: number
        }>`SELECT count(*)::int AS rows FROM ${sql(`${name}.library`)}`
        expect(library?.rows).toBe(ROWS)
      })
    )
  )
})

describe("process and database faults", () => {
  /** LML slow enough that a run of 30 batches takes a few seconds, so it can be hit mid-run. */
  const slowRun = (extraEnv: Record<string, string> = {}) =>
    Effect.gen(function* () {
      const simulator = demoSimulator({ latencyMs: 60 })
      const server = yield* serveSimulator(simulator)
      const env = { ...(yield* envFor(server.url)), BATCH_SIZE: "10", ...extraEnv }
      return { simulator, env }
    })

  it.live("kill -9 mid-run, then a rerun: the tables an uninterrupted run leaves", () =>
    Effect.gen(function* () {
      const reference = yield* referenceTables
      yield* inFreshSchema(
        "kill",
        Effect.gen(function* () {
          const { env } = yield* slowRun()
          const running = yield* startCli(["run"], env)
          yield* eventuallyEffect(identityRowsAtLeast(30))
          running.child.kill("SIGKILL")
          expect((yield* running.result).code).toBe(137)
          expectWholeLibraries(yield* dumpAll, reference)
          const rerun = yield* runCli(["run"], env)
          expect(rerun.code).toBe(0)
          expect(yield* dumpAll).toEqual(reference)
        })
      )
    })
  )

  it.live("SIGTERM mid-run: exit 143 within the grace period, partial Totals, whole libraries only", () =>
    Effect.gen(function* () {
      const reference = yield* referenceTables
      yield* inFreshSchema(
        "term",
        Effect.gen(function* () {
          const { env } = yield* slowRun({ SHUTDOWN_GRACE_MS: "5000" })
          const running = yield* startCli(["run"], env)
          yield* eventuallyEffect(identityRowsAtLeast(30))
          const signalledAt = Date.now()
          running.child.kill("SIGTERM")
          const result = yield* running.result
          expect(result.code).toBe(143)
          expect(Date.now() - signalledAt).toBeLessThan(5000)
          const totals = totalsOf(result)
          expect(totals.scanned).toBeGreaterThan(0)
          expect(totals.scanned).toBeLessThan(ROWS)
          const tables = yield* dumpAll
          expect(tables.identity).toHaveLength(totals.rows_resolved)
          expectWholeLibraries(tables, reference)
        })
      )
    })
  )

  // PGlite (the embedded fallback) has one session for every connection: no lock excludes anything.
  it.live.skipIf(TestDatabase.usesEmbeddedDatabase())(
    "two runs started together: exactly one does the work, the other exits 75",
    () =>
      inFreshSchema(
        "lock",
        Effect.gen(function* () {
          const { simulator, env } = yield* slowRun()
          const [first, second] = yield* Effect.all([startCli(["run"], env), startCli(["run"], env)])
          const results = yield* Effect.all([first.result, second.result], { concurrency: 2 })
          expect(results.map((result) => result.code).sort()).toEqual([0, 75])
          const loser = results.find((result) => result.code === 75)!
          expect(loser.stdout).toBe("")
          expect(loser.stderr).toContain("another run holds the lock")
          const seen = simulator.libraryIdsSeen()
          expect(new Set(seen).size).toBe(seen.length)
        })
      )
  )

  // PGlite (the embedded fallback) has no other backend to terminate.
  it.live.skipIf(TestDatabase.usesEmbeddedDatabase())(
    "pg_terminate_backend mid-run: the run recovers or exits 1 with partial Totals; a rerun completes",
    () =>
      Effect.gen(function* () {
        const reference = yield* referenceTables
        yield* inFreshSchema(
          "pgkill",
          Effect.gen(function* () {
            const { env } = yield* slowRun()
            const sql = yield* SqlClient.SqlClient
            const { name } = yield* CatalogSchema
            // A name of its own, so only this run's connections are hit: other tests (and
            // benchmarks) may have CLIs of their own running.
            const application = `consumer-under-test-${name}`
            const running = yield* startCli(["run"], { ...env, DB_APPLICATION_NAME: application })
            yield* eventuallyEffect(identityRowsAtLeast(30))
            // MATERIALIZED: the filter must run before pg_terminate_backend sees any pid.
            const terminated = yield* sql<{ pid: number }>`
            WITH victims AS MATERIALIZED (
              SELECT pid FROM pg_stat_activity WHERE application_name = ${application})
            SELECT pid FROM victims WHERE pg_terminate_backend(pid)`
            expect(terminated.length).toBeGreaterThan(0)
            const result = yield* running.result
            expect([0, 1]).toContain(result.code)
            expect(totalsOf(result).scanned).toBeGreaterThan(0)
            expectWholeLibraries(yield* dumpAll, reference)
            const rerun = yield* runCli(["run"], env)
            expect(rerun.code).toBe(0)
            expect(yield* dumpAll).toEqual(reference)
          })
        )
      })
  )
})
