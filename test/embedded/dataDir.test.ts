/**
 * The embedded database on disk, as the demo keeps it: the directory is created, the data
 * outlives the process's hold on it (which is what makes a second demo run a rerun), and one
 * process at a time owns the directory.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as EmbeddedDatabase from "../../layers/EmbeddedDatabase.js"
import { lockPathFor } from "../../src/demo/DataDirLock.js"
import { RunLockBusy } from "../../src/RunLock.js"

const root = mkdtempSync(join(tmpdir(), "embedded-data-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Runs `query` against a database opened on `dataDir`, then closes it; also reports how long opening took. */
const withDatabaseOn = <A, E>(dataDir: string, query: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const startedAt = performance.now()
    const server = yield* EmbeddedDatabase.serve(dataDir)
    const startMs = Math.round(performance.now() - startedAt)
    const result = yield* Effect.flatMap(SqlClient.SqlClient, query).pipe(
      Effect.provide(PgClient.layer({ url: server.url, maxConnections: 1 }))
    )
    return { result, startMs }
  }).pipe(Effect.scoped)

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!

describe("embedded database on disk", () => {
  it.live("creates its directory and keeps the data across restarts", () =>
    Effect.gen(function* () {
      const dataDir = join(root, "restart", "nested", "pglite")
      const first = yield* withDatabaseOn(dataDir, (sql) =>
        Effect.zipRight(sql`CREATE TABLE kept (id int)`, sql`INSERT INTO kept VALUES (1), (2)`)
      )
      expect(existsSync(lockPathFor(dataDir))).toBe(false)
      const second = yield* withDatabaseOn(
        dataDir,
        (sql) => sql<{ n: number }>`SELECT count(*)::int AS n FROM kept`
      )
      expect(second.result).toEqual([{ n: 2 }])
      console.log(`embedded cold start: new directory ${first.startMs} ms, existing ${second.startMs} ms`)
    })
  )

  it.live("lets one holder at a time open a directory, and takes over a lock its holder left behind", () =>
    Effect.gen(function* () {
      const dataDir = join(root, "locked", "pglite")
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* EmbeddedDatabase.serve(dataDir)
          expect(readFileSync(lockPathFor(dataDir), "utf8").trim()).toBe(String(process.pid))
          const second = yield* Effect.exit(Effect.scoped(EmbeddedDatabase.serve(dataDir)))
          expect(second).toStrictEqual(Exit.fail(new RunLockBusy({ key: lockPathFor(dataDir) })))
        })
      )
      // A run killed with -9 leaves its lock file; nobody holds it any more.
      writeFileSync(lockPathFor(dataDir), `${deadPid()}\n`)
      const reopened = yield* withDatabaseOn(dataDir, (sql) => sql<{ one: number }>`SELECT 1 AS one`)
      expect(reopened.result).toEqual([{ one: 1 }])
      expect(existsSync(lockPathFor(dataDir))).toBe(false)
    })
  )
})
