/**
 * A real PostgreSQL for tests: a fresh schema per layer (so test files run in parallel without
 * seeing each other), migrated on acquire and dropped on release.
 *
 * Which PostgreSQL is decided once per test run, before any test file starts, by
 * `startTestDatabase` (the vitest global setup calls it): `TEST_DATABASE_URL` if set; else a
 * server on 127.0.0.1:5432 if one answers; else an in-memory embedded PGlite served on a
 * loopback port. `TEST_DATABASE=embedded` forces the embedded one. The choice reaches test
 * files and the CLI processes they start as `TEST_DATABASE_URL` (and `TEST_DATABASE`).
 */
import { connect } from "node:net"
import { SqlClient } from "@effect/sql"
import { Config, ConfigError, Effect, Either, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { migrate } from "../src/Migrations.js"
import * as Database from "./Database.js"
import * as EmbeddedDatabase from "./EmbeddedDatabase.js"

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"

export const testDatabaseUrl = Config.string("TEST_DATABASE_URL").pipe(
  Config.withDefault(DEFAULT_TEST_DATABASE_URL)
)

/** `TEST_DATABASE=embedded`: use the embedded database even where a server answers. */
const forcedEmbedded = Config.option(Config.string("TEST_DATABASE")).pipe(
  Config.mapOrFail((value) =>
    Option.isNone(value) || value.value.trim() === ""
      ? Either.right(false)
      : value.value.trim().toLowerCase() === "embedded"
        ? Either.right(true)
        : Either.left(
            ConfigError.InvalidData(
              [],
              `TEST_DATABASE='${value.value}' is invalid: expected 'embedded' or unset`
            )
          )
  )
)

/** Whether this test run uses the embedded database; tests that need a real server skip on it. */
export const usesEmbeddedDatabase = (): boolean => process.env["TEST_DATABASE"]?.trim() === "embedded"

/** True when something accepts a TCP connection on host:port within `timeoutMs`. */
const answers = (host: string, port: number, timeoutMs: number) =>
  Effect.async<boolean>((resume) => {
    const socket = connect({ host, port })
    const done = (answered: boolean) => {
      socket.destroy()
      resume(Effect.succeed(answered))
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
    return Effect.sync(() => socket.destroy())
  })

export type TestDatabaseChoice =
  | { readonly _tag: "Url"; readonly url: string; readonly from: "TEST_DATABASE_URL" | "local server" }
  | { readonly _tag: "Embedded"; readonly why: "TEST_DATABASE=embedded" | "no server on 127.0.0.1:5432" }

export const chooseTestDatabase = Effect.gen(function* () {
  if (yield* forcedEmbedded) {
    return { _tag: "Embedded", why: "TEST_DATABASE=embedded" } satisfies TestDatabaseChoice
  }
  const configured = yield* Config.option(Config.string("TEST_DATABASE_URL"))
  if (Option.isSome(configured) && configured.value.trim() !== "") {
    return { _tag: "Url", url: configured.value, from: "TEST_DATABASE_URL" } satisfies TestDatabaseChoice
  }
  return (yield* answers("127.0.0.1", 5432, 500))
    ? ({ _tag: "Url", url: DEFAULT_TEST_DATABASE_URL, from: "local server" } satisfies TestDatabaseChoice)
    : ({ _tag: "Embedded", why: "no server on 127.0.0.1:5432" } satisfies TestDatabaseChoice)
})

/**
 * Every connection of every test file and of the CLI processes they start goes to the one
 * embedded server, and one beyond the limit is refused rather than queued: room for a few
 * files in parallel, each with a pool of four and a CLI or two with theirs.
 */
const EMBEDDED_MAX_CONNECTIONS = 100

/**
 * The test run's database, until the scope closes: the choice, and the URL to put in
 * `TEST_DATABASE_URL`. An embedded database lives in memory, in the calling process.
 */
export const startTestDatabase = Effect.gen(function* () {
  const choice = yield* chooseTestDatabase
  if (choice._tag === "Url") return { choice, url: choice.url }
  const server = yield* EmbeddedDatabase.serve(undefined, { maxConnections: EMBEDDED_MAX_CONNECTIONS })
  return { choice, url: Redacted.value(server.url) }
})

const uniqueSchemaName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`

/** The production pool, with the session limits from the environment (their defaults in tests). */
export const client = Layer.unwrapEffect(
  Effect.map(Effect.all([testDatabaseUrl, Database.sessionLimits]), ([url, limits]) =>
    Database.clientLayer(
      { _tag: "Url", url: Redacted.make(url) },
      { application: "library-identity-consumer-test", poolSize: 4, limits }
    )
  )
)

/** SqlClient and CatalogSchema for a new, migrated schema named `<prefix>_<unique>`. */
export const layer = (prefix = "t") => {
  const name = uniqueSchemaName(prefix)
  const schema = CatalogSchema.make(name)
  const lifecycle = Layer.scopedDiscard(
    Effect.acquireRelease(Logger.withMinimumLogLevel(migrate, LogLevel.Warning), () =>
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DROP SCHEMA IF EXISTS ${sql(name)} CASCADE`).pipe(
        Effect.orDie
      )
    )
  )
  return Layer.merge(lifecycle, schema).pipe(Layer.provideMerge(Layer.merge(client, schema)), Layer.orDie)
}
