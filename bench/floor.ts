/**
 * The database's own cost for W1's writes: the same verdict rows the app stores, computed
 * in-process from the same pure composer the simulated LML serves and validated by the app's
 * own `toVerdict`, then written into freshly seeded tables by exactly two statements, one
 * upsert per table straight from `unnest` arrays. No HTTP, no app, no manual-row guard, no
 * delete: what is left is what the database must do anyway.
 */
import type { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { catalogTables } from "../src/CatalogSchema.js"
import { LibraryId } from "../src/domain/LmlWire.js"
import { type Resolution, toVerdict } from "../src/domain/Verdict.js"
import { NOTES_TAG } from "../src/VerdictWriter/VerdictRows.js"
import { composeResult } from "../src/simulator/compose.js"
import { syntheticStore } from "../src/simulator/EntityStore.js"
import { withSql } from "./db.js"
import { seedCatalog } from "./seed.js"

export interface FloorResult {
  readonly n: number
  readonly mainRows: number
  readonly sourceRows: number
  readonly mainMs: number
  readonly sourceMs: number
  readonly totalMs: number
}

/** What LML would answer for each row, as the app's validated resolutions. */
const resolutionsFor = (
  rows: ReadonlyArray<{ readonly id: number; readonly artist_name: string }>
): ReadonlyArray<Resolution> => {
  const store = syntheticStore()
  return rows.flatMap((row) => {
    const libraryId = LibraryId.make(row.id)
    const verdict = toVerdict(
      libraryId,
      composeResult(store, { library_id: row.id, artist_name: row.artist_name })
    )
    if (verdict._tag === "Invalid") throw new Error(`floor: invalid verdict for ${row.id}: ${verdict.reason}`)
    return verdict._tag === "Resolved" ? [verdict.resolution] : []
  })
}

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.timed(effect), ([elapsed]) => Duration.toMillis(elapsed))

const writeFloor = (sql: SqlClient.SqlClient, schema: string, rs: ReadonlyArray<Resolution>) => {
  const t = catalogTables(sql, schema)
  const sources = rs.flatMap((r) => r.sources.map((source) => ({ library_id: r.library_id, ...source })))
  const mainStatement = sql`
    INSERT INTO ${t.identity} AS li (
      library_id, discogs_artist_id, musicbrainz_artist_id, wikidata_qid, spotify_id,
      apple_music_id, bandcamp_id, method, confidence, last_verified_at, notes)
    SELECT v.library_id, v.discogs_artist_id, v.musicbrainz_artist_id, v.wikidata_qid, v.spotify_id,
      v.apple_music_id, v.bandcamp_id, v.method, v.confidence, now(), ${NOTES_TAG}
    FROM unnest(
      ${rs.map((r) => r.library_id)}::int[],
      ${rs.map((r) => r.main.discogs_artist_id)}::int[],
      ${rs.map((r) => r.main.musicbrainz_artist_id)}::text[],
      ${rs.map((r) => r.main.wikidata_qid)}::text[],
      ${rs.map((r) => r.main.spotify_artist_id)}::text[],
      ${rs.map((r) => r.main.apple_music_artist_id)}::text[],
      ${rs.map((r) => r.main.bandcamp_id)}::text[],
      ${rs.map((r) => r.method)}::text[],
      ${rs.map((r) => r.confidence)}::real[]
    ) AS v(library_id, discogs_artist_id, musicbrainz_artist_id, wikidata_qid, spotify_id,
           apple_music_id, bandcamp_id, method, confidence)
    ON CONFLICT (library_id) DO UPDATE SET
      discogs_artist_id = EXCLUDED.discogs_artist_id,
      musicbrainz_artist_id = EXCLUDED.musicbrainz_artist_id,
      wikidata_qid = EXCLUDED.wikidata_qid,
      spotify_id = EXCLUDED.spotify_id,
      apple_music_id = EXCLUDED.apple_music_id,
      bandcamp_id = EXCLUDED.bandcamp_id,
      method = EXCLUDED.method,
      confidence = EXCLUDED.confidence,
      last_verified_at = EXCLUDED.last_verified_at,
      notes = EXCLUDED.notes`
  const sourceStatement = sql`
    INSERT INTO ${t.identitySource} AS s (
      library_id, source, external_id, method, confidence, last_verified_at, notes)
    SELECT v.library_id, v.source, v.external_id, v.method, v.confidence, now(), ${NOTES_TAG}
    FROM unnest(
      ${sources.map((row) => row.library_id)}::int[],
      ${sources.map((row) => row.source)}::text[],
      ${sources.map((row) => row.external_id)}::text[],
      ${sources.map((row) => row.method)}::text[],
      ${sources.map((row) => row.confidence)}::real[]
    ) AS v(library_id, source, external_id, method, confidence)
    ON CONFLICT (library_id, source) DO UPDATE SET
      external_id = EXCLUDED.external_id,
      method = EXCLUDED.method,
      confidence = EXCLUDED.confidence,
      last_verified_at = EXCLUDED.last_verified_at,
      notes = EXCLUDED.notes`
  return Effect.map(Effect.all([timed(mainStatement), timed(sourceStatement)]), ([mainMs, sourceMs]) => ({
    mainRows: rs.length,
    sourceRows: sources.length,
    mainMs,
    sourceMs
  }))
}

/** Seeds `schema` with `n` libraries and times the two floor statements into it. */
export const measureFloor = async (schema: string, n: number): Promise<FloorResult> => {
  await seedCatalog(schema, n)
  const rows = await withSql((sql) => {
    const t = catalogTables(sql, schema)
    return sql<{ readonly id: number; readonly artist_name: string }>`
      SELECT id, artist_name FROM ${t.library} ORDER BY id`
  })
  const resolutions = resolutionsFor(rows)
  const written = await withSql((sql) => writeFloor(sql, schema, resolutions))
  return { n, ...written, totalMs: written.mainMs + written.sourceMs }
}

const MAIN_COLUMNS =
  "library_id, discogs_artist_id, musicbrainz_artist_id, wikidata_qid, spotify_id, apple_music_id, " +
  "bandcamp_id, method, confidence, notes"
const SOURCE_COLUMNS = "library_id, source, external_id, method, confidence, notes"

/**
 * Rows in one schema's table and not the other's, both ways, for both identity tables:
 * 0 and 0 means the floor wrote exactly what the app wrote (`last_verified_at` aside).
 */
export const compareWithApp = (floorSchema: string, appSchema: string) =>
  withSql((sql) => {
    const difference = (table: string, columns: string) => {
      const cols = sql.literal(columns)
      const a = sql(`${floorSchema}.${table}`)
      const b = sql(`${appSchema}.${table}`)
      return Effect.map(
        sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM (
          (SELECT ${cols} FROM ${a} EXCEPT ALL SELECT ${cols} FROM ${b})
          UNION ALL
          (SELECT ${cols} FROM ${b} EXCEPT ALL SELECT ${cols} FROM ${a})) d`,
        (rows) => rows[0]?.n ?? 0
      )
    }
    return Effect.all({
      main: difference("library_identity", MAIN_COLUMNS),
      sources: difference("library_identity_source", SOURCE_COLUMNS)
    })
  })
