/**
 * The CLI as a separate process, against a real PostgreSQL and the simulator over loopback
 * HTTP speaking LML's wire format as the service sends it: exit codes, stdout, final tables.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import type { RunTotals } from "../../src/domain/Totals.js"
import * as TotalsOps from "../../src/domain/Totals.js"
import { OMIT } from "../../src/simulator/LmlSimulator.js"
import { dumpAll, dumpIdentity, seedLibrary, withTables } from "../support/catalog.js"
import { envFor, runCli, startCli, stdoutReport, testDatabaseUrl } from "../support/cli.js"
import { eventually } from "../support/waiting.js"
import { askedIds, demoSimulator } from "../support/consumer.js"
import { serveSimulator } from "../support/simulatorServer.js"
import { singleArtist } from "../support/wire.js"

const catalog = [
  { id: 1, artist_name: "Stereolab" },
  { id: 2, artist_name: "Various Artists" },
  { id: 3, artist_name: "Nobody Artist" },
  { id: 4, artist_name: "Juana Molina" },
  { id: 5, artist_name: "Nilüfer Yanya" },
  { id: 6, artist_name: "Sleater & Kinney" }
]

type Simulator = ReturnType<typeof demoSimulator>

/** Seeds the catalog in a fresh schema, serves `simulator`, and runs the CLI with `env`. */
const cliRun = (
  simulator: Simulator,
  env: Record<string, string> = {},
  args: ReadonlyArray<string> = ["run"]
) =>
  Effect.gen(function* () {
    const { name } = yield* CatalogSchema
    const server = yield* serveSimulator(simulator)
    return yield* runCli(args, {
      DATABASE_URL: testDatabaseUrl,
      WXYC_SCHEMA_NAME: name,
      LIBRARY_METADATA_URL: server.url,
      ...env
    })
  }).pipe(Effect.scoped)

const totalsOf = (result: Parameters<typeof stdoutReport>[0]) => {
  const totals = stdoutReport(result) as unknown as RunTotals
  expect(TotalsOps.isRunBalanced(totals)).toBe(true)
  return totals
}

const inFreshSchema = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* seedLibrary(catalog)
    return yield* effect
  }).pipe(Effect.provide(TestDatabase.layer("cli")))

