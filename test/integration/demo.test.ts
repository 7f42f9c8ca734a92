/**
 * The zero-config path: with no database and no LML configured, the CLI runs the demo on an
 * embedded PostgreSQL and the simulated LML, says so on every line, links the V/A releases'
 * tracks, ends with the status report, and reruns idempotently; `status` then reads the demo's
 * database. With only one of them configured, or with EMBEDDED=false, it never falls into the demo.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type CatalogStatus, formatCatalogStatus } from "../../src/CatalogStatus.js"
import type { RunTotals } from "../../src/domain/Totals.js"
import { type CliResult, runCli, stdoutReport } from "../support/cli.js"

const totalsLine = (result: CliResult): RunTotals => {
  const line = result.stdout.split("\n").find((l) => l.startsWith("[demo] Totals "))
  if (line === undefined) throw new Error(`no Totals line in:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(line.slice("[demo] Totals ".length)) as RunTotals
}

/** The lines a demo run ends with when the catalog is in `status`. */
const statusTail = (status: CatalogStatus): ReadonlyArray<string> => [
  "[demo] status, as `library-identity-consumer status` reports it:",
  ...formatCatalogStatus(status).map((line) => `[demo]   ${line}`)
]

const lastLines = (result: CliResult, count: number): ReadonlyArray<string> =>
  result.stdout.trimEnd().split("\n").slice(-count)

const expectEveryLineDemo = (result: CliResult) => {
  const out = result.stdout.trim().split("\n")
  expect(out.length).toBeGreaterThan(3)
  for (const line of out) expect(line).toMatch(/^\[demo\] /)
  for (const line of result.stderr.trim().split("\n")) {
    expect((JSON.parse(line) as { annotations: Record<string, unknown> }).annotations["demo"]).toBe(true)
  }
}

describe("the demo", () => {
  it.live("runs with nothing configured, and a second run changes nothing", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "consumer-demo-"))),
      (dir) =>
        Effect.gen(function* () {
          const env = { EMBEDDED_DATA_DIR: join(dir, "pglite") }
          const first = yield* runCli([], env)
          expect(first.code).toBe(0)
          expectEveryLineDemo(first)
          const totals = totalsLine(first)
          expect(totals.scanned).toBeGreaterThan(2000)
          expect(totals.rows_resolved).toBeGreaterThan(totals.scanned / 2)
          expect(first.stdout).toContain("seeded a demo catalog")
          expect(first.stdout).toMatch(/methods: /)
          // The V/A cohort ran first and linked credited tracks to the catalog's artists.
          expect(totals.cohorts.va.rows_resolved_compilation).toBeGreaterThan(0)
          expect(totals.cohorts.va.compilation_track_rows_written).toBeGreaterThan(0)
          expect(totals.compilation_track_rows_written).toBe(totals.cohorts.va.compilation_track_rows_written)

          const second = yield* runCli(["run"], env)
          expect(second.code).toBe(0)
          expectEveryLineDemo(second)
          expect(second.stdout).toContain("the demo catalog is already there")
          expect(totalsLine(second)).toMatchObject({ scanned: 0, lml_total_calls: 0, rows_resolved: 0 })

          // `status` finds the demo's database with nothing configured; off a terminal, JSON.
          const status = yield* runCli(["status"], env)
          expect(status.code).toBe(0)
          const report = stdoutReport(status) as unknown as CatalogStatus
          expect(report.due_now).toEqual({ va: 0, non_va: 0 })
          expect(report.catalog_rows).toBe(3000)
          expect(report.va.track_rows_linked["lml_backfill"]).toBe(totals.compilation_track_rows_written)
          // Both runs end with the same report: the second changed nothing.
          const tail = statusTail(report)
          expect(lastLines(first, tail.length)).toEqual(tail)
          expect(lastLines(second, tail.length)).toEqual(tail)
        }),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
  )

  it.live("status with nothing configured and no demo run yet says so, and creates nothing", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "consumer-demo-"))),
      (dir) =>
        Effect.gen(function* () {
          const dataDir = join(dir, "pglite")
          const result = yield* runCli(["status"], { EMBEDDED_DATA_DIR: dataDir })
          expect(result.code).toBe(1)
          expect(result.stdout).toBe("")
          expect(result.stderr).toContain(`no demo database in ${dataDir} yet`)
          expect(existsSync(dataDir)).toBe(false)
        }),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
  )

  it.live.each([
    [
      { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" },
      "LIBRARY_METADATA_URL is not set but the database is"
    ],
    [{ DB_HOST: "127.0.0.1" }, "LIBRARY_METADATA_URL is not set but the database is"],
    [{ LIBRARY_METADATA_URL: "http://127.0.0.1:1" }, "DATABASE_URL is not set but LIBRARY_METADATA_URL is"],
    [{ EMBEDDED: "false" }, "DATABASE_URL is not set"]
  ] as const)("never by accident: %j", ([env, message]) =>
    Effect.gen(function* () {
      const result = yield* runCli(["run"], env)
      expect(result.code).toBe(1)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain(message)
    })
  )
})
