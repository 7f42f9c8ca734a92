/**
 * The catalog's PostgreSQL, from `DATABASE_URL` or the `DB_*` set the existing deployment
 * uses. Building the layer connects (`SELECT 1`), so an unreachable database fails at start.
 */
import { PgClient } from "@effect/sql-pg"
import { Config, ConfigError, Effect, Layer, Option, Redacted } from "effect"
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

/** How this job's connections appear in `pg_stat_activity`, e.g. one name per partition. */
const applicationName = Config.string("DB_APPLICATION_NAME").pipe(
  Config.withDefault("library-identity-consumer")
)

export const layerFrom = (settings: DatabaseSettings, application = "library-identity-consumer") =>
  PgClient.layer({
    ...(settings._tag === "Url"
      ? { url: settings.url }
      : {
          host: settings.host,
          port: settings.port,
          database: settings.database,
          username: settings.username,
          ...Option.match(settings.password, { onNone: () => ({}), onSome: (password) => ({ password }) })
        }),
    applicationName: application,
    maxConnections: 4,
    connectTimeout: "10 seconds"
  }).pipe(Layer.mapError((error) => CatalogError.fromCause("connecting to the catalog database", error)))

export const layer = Layer.unwrapEffect(
  Effect.map(Effect.all([databaseSettings, applicationName]), ([settings, application]) =>
    layerFrom(settings, application)
  )
)