describe("library-identity-consumer run", () => {
  it.live("resolves a mixed catalog, prints Totals, exits 0", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const result = yield* cliRun(demoSimulator())
        expect(result.code).toBe(0)
        expect(totalsOf(result)).toMatchObject({
          scanned: 6,
          rows_resolved: 4,
          rows_unresolved: 1,
          rows_skipped: { compilation: 1 },
          lml_total_calls: 1
        })
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([1, 4, 5, 6])
        // Logs are JSON lines on stderr, every one with the run's id; one progress line per batch.
        const logs = result.stderr
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { message: string; annotations: Record<string, unknown> })
        expect(new Set(logs.map((log) => log.annotations["run_id"])).size).toBe(1)
        expect(logs.find((log) => log.message === "progress")?.annotations).toMatchObject({
          done: 6,
          total: 6,
          percent: 100
        })
      })
    )
  )

  it.live("reaches LML through every spelling of the base URL, with the API key", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const simulator = demoSimulator({ apiKey: "k3y-Secret" })
        const server = yield* serveSimulator(simulator)
        const { name } = yield* CatalogSchema
        for (const suffix of ["", "/", "/api/v1", "/api/v1/"]) {
          const sql = yield* SqlClient.SqlClient
          yield* sql`DELETE FROM ${sql(`${name}.library_identity_source`)}`
          yield* sql`DELETE FROM ${sql(`${name}.library_identity`)}`
          const result = yield* runCli(["run"], {
            DATABASE_URL: testDatabaseUrl,
            WXYC_SCHEMA_NAME: name,
            LIBRARY_METADATA_URL: `${server.url}${suffix}`,
            LML_API_KEY: "k3y-Secret",
            LOG_LEVEL: "debug"
          })
          expect(result.code).toBe(0)
          expect(totalsOf(result).rows_resolved).toBe(4)
          expect(result.stderr + result.stdout).not.toContain("k3y-Secret")
        }
      }).pipe(Effect.scoped)
    )
  )

  it.live("skips a batch LML answers with 503, writes the others, exits 2", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const result = yield* cliRun(demoSimulator({ faults: { byRequest: { 1: { status: 503 } } } }), {
          BATCH_SIZE: "2",
          LML_MAX_RETRIES: "0"
        })
        expect(result.code).toBe(2)
        expect(totalsOf(result)).toMatchObject({
          scanned: 6,
          rows_resolved: 3,
          rows_skipped: { lml_error: 2 }
        })
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([4, 5, 6])
        expect(result.stderr).toContain("LML gave no answer; libraries skipped")
      })
    )
  )

  it.live("exits 2, not 0, when every batch fails", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const result = yield* cliRun(demoSimulator({ faults: { always: { status: 500 } } }), {
          BATCH_SIZE: "2",
          LML_RETRY_BASE_MS: "1"
        })
        expect(result.code).toBe(2)
        expect(totalsOf(result)).toMatchObject({
          scanned: 6,
          rows_resolved: 0,
          rows_skipped: { lml_error: 6 }
        })
      })
    )
  )

  it.live("refuses a malformed result, a missing one and a foreign id, and writes the rest", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const simulator = demoSimulator({
          resultOverrides: {
            1: { kind: "single_artist", library_id: 1, main: null },
            4: OMIT,
            5: singleArtist(77)
          }
        })
        const result = yield* cliRun(simulator)
        expect(result.code).toBe(2)
        expect(totalsOf(result)).toMatchObject({
          scanned: 6,
          rows_resolved: 1,
          rows_skipped: { invalid_verdict: 1, lml_cardinality_mismatch: 1, lml_untrusted_library_id: 1 }
        })
        expect((yield* dumpIdentity).map((row) => row.library_id)).toEqual([6])
        expect(result.stderr).toMatch(/invalid verdict refused.*"library_id":1/)
      })
    )
  )

  it.live("DRY_RUN prints one prediction object and writes nothing", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const before = yield* dumpAll
        const simulator = demoSimulator()
        const result = yield* cliRun(simulator, { DRY_RUN: "TRUE" })
        expect(result.code).toBe(0)
        const prediction = (fields: {
          scanned: number
          resolve: number
          unresolved: number
          compilation: number
        }) => ({
          scanned: fields.scanned,
          lml_total_calls: fields.scanned === 0 ? 0 : 1,
          lml_total_latency_ms: expect.any(Number),
          would_resolve: fields.resolve,
          would_resolve_compilation: 0,
          would_unresolved: fields.unresolved,
          would_skip: {
            compilation: fields.compilation,
            manual_override: 0,
            lml_error: 0,
            locked: 0,
            lml_cardinality_mismatch: 0,
            lml_untrusted_library_id: 0,
            invalid_verdict: 0
          },
          source_rows_skipped_null_confidence: expect.any(Number)
        })
        const whole = prediction({ scanned: 6, resolve: 4, unresolved: 1, compilation: 1 })
        expect(stdoutReport(result)).toEqual({
          ...whole,
          cohorts: {
            va: prediction({ scanned: 0, resolve: 0, unresolved: 0, compilation: 0 }),
            non_va: whole
          }
        })
        expect(simulator.requestCount).toBe(1)
        expect(yield* dumpAll).toEqual(before)
      })
    )
  )

  it.live("a rerun changes nothing and keeps release-level columns", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* withTables(
          (sql, t) => sql`INSERT INTO ${t.identity} (library_id, discogs_master_id, discogs_release_id,
              musicbrainz_release_mbid, method, confidence, agreement_sources, last_verified_at)
            VALUES (1, 1001, 2002, 'aaaaaaaa-0000-4000-8000-000000000002', 'trigram', 0.7, 'discogs', now() - interval '10 days')`
        )
        const first = yield* cliRun(demoSimulator())
        expect(first.code).toBe(0)
        const after = yield* dumpAll
        expect(after.identity[0]).toMatchObject({
          library_id: 1,
          discogs_master_id: 1001,
          discogs_release_id: 2002,
          musicbrainz_release_mbid: "aaaaaaaa-0000-4000-8000-000000000002",
          agreement_sources: "discogs",
          method: "exact_match",
          wikidata_qid: "Q484464"
        })
        const simulator = demoSimulator()
        const second = yield* cliRun(simulator)
        expect(second.code).toBe(0)
        expect(totalsOf(second)).toMatchObject({ scanned: 0, lml_total_calls: 0 })
        expect(simulator.requestCount).toBe(0)
        expect(yield* dumpAll).toEqual(after)
      })
    )
  )
})

/** Collects the POSTs a telemetry backend would get, for the duration of a scope. */
const telemetrySink = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<{
        readonly url: string
        readonly posts: Array<{ path: string; body: string }>
        close(): void
      }>((resolve) => {
        const posts: Array<{ path: string; body: string }> = []
        const server = createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            posts.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") })
            response.writeHead(200, { "content-type": "application/json" }).end("{}")
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resolve({ url: `http://127.0.0.1:${port}`, posts, close: () => server.close() })
        })
      })
  ),
  (sink) => Effect.sync(() => sink.close())
)

// The built CLI loads its telemetry only when configured; these check that it still can.
describe("telemetry from the built CLI", () => {
  it.live("sends the run's spans to OTEL_EXPORTER_OTLP_ENDPOINT", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const sink = yield* telemetrySink
        const result = yield* cliRun(demoSimulator(), { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url })
        expect(result.code).toBe(0)
        const traces = sink.posts.filter((post) => post.path === "/v1/traces")
        expect(traces.some((post) => post.body.includes("lml.bulk_resolve_libraries"))).toBe(true)
      }).pipe(Effect.scoped)
    )
  )

  it.live("sends the run's transaction to SENTRY_DSN", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const sink = yield* telemetrySink
        const dsn = sink.url.replace("http://", "http://publickey@") + "/42"
        const result = yield* cliRun(demoSimulator(), { SENTRY_DSN: dsn })
        expect(result.code).toBe(0)
        const envelopes = sink.posts.filter((post) => post.path.startsWith("/api/42/envelope/"))
        expect(envelopes.some((post) => post.body.includes("lml.bulk_resolve_libraries"))).toBe(true)
      }).pipe(Effect.scoped)
    )
  )
})

