/**
 * The zero-config path: with no database and no LML configured, the CLI runs the demo on an
 * embedded PostgreSQL and the simulated LML, says so on every line, and reruns idempotently.
 * With only one of them configured, or with EMBEDDED=false, it never falls into the demo.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Totals } from "../../src/domain/Totals.js"
import { type CliResult, runCli } from "../support/cli.js"

const totalsLine = (result: CliResult): Totals => {
  const line = result.stdout.split("\n").find((l) => l.startsWith("[demo] Totals "))
  if (line === undefined) throw new Error(`no Totals line in:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(line.slice("[demo] Totals ".length)) as Totals
}

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

          const second = yield* runCli(["run"], env)
          expect(second.code).toBe(0)
          expectEveryLineDemo(second)
          expect(second.stdout).toContain("the demo catalog is already there")
          expect(totalsLine(second)).toMatchObject({
            scanned: totals.rows_unresolved + totals.rows_skipped.compilation,
            rows_resolved: 0
          })
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
