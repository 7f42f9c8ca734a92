/**
 * A real PostgreSQL for tests: a fresh schema per layer (so test files run in parallel without
 * seeing each other), migrated on acquire and dropped on release.
 */
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql"
import { Config, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { migrate } from "../src/Migrations.js"

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"

export const testDatabaseUrl = Config.string("TEST_DATABASE_URL").pipe(
  Config.withDefault(DEFAULT_TEST_DATABASE_URL)
)

const uniqueSchemaName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`

export const client = Layer.unwrapEffect(
  Effect.map(testDatabaseUrl, (url) => PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }))
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
