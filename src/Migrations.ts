/**
 * Idempotent, additive migrations. Every one runs on every `migrate` (each is a no-op where
 * its change already exists), in one transaction, under a lock so two deploys cannot race.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import { CatalogError } from "./domain/Errors.js"
import catalogTablesMigration from "./migrations/0001_catalog_tables.js"
import artistIdentityColumns from "./migrations/0002_artist_identity_columns.js"

const migrations = [
  ["0001_catalog_tables", catalogTablesMigration],
  ["0002_artist_identity_columns", artistIdentityColumns]
] as const

export const migrate = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const tables = catalogTables(sql, name)
  yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`SELECT pg_advisory_xact_lock(hashtext(${`library-identity-consumer:migrate:${name}`}))`
      for (const [id, apply] of migrations) {
        yield* apply(sql, tables)
        yield* Effect.logInfo(`migration ${id} applied`).pipe(Effect.annotateLogs("schema", name))
      }
    })
  )
}).pipe(
  Effect.catchTag("SqlError", (error) => Effect.fail(CatalogError.fromCause("applying migrations", error))),
  Effect.withSpan("Migrations.migrate")
)
