/**
 * Another session's locks against the real CLI, a real PostgreSQL and the simulator over
 * loopback HTTP: a librarian's transaction left open on a row costs that library, not the run;
 * a table locked for the whole run is a database failure that ends it; every wait is bounded.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import * as Totals from "../../src/domain/Totals.js"
import { markedIds, seedArtists } from "../support/catalog.js"
import { type CliResult, envFor, runCli, startCli, stdoutReport } from "../support/cli.js"
import { demoSimulator } from "../support/consumer.js"
import { serveSimulator } from "../support/simulatorServer.js"
import { eventuallyEffect } from "../support/waiting.js"

const ARTISTS = ["Stereolab", "Juana Molina", "Various Artists", "Nobody Artist", "Sun Ra"]
const ROWS = 200
/** Library 1 is Stereolab (resolved), 3 is a compilation, 4 is unknown to LML (unresolved). */
const RESOLVED = 1
const UNRESOLVED = 4
const LOCK_TIMEOUT_MS = 2_000

const totalsOf = (result: CliResult) => {
  const totals = stdoutReport(result) as unknown as Totals.Totals
  expect(Totals.isBalanced(totals)).toBe(true)
  return totals
}

const inFreshSchema = <A, E, R>(prefix: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* seedArtists(ARTISTS, ROWS)
    return yield* effect
  }).pipe(Effect.scoped, Effect.provide(TestDatabase.layer(prefix)))

/** The CLI's environment against a simulator serving the demo store, with a short lock timeout. */
const cliEnv = Effect.gen(function* () {
  const server = yield* serveSimulator(demoSimulator())
  return {
    ...(yield* envFor(server.url)),
    DB_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS)
  }
})

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * A librarian's session that runs `statements` (`$schema` stands for the test schema) in a
 * transaction and keeps it open until `release` or the end of the scope.
 */
const holdOpen = (...statements: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { name } = yield* CatalogSchema
    const sql = Context.get(yield* Layer.build(TestDatabase.client), SqlClient.SqlClient)
    const session = yield* sql.reserve
    yield* session.executeRaw("BEGIN", [])
    for (const statement of statements) {
      yield* session.executeRaw(statement.replaceAll("$schema", quoted(name)), [])
    }
    return { release: session.executeRaw("ROLLBACK", []) }
  })

/** The libraries whose identity row was not rewritten since `since`. */
const notRewrittenSince = (since: Date) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const rows = yield* sql<{ readonly library_id: number }>`
      SELECT library_id FROM ${sql(`${name}.library_identity`)} WHERE last_verified_at < ${since}
      ORDER BY library_id`
    return rows.map((row) => row.library_id)
  })

/** A first run that resolves the catalog, its identities then aged so that a second rewrites them. */
const firstRun = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const result = yield* runCli(["run"], env)
    expect(result.code).toBe(0)
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    yield* sql`UPDATE ${sql(`${name}.library_identity`)} SET last_verified_at = now() - interval '30 days'`
    return totalsOf(result)
  })

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const startedAt = Date.now()
    const value = yield* effect
    return { value, ms: Date.now() - startedAt }
  })

const dbNow = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(sql<{ readonly now: Date }>`SELECT now() AS now`, ([row]) => row!.now)
)

