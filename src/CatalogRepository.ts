/**
 * Reads the catalog: which libraries need a fresh identity, in keyset pages, and whether the
 * tables have every column the job reads and writes.
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Chunk, Effect, Option, Schema, Stream } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import type { Partition } from "./ConsumerConfig.js"
import { retryTransient } from "./DatabaseFaults.js"
import { withIndexOnlyPlans } from "./IndexOnlyPlans.js"
import { CatalogError } from "./domain/Errors.js"
import { LibraryId } from "./domain/LmlWire.js"

export class CatalogRow extends Schema.Class<CatalogRow>("CatalogRow")({
  id: LibraryId,
  artist_name: Schema.String,
  album_title: Schema.String
}) {}

export interface Selection {
  readonly staleThresholdDays: number
  readonly partition: Option.Option<Partition>
  readonly pageSize: number
}

/** Every column the job touches; the job never alters the schema, so it checks before it starts. */
const REQUIRED_COLUMNS: Record<string, ReadonlyArray<string>> = {
  library: ["id", "artist_name", "album_title", "canonical_entity_id"],
  library_identity: [
    "library_id",
    "wikidata_qid",
    "spotify_id",
    "apple_music_id",
    "discogs_artist_id",
    "musicbrainz_artist_id",
    "bandcamp_id",
    "method",
    "confidence",
    "last_verified_at",
    "notes"
  ],
  library_identity_source: [
    "library_id",
    "source",
    "external_id",
    "method",
    "confidence",
    "last_verified_at",
    "notes"
  ]
}

export class CatalogRepository extends Effect.Service<CatalogRepository>()("CatalogRepository", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema
    const t = catalogTables(sql, schema)

    /** `afterId` repeats the keyset bound inside the anti-join so the planner can start there. */
    const pendingFilter = (selection: Selection, afterId: number) => {
      const partition = Option.match(selection.partition, {
        onNone: () => sql``,
        onSome: ({ count, index }) => sql`AND l.id % ${count} = ${index}`
      })
      return sql`l.artist_name IS NOT NULL
        AND l.canonical_entity_id IS NOT NULL
        AND NOT EXISTS (
          SELECT 1 FROM ${t.identity} li
          WHERE li.library_id = l.id
            AND li.library_id > ${afterId}
            AND li.last_verified_at >= now() - make_interval(days => ${selection.staleThresholdDays}::int)
        )
        ${partition}`
    }

    const findPage = (selection: Selection) =>
      SqlSchema.findAll({
        Request: Schema.Number,
        Result: CatalogRow,
        execute: (afterId) => sql`
          SELECT l.id, l.artist_name, l.album_title FROM ${t.library} l
          WHERE l.id > ${afterId} AND ${pendingFilter(selection, afterId)}
          ORDER BY l.id
          LIMIT ${selection.pageSize}`
      })

    /** Keyset pages (never OFFSET), pulled only as fast as the pipeline consumes them. */
    const pendingRows = (selection: Selection): Stream.Stream<CatalogRow, CatalogError> => {
      const page = findPage(selection)
      return Stream.paginateChunkEffect(0, (afterId) =>
        withIndexOnlyPlans(sql, page(afterId)).pipe(
          retryTransient,
          Effect.mapError((error) => CatalogError.fromCause("reading pending libraries", error)),
          Effect.map((rows) => {
            const last = rows.at(-1)
            const next =
              rows.length < selection.pageSize || last === undefined ? Option.none() : Option.some(last.id)
            return [Chunk.unsafeFromArray(rows), next] as const
          })
        )
      )
    }

    const countPending = (selection: Selection) =>
      sql<{ readonly pending: number }>`
        SELECT count(*)::int AS pending FROM ${t.library} l WHERE ${pendingFilter(selection, 0)}`.pipe(
        retryTransient,
        Effect.map((rows) => rows[0]?.pending ?? 0),
        Effect.mapError((error) => CatalogError.fromCause("counting pending libraries", error))
      )

    /** Fails naming the first missing table or column and the command that adds it. */
    const verifySchema = Effect.gen(function* () {
      const present = yield* sql<{ readonly table_name: string; readonly column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = ${schema}`
      const have = new Set(present.map((row) => `${row.table_name}.${row.column_name}`))
      for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
        const missing = columns.find((column) => !have.has(`${table}.${column}`))
        if (missing !== undefined) {
          return yield* new CatalogError({
            detail:
              `column ${schema}.${table}.${missing} is missing: ` +
              "run `library-identity-consumer migrate` against this database first"
          })
        }
      }
    }).pipe(
      Effect.catchTag("SqlError", (error) =>
        Effect.fail(CatalogError.fromCause("checking the schema", error))
      )
    )

    return { pendingRows, countPending, verifySchema } as const
  })
}) {}
