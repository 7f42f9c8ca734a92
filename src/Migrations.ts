/**
 * Idempotent, additive migrations. Every one runs on every `migrate`, in order, in one
 * transaction, under a lock so two deploys cannot race. Each looks at the schema before it
 * changes anything, so on a database that has its change it issues no DDL at all.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import { integerBetween } from "./config/EnvValues.js"
import { databaseFailure } from "./DatabaseFaults.js"
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

/**
 * A migration statement may take longer than a run's (an index built over the whole table), and
 * another deploy's `migrate` may hold the migration lock meanwhile: both are bounded by this.
 */
const migrationTimeoutMs = integerBetween("DB_MIGRATION_TIMEOUT_MS", 600_000, 1, 86_400_000)

export const migrate = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const timeout = String(yield* migrationTimeoutMs)
  const target = { sql, schema: name, t: catalogTables(sql, name) }
  yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`SELECT set_config('statement_timeout', ${timeout}, true), set_config('lock_timeout', ${timeout}, true)`
      yield* sql`SELECT pg_advisory_xact_lock(hashtext(${`library-identity-consumer:migrate:${name}`}))`
      // A DDL statement queued behind a long transaction would block every reader of its table
      // meanwhile: it waits for a lock no longer than a run's statements do (DB_LOCK_TIMEOUT_MS).
      yield* sql`SET LOCAL lock_timeout TO DEFAULT`
      for (const [id, apply] of migrations) {
        const changed = yield* apply(target)
        yield* Effect.logInfo(changed ? `migration ${id} applied` : `migration ${id} already in place`).pipe(
          Effect.annotateLogs("schema", name)
        )
      }
    })
  )
}).pipe(
  Effect.catchTag("SqlError", (error) => Effect.fail(databaseFailure("applying migrations", error))),
  Effect.withSpan("Migrations.migrate")
)
