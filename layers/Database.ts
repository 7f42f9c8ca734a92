/**
 * The catalog's PostgreSQL, from `DATABASE_URL` or the `DB_*` set the existing deployment
 * uses. Building the layer connects (`SELECT 1`), so an unreachable database fails at start.
 *
 * Every wait on the database is bounded, on every session the pool opens (the run lock's
 * included): a lock another session holds by `DB_LOCK_TIMEOUT_MS`, any statement by
 * `DB_STATEMENT_TIMEOUT_MS`, and a connection, new or from the pool, by `DB_CONNECT_TIMEOUT_MS`.
 * They travel as startup parameters, so they hold from a session's first statement.
 */
import { PgClient } from "@effect/sql-pg"
import { SqlError } from "@effect/sql/SqlError"
import { Config, ConfigError, Effect, Either, Layer, Option, Redacted } from "effect"
import Pg from "pg"
import { integerBetween, optionalString, required } from "../src/config/EnvValues.js"
import { CatalogError } from "../src/domain/Errors.js"

export type DatabaseSettings =
  | { readonly _tag: "Url"; readonly url: Redacted.Redacted }
  | {
      readonly _tag: "Fields"
      readonly host: string
      readonly port: number
      readonly database: string
      readonly username: string
      readonly password: Option.Option<Redacted.Redacted>
    }

const fields = Config.all({
  host: required("DB_HOST", "the catalog database host"),
  port: integerBetween("DB_PORT", 5432, 1, 65_535),
  database: required("DB_NAME", "the catalog database name (DB_HOST is set)"),
  username: required("DB_USERNAME", "the database user (DB_HOST is set)"),
  password: Config.option(Config.redacted("DB_PASSWORD"))
}).pipe(Config.map((settings): DatabaseSettings => ({ _tag: "Fields", ...settings })))

export const databaseSettings = Effect.gen(function* () {
  const url = yield* Config.option(Config.redacted("DATABASE_URL"))
  if (Option.isSome(url) && Redacted.value(url.value).trim() !== "") {
    return { _tag: "Url", url: url.value } satisfies DatabaseSettings
  }
  if (Option.isNone(yield* optionalString("DB_HOST"))) {
    return yield* Effect.fail(
      ConfigError.MissingData(
        [],
        "DATABASE_URL is not set (nor DB_HOST): set DATABASE_URL, or DB_HOST, DB_PORT, DB_NAME, DB_USERNAME and DB_PASSWORD, to the catalog database"
      )
    )
  }
  return yield* fields
})

export interface SessionLimits {
  /** `lock_timeout`: how long a statement waits for a row or table another session holds. */
  readonly lockTimeoutMs: number
  /** `statement_timeout`: how long any one statement may run, waits included. */
  readonly statementTimeoutMs: number
  /** How long opening a connection, or waiting for a free one in the pool, may take. */
  readonly connectTimeoutMs: number
}

/**
 * The slowest statement of the benchmark's 1M-row run (the pending count, a full scan) took
 * 1.3 s, and `status` takes about 3 s there (docs/BENCHMARKS.md): a minute leaves a wide margin,
 * and still ends a statement that has gone wrong long before the night is over.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000

export const sessionLimits: Config.Config<SessionLimits> = Config.all({
  lockTimeoutMs: integerBetween("DB_LOCK_TIMEOUT_MS", 5_000, 1, 600_000),
  statementTimeoutMs: integerBetween("DB_STATEMENT_TIMEOUT_MS", DEFAULT_STATEMENT_TIMEOUT_MS, 1, 86_400_000),
  connectTimeoutMs: integerBetween("DB_CONNECT_TIMEOUT_MS", 10_000, 1, 600_000)
}).pipe(
  // A lock wait must end as a lock wait (55P03), which the writer tells apart from a slow statement.
  Config.mapOrFail((limits) =>
    limits.lockTimeoutMs < limits.statementTimeoutMs
      ? Either.right(limits)
      : Either.left(
          ConfigError.InvalidData(
            [],
            `DB_LOCK_TIMEOUT_MS=${limits.lockTimeoutMs} is invalid: it must be below DB_STATEMENT_TIMEOUT_MS=${limits.statementTimeoutMs}`
          )
        )
  )
)

/**
 * JIT compiling a keyset page or a batch write costs more than running it (measured: W1 took
 * 15 s instead of 7.5 s with it), and no statement of this job runs long enough to gain from it.
 */
const SESSION_OPTIONS = "-c jit=off"

/** How this job's connections appear in `pg_stat_activity`, e.g. one name per partition. */
const applicationName = Config.string("DB_APPLICATION_NAME").pipe(
  Config.withDefault("library-identity-consumer")
)

export interface PoolOptions {
  readonly application: string
  readonly poolSize: number
  readonly limits: SessionLimits
}

const connectionConfig = (settings: DatabaseSettings): Pg.PoolConfig =>
  settings._tag === "Url"
    ? { connectionString: Redacted.value(settings.url) }
    : {
        host: settings.host,
        port: settings.port,
        database: settings.database,
        user: settings.username,
        password: Option.match(settings.password, { onNone: () => undefined, onSome: Redacted.value })
      }

/** A pool whose sessions carry `limits`, checked with `SELECT 1` before it is handed out. */
const openPool = (settings: DatabaseSettings, options: PoolOptions) =>
  Effect.acquireRelease(
    Effect.sync(
      () =>
        new Pg.Pool({
          ...connectionConfig(settings),
          application_name: options.application,
          max: options.poolSize,
          connectionTimeoutMillis: options.limits.connectTimeoutMs,
          lock_timeout: options.limits.lockTimeoutMs,
          statement_timeout: options.limits.statementTimeoutMs,
          // A URL's own `options` would replace these (pg lets the URL win): it keeps them instead.
          ...(settings._tag === "Url" && /[?&]options=/.test(Redacted.value(settings.url))
            ? {}
            : { options: SESSION_OPTIONS })
        })
    ),
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption("1 second"))
  ).pipe(
    // An idle connection the server drops is replaced on next use; it must not crash the process.
    Effect.tap((pool) => Effect.sync(() => pool.on("error", () => {}))),
    // Bounded by the pool's own `connectionTimeoutMillis`, like every later connection.
    Effect.tap((pool) =>
      Effect.tryPromise({
        try: () => pool.query("SELECT 1"),
        catch: (cause) => new SqlError({ cause, message: "could not connect" })
      })
    )
  )

/** `SqlClient`/`PgClient` over a pool of `options.poolSize` bounded sessions. */
export const clientLayer = (settings: DatabaseSettings, options: PoolOptions) =>
  PgClient.layerFromPool({ acquire: openPool(settings, options), applicationName: options.application })

export const layerFrom = (settings: DatabaseSettings, application: string, limits: SessionLimits) =>
  clientLayer(settings, { application, poolSize: 4, limits }).pipe(
    Layer.mapError((error) => CatalogError.fromCause("connecting to the catalog database", error))
  )

export const layer = Layer.unwrapEffect(
  Effect.map(
    Effect.all([databaseSettings, applicationName, sessionLimits]),
    ([settings, application, limits]) => layerFrom(settings, application, limits)
  )
)
