/**
 * Reads the catalog: which libraries are due (`CatalogSelection`), a cohort at a time in keyset
 * pages, and whether the tables have every column the job reads and writes.
 */
import { SqlClient } from "@effect/sql"
import { Chunk, Effect, Option, Predicate, Schema, Stream } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import { makeSelectionSql, type SelectionRules } from "./CatalogSelection.js"
import type { Recheck } from "./ConsumerConfig.js"
import { databaseFailure, retryTransient } from "./DatabaseFaults.js"
import { functionExists } from "./migrations/Migration.js"
import { CatalogError } from "./domain/Errors.js"
import { LibraryId } from "./domain/LmlWire.js"
import type { Cohort } from "./domain/Totals.js"

/** A plain struct, not a class: decoding a page into instances took twice as long. */
export const CatalogRow = Schema.Struct({
  id: LibraryId,
  artist_name: Schema.String,
  album_title: Schema.String,
  legacy_release_id: Schema.NullOr(Schema.Int)
})
export type CatalogRow = typeof CatalogRow.Type

const decodeRows = Schema.decodeUnknown(Schema.Array(CatalogRow))

/**
 * Whether `row` is a `CatalogRow` as it stands, so that the Schema would decode it to itself
 * (test/unit/catalog-rows.test.ts holds the two together). A run reads every due row, and
 * decoding 2,000 of them through the Schema cost ~2 ms against ~0.03 ms for this.
 */
export const isCatalogRow = (row: unknown): row is CatalogRow =>
  Predicate.isRecord(row) &&
  Number.isSafeInteger(row["id"]) &&
  typeof row["artist_name"] === "string" &&
  typeof row["album_title"] === "string" &&
  (row["legacy_release_id"] === null || Number.isSafeInteger(row["legacy_release_id"]))

/** A page's rows as they are; a page with a row that is not a `CatalogRow` fails with the Schema's error. */
export const decodeCatalogPage = (rows: ReadonlyArray<unknown>) =>
  rows.every(isCatalogRow) ? Effect.succeed(rows) : decodeRows(rows)

/** One cohort's due rows, a page at a time. */
export interface Selection extends SelectionRules {
  readonly cohort: Cohort
  readonly recheck: Recheck
  readonly pageSize: number
}

/** Every column the job touches; the job never alters the schema, so it checks before it starts. */
const REQUIRED_COLUMNS: Record<string, ReadonlyArray<string>> = {
  library: [
    "id",
    "artist_name",
    "album_title",
    "canonical_entity_id",
    "legacy_release_id",
    "code_volume_letters",
    "unresolved_attempted_at"
  ],
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
  ],
  compilation_track_artist: [
    "id",
    "library_id",
    "artist_name",
    "track_title",
    "track_position",
    "track_artist_id",
    "track_artist_link_confidence",
    "track_artist_link_method"
  ],
  artists: ["id", "artist_name"]
}

export class CatalogRepository extends Effect.Service<CatalogRepository>()("CatalogRepository", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema
    const t = catalogTables(sql, schema)

    const select = makeSelectionSql(sql, t)

    const pendingFilter = (selection: Selection, afterId: number) =>
      sql`${select.due(selection, selection.recheck, afterId)}
        AND ${select.inCohort(selection.cohort, afterId)}
        AND ${select.inPartition(selection.partition)}`

    const findPage = (selection: Selection) => (afterId: number) =>
      Effect.flatMap(
        sql`
          SELECT l.id, l.artist_name, l.album_title, l.legacy_release_id FROM ${t.library} l
          WHERE l.id > ${afterId} AND ${pendingFilter(selection, afterId)}
          ORDER BY l.id
          LIMIT ${selection.pageSize}`,
        decodeCatalogPage
      )

    /** Keyset pages (never OFFSET), pulled only as fast as the pipeline consumes them. */
    const pendingRows = (selection: Selection): Stream.Stream<CatalogRow, CatalogError> => {
      const page = findPage(selection)
      return Stream.paginateChunkEffect(0, (afterId) =>
        page(afterId).pipe(
          retryTransient,
          Effect.mapError((error) => databaseFailure("reading pending libraries", error)),
          Effect.map((rows) => {
            const last = rows.at(-1)
            const next =
              rows.length < selection.pageSize || last === undefined ? Option.none() : Option.some(last.id)
            return [Chunk.unsafeFromArray(rows), next] as const
          })
        )
      )
    }

    /**
     * How many rows each cohort will send; a cohort the run skips counts 0. The other cohort is
     * the total less the V/A rows: the planner inlines `va` into each aggregate that names it,
     * and a second one would probe `compilation_track_artist` for every row again (122 → 77 ms
     * at 100,000 rows, all of it before the first batch).
     */
    const countPending = (rules: SelectionRules, recheck: Recheck) =>
      sql<{ readonly va: number; readonly due: number }>`
        SELECT count(*) FILTER (WHERE va)::int AS va, count(*)::int AS due
        FROM (
          SELECT ${select.isVa} AS va FROM ${t.library} l
          WHERE ${select.due(rules, recheck, 0)} AND ${select.inPartition(rules.partition)}
        ) due`.pipe(
        retryTransient,
        Effect.map(([row]) => {
          const va = row?.va ?? 0
          const byCohort = { va, non_va: (row?.due ?? 0) - va }
          const cohorts = select.cohortsFor(recheck)
          const count = (cohort: Cohort) => (cohorts.includes(cohort) ? byCohort[cohort] : 0)
          return { va: count("va"), non_va: count("non_va") }
        }),
        Effect.mapError((error) => databaseFailure("counting pending libraries", error))
      )

    /** Fails naming the first missing table, column or function and the command that adds it. */
    const verifySchema = Effect.gen(function* () {
      const present = yield* sql<{ readonly table_name: string; readonly column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = ${schema}`
      const have = new Set(present.map((row) => `${row.table_name}.${row.column_name}`))
      if (!(yield* functionExists({ sql, schema, t }, "fold_artist_name(text)"))) {
        return yield* new CatalogError({
          detail:
            `function ${schema}.fold_artist_name(text) is missing: ` +
            "run `library-identity-consumer migrate` against this database first"
        })
      }
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
      Effect.catchTag("SqlError", (error) => Effect.fail(databaseFailure("checking the schema", error)))
    )

    return { pendingRows, countPending, verifySchema, cohortsFor: select.cohortsFor } as const
  })
}) {}