// PGlite (the embedded fallback) serves every connection from one session: no lock excludes anything.
describe.skipIf(TestDatabase.usesEmbeddedDatabase())("a row another session holds", () => {
  it.live.each([
    [
      "its library_identity row",
      `SELECT 1 FROM $schema.library_identity WHERE library_id = ${RESOLVED} FOR UPDATE`
    ],
    [
      "one of its library_identity_source rows",
      `UPDATE $schema.library_identity_source SET notes = 'a librarian is editing this'
       WHERE library_id = ${RESOLVED} AND source = (
         SELECT min(source) FROM $schema.library_identity_source WHERE library_id = ${RESOLVED})`
    ]
  ] as const)("%s: the library is locked, every other is written, the next run writes it", ([, lock]) =>
    inFreshSchema(
      "lockrow",
      Effect.gen(function* () {
        const env = yield* cliEnv
        const first = yield* firstRun(env)
        const before = yield* dbNow
        const librarian = yield* holdOpen(lock)

        const { value: result, ms } = yield* timed(runCli(["run"], env))
        expect(result.code).toBe(0)
        expect(ms).toBeLessThan(LOCK_TIMEOUT_MS + 10_000)
        const totals = totalsOf(result)
        expect(totals).toMatchObject({
          scanned: first.rows_resolved,
          rows_resolved: first.rows_resolved - 1,
          rows_skipped: { locked: 1, writer_error: 0 }
        })
        expect(yield* notRewrittenSince(before)).toEqual([RESOLVED])
        const warning = result.stderr.split("\n").find((line) => line.includes("another session holds"))
        expect(JSON.parse(warning!)).toMatchObject({ annotations: { library_ids: [RESOLVED], locked: 1 } })

        yield* librarian.release
        const next = yield* runCli(["run"], env)
        expect(next.code).toBe(0)
        expect(totalsOf(next)).toMatchObject({ scanned: 1, rows_resolved: 1, rows_skipped: { locked: 0 } })
        expect(yield* notRewrittenSince(before)).toEqual([])
      })
    )
  )

  it.live("its library row, whose no-match marker must be set: locked, stamped by the next run", () =>
    inFreshSchema(
      "lockmark",
      Effect.gen(function* () {
        const env = yield* cliEnv
        // A librarian edits the row's title, and leaves the transaction open.
        const librarian = yield* holdOpen(
          `UPDATE $schema.library SET album_title = album_title || ' (edited)' WHERE id = ${UNRESOLVED}`
        )
        const result = yield* runCli(["run"], env)
        expect(result.code).toBe(0)
        const totals = totalsOf(result)
        expect(totals.scanned).toBe(ROWS)
        expect(totals.rows_skipped.locked).toBe(1)
        const marked = yield* markedIds
        expect(marked).not.toContain(UNRESOLVED)
        expect(marked).toHaveLength(totals.rows_unresolved + totals.rows_skipped.compilation)

        yield* librarian.release
        const next = yield* runCli(["run"], env)
        expect(totalsOf(next)).toMatchObject({ scanned: 1, rows_unresolved: 1 })
        expect(yield* markedIds).toContain(UNRESOLVED)
      })
    )
  )

  it.live("several locked libraries in one batch cost about one lock timeout, not one each", () =>
    inFreshSchema(
      "lockmany",
      Effect.gen(function* () {
        const env = yield* cliEnv
        const first = yield* firstRun(env)
        const locked = [1, 2, 5, 6, 7, 10]
        const librarian = yield* holdOpen(
          `SELECT 1 FROM $schema.library_identity WHERE library_id IN (${locked.join(",")}) FOR UPDATE`
        )
        const { value: result, ms } = yield* timed(runCli(["run"], env))
        expect(result.code).toBe(0)
        expect(totalsOf(result)).toMatchObject({
          rows_resolved: first.rows_resolved - locked.length,
          rows_skipped: { locked: locked.length }
        })
        // One lock timeout each would be 12 s.
        expect(ms).toBeLessThan(2 * LOCK_TIMEOUT_MS + 3_000)
        yield* librarian.release
      })
    )
  )

  it.live("SIGTERM while the run waits on a lock: it ends within SHUTDOWN_GRACE_MS", () =>
    inFreshSchema(
      "lockterm",
      Effect.gen(function* () {
        const env = { ...(yield* cliEnv), DB_LOCK_TIMEOUT_MS: "4000", SHUTDOWN_GRACE_MS: "8000" }
        yield* firstRun(env)
        yield* holdOpen(`SELECT 1 FROM $schema.library_identity WHERE library_id = ${RESOLVED} FOR UPDATE`)
        const sql = yield* SqlClient.SqlClient
        const { name } = yield* CatalogSchema
        const application = `consumer-under-test-${name}`
        const running = yield* startCli(["run"], { ...env, DB_APPLICATION_NAME: application })
        yield* eventuallyEffect(
          Effect.map(
            sql<{ readonly waiting: number }>`SELECT count(*)::int AS waiting FROM pg_stat_activity
              WHERE application_name = ${application} AND wait_event_type = 'Lock'`,
            ([row]) => (row?.waiting ?? 0) > 0
          )
        )
        const signalledAt = Date.now()
        running.child.kill("SIGTERM")
        const result = yield* running.result
        expect(Date.now() - signalledAt).toBeLessThan(8_000)
        expect(result.code).toBe(143)
        expect(result.stderr).not.toContain("shutdown grace")
        expect(totalsOf(result).rows_skipped.locked).toBe(1)
      })
    )
  )
})

describe.skipIf(TestDatabase.usesEmbeddedDatabase())("a table another session holds", () => {
  it.live(
    "ACCESS EXCLUSIVE on library_identity for the whole run: retried, then exit 1 naming the wait",
    () =>
      inFreshSchema(
        "locktable",
        Effect.gen(function* () {
          const env = { ...(yield* cliEnv), DB_LOCK_TIMEOUT_MS: "300" }
          yield* holdOpen("LOCK TABLE $schema.library_identity IN ACCESS EXCLUSIVE MODE")
          const { value: result, ms } = yield* timed(runCli(["run"], env))
          expect(result.code).toBe(1)
          expect(ms).toBeLessThan(30_000)
          expect(totalsOf(result)).toMatchObject({ rows_resolved: 0 })
          expect(result.stderr).toContain("lock timeout")
          expect(result.stderr).toContain("DB_LOCK_TIMEOUT_MS")
        })
      )
  )
})
