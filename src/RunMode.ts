/**
 * Live or demo. With neither a database nor LML configured (and `EMBEDDED` not `false`), a run
 * is the zero-config demo; with both, it is a real run. With only one, it is a mistake that
 * must never fall into the demo: a config error names the missing variable.
 */
import { Config, ConfigError, Either, Option } from "effect"
import { flag, optionalString } from "./config/EnvValues.js"

export type RunMode = "live" | "demo"

const configured = Config.all({
  embedded: flag("EMBEDDED", true),
  databaseUrl: optionalString("DATABASE_URL"),
  databaseHost: optionalString("DB_HOST"),
  lmlUrl: optionalString("LIBRARY_METADATA_URL")
})

/**
 * For commands that read the catalog and never call LML (`status`): the configured database,
 * or, with none configured, the demo's embedded one.
 */
export const databaseMode: Config.Config<RunMode> = configured.pipe(
  Config.map(({ embedded, databaseUrl, databaseHost }) =>
    !embedded || Option.isSome(databaseUrl) || Option.isSome(databaseHost) ? "live" : "demo"
  )
)

export const runMode: Config.Config<RunMode> = configured.pipe(
  Config.mapOrFail(
    ({ embedded, databaseUrl, databaseHost, lmlUrl }): Either.Either<RunMode, ConfigError.ConfigError> => {
      const hasDatabase = Option.isSome(databaseUrl) || Option.isSome(databaseHost)
      const hasLml = Option.isSome(lmlUrl)
      if (!embedded || (hasDatabase && hasLml)) return Either.right("live")
      if (!hasDatabase && !hasLml) return Either.right("demo")
      return Either.left(
        ConfigError.MissingData(
          [],
          hasDatabase
            ? "LIBRARY_METADATA_URL is not set but the database is: set both for a real run, or neither for the demo"
            : "DATABASE_URL is not set but LIBRARY_METADATA_URL is: set both for a real run, or neither for the demo"
        )
      )
    }
  )
)
