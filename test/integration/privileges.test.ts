/**
 * The job as a role that can do nothing else: the README's grants, applied as written, are
 * enough for every `run` variant and `status`, and the role's runs leave exactly what the
 * owner's leave. Real CLI, real PostgreSQL, the demo catalog (V/A credits included) and the
 * simulator over loopback HTTP.
 */
import { readFileSync } from "node:fs"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import { seedDemoCatalog } from "../../src/demo/DemoCatalog.js"
import { demoTrackStore } from "../../src/demo/demoTrackStore.js"
import { demoEntities, makeEntityStore } from "../../src/simulator/EntityStore.js"
import { makeSimulator } from "../../src/simulator/LmlSimulator.js"
import { dumpIdentity, dumpSources, dumpTrackRows, markedIds } from "../support/catalog.js"
import { type CliResult, envFor, runCli, stdoutReport, testDatabaseUrl } from "../support/cli.js"
import { serveSimulator } from "../support/simulatorServer.js"

const README_ROLE = "library_identity_job"
const README_SCHEMA = "wxyc_schema"

/** The README's GRANT statements, for `schema` and `role`. */
const readmeGrants = (schema: string, role: string): ReadonlyArray<string> => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
  const block = /<!-- grants:start -->\s*```sql\n([\s\S]*?)```\s*<!-- grants:end -->/.exec(readme)?.[1]
  if (block === undefined) throw new Error("README.md has no grants block")
  const quotedSchema = `"${schema.replace(/"/g, '""')}"`
  return block
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement.startsWith("GRANT"))
    .map((statement) =>
      statement
        .replaceAll(`${README_SCHEMA}.`, `${quotedSchema}.`)
        .replaceAll(
          new RegExp(`\\b(SCHEMA |TO )(${README_SCHEMA}|${README_ROLE})\\b`, "g"),
          (_, keyword: string, name: string) => `${keyword}${name === README_ROLE ? role : quotedSchema}`
        )
    )
}

/** A login role holding exactly the README's grants on the test schema; dropped with the scope. */
const readmeRole = Effect.gen(function* () {
  const { name } = yield* CatalogSchema
  // Roles belong to the cluster, not the schema: the connection is the owner's own.
  const sql = Context.get(yield* Layer.build(TestDatabase.client), SqlClient.SqlClient)
  const role = `lic_job_${Math.random().toString(36).slice(2, 10)}`
  yield* Effect.acquireRelease(sql.unsafe(`CREATE ROLE ${role} LOGIN`), () =>
    sql.unsafe(`DROP OWNED BY ${role}`).pipe(Effect.zipRight(sql.unsafe(`DROP ROLE ${role}`)), Effect.orDie)
  )
  const grants = readmeGrants(name, role)
  expect(grants).toHaveLength(7)
  for (const grant of grants) yield* sql.unsafe(grant)
  const url = new URL(testDatabaseUrl)
  url.username = role
  url.password = ""
  return url.toString()
})

const withoutLatency = (report: Record<string, unknown>): unknown =>
  JSON.parse(JSON.stringify(report, (key, value: unknown) => (key === "lml_total_latency_ms" ? 0 : value)))

const succeeded = (result: CliResult) => {
  expect(result.code, result.stderr).toBe(0)
  return withoutLatency(stdoutReport(result))
}

/**
 * A normal run, a dry run, a re-check, `status`, and a run while a librarian holds one identity
 * row, as the owner or as the README's role; what each printed, and the tables at the end.
 */
const wholeJob = (asReadmeRole: boolean) =>
  Effect.gen(function* () {
    yield* seedDemoCatalog
    const simulator = makeSimulator({
      store: makeEntityStore(demoEntities),
      tracks: demoTrackStore(),
      tracksContractVersion: 1
    })
    const server = yield* serveSimulator(simulator)
    const base = { ...(yield* envFor(server.url)), DB_LOCK_TIMEOUT_MS: "1000" }
    const env = asReadmeRole ? { ...base, DATABASE_URL: yield* readmeRole } : base
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const t = (table: string) => sql(`${name}.${table}`)

    const first = yield* runCli(["run"], env)
    const analyzeSkipped = first.stderr.includes("ANALYZE of compilation_track_artist skipped")
    const run = succeeded(first)
    const dryRun = succeeded(yield* runCli(["run", "--dry-run", "--recheck-all"], env))
    const recheck = succeeded(yield* runCli(["run", "--recheck"], env))
    const status = succeeded(yield* runCli(["status"], env))

    yield* sql`UPDATE ${t("library_identity")} SET last_verified_at = now() - interval '30 days'`
    const librarian = yield* Context.get(yield* Layer.build(TestDatabase.client), SqlClient.SqlClient).reserve
    yield* librarian.executeRaw("BEGIN", [])
    const [held] = yield* sql<{ readonly library_id: number }>`
      SELECT min(library_id) AS library_id FROM ${t("library_identity")}`
    yield* librarian.executeRaw(
      `SELECT 1 FROM "${name.replace(/"/g, '""')}".library_identity WHERE library_id = $1 FOR UPDATE`,
      [held!.library_id]
    )
    const lockedRun = succeeded(yield* runCli(["run"], env))
    yield* librarian.executeRaw("ROLLBACK", [])

    return {
      printed: { run, dryRun, recheck, status, lockedRun },
      analyzeSkipped,
      tables: {
        identity: yield* dumpIdentity,
        sources: yield* dumpSources,
        marked: yield* markedIds,
        tracks: yield* dumpTrackRows
      }
    }
  }).pipe(Effect.scoped, Effect.provide(TestDatabase.layer("grants")))

// PGlite (the embedded fallback) has one user and no privileges to check.
describe.skipIf(TestDatabase.usesEmbeddedDatabase())("the README's least-privilege role", () => {
  it.live(
    "runs, dry-runs, re-checks, reports status and meets a locked row exactly as the owner does",
    () =>
      Effect.gen(function* () {
        const owner = yield* wholeJob(false)
        const role = yield* wholeJob(true)
        expect(role.printed).toEqual(owner.printed)
        expect(role.tables).toEqual(owner.tables)
        // The runs did real work: identities, links and markers, and one library locked.
        const printed = owner.printed as unknown as {
          run: { rows_resolved: number; compilation_track_rows_written: number }
          lockedRun: { rows_skipped: { locked: number } }
        }
        expect(printed.run.rows_resolved).toBeGreaterThan(0)
        expect(printed.run.compilation_track_rows_written).toBeGreaterThan(0)
        expect(printed.lockedRun.rows_skipped.locked).toBe(1)
        expect(owner.tables.marked.length).toBeGreaterThan(0)
        // Only the owner may ANALYZE: the role skips it with a warning, and still exits 0.
        expect(owner.analyzeSkipped).toBe(false)
        expect(role.analyzeSkipped).toBe(true)
      }),
    { timeout: 120_000 }
  )
})