describe("flags and other commands", () => {
  it.live("flags win over the environment", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const before = yield* dumpAll
        const simulator = demoSimulator()
        const result = yield* cliRun(simulator, { BATCH_SIZE: "abc", DRY_RUN: "false" }, [
          "run",
          "--batch-size",
          "4",
          "--dry-run"
        ])
        expect(result.code).toBe(0)
        expect(stdoutReport(result)).toMatchObject({ scanned: 6, would_resolve: 4 })
        expect(simulator.batchSizes).toEqual([4, 2])
        expect(yield* dumpAll).toEqual(before)
      })
    )
  )

  it.live("--recheck, --recheck-all and --include-null-canonical reach the selection", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* seedLibrary([
          { id: 7, artist_name: "Stereolab", canonical_entity_id: null },
          { id: 8, artist_name: "Various Artists", code_volume_letters: "Z" }
        ])
        expect((yield* cliRun(demoSimulator())).code).toBe(0)

        const vaOnly = demoSimulator()
        expect(totalsOf(yield* cliRun(vaOnly, {}, ["run", "--recheck"])).cohorts.va.scanned).toBe(1)
        expect(askedIds(vaOnly)).toEqual([8])

        const everyMarked = demoSimulator()
        yield* cliRun(everyMarked, { RECHECK: "false" }, ["run", "--recheck-all"])
        expect(askedIds(everyMarked)).toEqual([2, 3, 8])

        const nullCanonical = demoSimulator()
        yield* cliRun(nullCanonical, {}, ["run", "--include-null-canonical"])
        expect(askedIds(nullCanonical)).toEqual([7])
      })
    )
  )

  it.live("schedule waits for its tick and ends cleanly on SIGTERM", () =>
    inFreshSchema(
      Effect.gen(function* () {
        const simulator = demoSimulator()
        const server = yield* serveSimulator(simulator)
        const running = yield* startCli(["schedule", "--cron", "0 3 * * *"], yield* envFor(server.url))
        yield* eventually(() => running.stderr().includes("schedule started"))
        running.child.kill("SIGTERM")
        const result = yield* running.result
        expect(result.code).toBe(143)
        expect(simulator.requestCount).toBe(0)
      }).pipe(Effect.scoped)
    )
  )
})

describe("fatal errors exit 1 before any row is read", () => {
  it.live.each([
    [{ BATCH_SIZE: "0" }, "BATCH_SIZE='0' is invalid: expected an integer from 1 to 1000"],
    [{ BATCH_SIZE: "1001" }, "BATCH_SIZE='1001' is invalid"],
    [{ BATCH_SIZE: "abc" }, "BATCH_SIZE='abc' is invalid"],
    [{ PARTITION_INDEX: "3", PARTITION_COUNT: "3" }, "0 <= PARTITION_INDEX < PARTITION_COUNT"],
    [{ RECHECK: "sometimes" }, "RECHECK='sometimes' is invalid: expected one of true, 1, all, false, 0"],
    [{ UNRESOLVED_RETRY_DAYS: "0" }, "UNRESOLVED_RETRY_DAYS='0' is invalid"],
    [{ DATABASE_URL: "" }, "DATABASE_URL is not set"],
    [{ LIBRARY_METADATA_URL: "" }, "LIBRARY_METADATA_URL is not set"],
    [{ DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" }, "connecting to the catalog database"]
  ] as const)("%j", ([env, message]) =>
    inFreshSchema(
      Effect.gen(function* () {
        const simulator = demoSimulator()
        const result = yield* cliRun(simulator, env)
        expect(result.code).toBe(1)
        expect(result.stdout).toBe("")
        expect(result.stderr).toContain(message)
        expect(simulator.requestCount).toBe(0)
      })
    )
  )

  it.live("names a missing column and the command that adds it", () =>
    inFreshSchema(
      Effect.gen(function* () {
        yield* withTables((sql, t) => sql`ALTER TABLE ${t.identity} DROP COLUMN bandcamp_id`)
        const simulator = demoSimulator()
        const result = yield* cliRun(simulator)
        expect(result.code).toBe(1)
        expect(result.stderr).toContain("library_identity.bandcamp_id is missing")
        expect(result.stderr).toContain("library-identity-consumer migrate")
        expect(simulator.requestCount).toBe(0)
        // `migrate` puts it back, and then the job runs.
        const migrated = yield* cliRun(simulator, {}, ["migrate"])
        expect(migrated.code).toBe(0)
        expect((yield* cliRun(simulator)).code).toBe(0)
      })
    )
  )
})
