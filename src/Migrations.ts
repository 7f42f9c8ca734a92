/**
 * Idempotent, additive migrations. Every one runs on every `migrate`, in order, in one
 * transaction, under a lock so two deploys cannot race. Each looks at the schema before it
 * changes anything, so on a database that has its change it issues no DDL at all.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import { CatalogError } from "./domain/Errors.js"
import catalogTablesMigration from "./migrations/0001_catalog_tables.js"
import artistIdentityColumns from "./migrations/0002_artist_identity_columns.js"
import auditIndexName from "./migrations/0003_audit_index_name.js"
import libraryColumns from "./migrations/0004_library_columns.js"
import foldArtistName from "./migrations/0005_fold_artist_name.js"
import artists from "./migrations/0006_artists.js"
import compilationTrackArtist from "./migrations/0007_compilation_track_artist.js"

const migrations = [
  ["0001_catalog_tables", catalogTablesMigration],
  ["0002_artist_identity_columns", artistIdentityColumns],
  ["0003_audit_index_name", auditIndexName],
  ["0004_library_columns", libraryColumns],
  ["0005_fold_artist_name", foldArtistName],
  ["0006_artists", artists],
  ["0007_compilation_track_artist", compilationTrackArtist]
] as const

export const migrate = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const target = { sql, schema: name, t: catalogTables(sql, name) }
  yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`SELECT pg_advisory_xact_lock(hashtext(${`library-identity-consumer:migrate:${name}`}))`
      for (const [id, apply] of migrations) {
        const changed = yield* apply(target)
        yield* Effect.logInfo(changed ? `migration ${id} applied` : `migration ${id} already in place`).pipe(
          Effect.annotateLogs("schema", name)
        )
      }
    })
  )
}).pipe(
  Effect.catchTag("SqlError", (error) => Effect.fail(CatalogError.fromCause("applying migrations", error))),
  Effect.withSpan("Migrations.migrate")
)
