/**
 * The statements that store single-artist verdicts: the `library_identity` main row and one
 * `library_identity_source` row per stored source, each bound as arrays so that a batch costs
 * the same three statements whatever its size.
 *
 * They own only the columns LML's verdict carries. Release-level ids, `agreement_sources`,
 * `boost_sources` and the generated column are never written, and rows whose `method` is
 * `manual` are never overwritten or deleted.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"
import type { LibraryId } from "../domain/LmlWire.js"
import type { Resolution } from "../domain/Verdict.js"

/** Stamped into `notes` so a reader can tell which writer produced a row. */
export const NOTES_TAG = "consumer:lml-bulk"

export const makeIdentityRows = (sql: SqlClient.SqlClient, t: CatalogTables) => {
  /** Upserts the main rows that are not manual; returns the ids it wrote. */
  const upsert = (rs: ReadonlyArray<Resolution>) =>
    Effect.map(
      sql<{ readonly library_id: LibraryId }>`
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
          notes = EXCLUDED.notes
        WHERE li.method <> 'manual'
        RETURNING li.library_id`,
      (rows) => rows.map((row) => row.library_id)
    )

  /** Makes each written library's non-manual source rows exactly its verdict's stored sources. */
  const replaceSources = (rs: ReadonlyArray<Resolution>, written: ReadonlyArray<LibraryId>) => {
    const rows = rs.flatMap((r) => r.sources.map((source) => ({ library_id: r.library_id, ...source })))
    const libraryIds = rows.map((row) => row.library_id)
    const sources = rows.map((row) => row.source)
    return Effect.zipRight(
      sql`
        INSERT INTO ${t.identitySource} AS s (
          library_id, source, external_id, method, confidence, last_verified_at, notes)
        SELECT v.library_id, v.source, v.external_id, v.method, v.confidence, now(), ${NOTES_TAG}
        FROM unnest(
          ${libraryIds}::int[],
          ${sources}::text[],
          ${rows.map((row) => row.external_id)}::text[],
          ${rows.map((row) => row.method)}::text[],
          ${rows.map((row) => row.confidence)}::real[]
        ) AS v(library_id, source, external_id, method, confidence)
        WHERE v.library_id = ANY(${written}::int[])
        ON CONFLICT (library_id, source) DO UPDATE SET
          external_id = EXCLUDED.external_id,
          method = EXCLUDED.method,
          confidence = EXCLUDED.confidence,
          last_verified_at = EXCLUDED.last_verified_at,
          notes = EXCLUDED.notes
        WHERE s.method <> 'manual'`,
      sql`
        DELETE FROM ${t.identitySource} s
        WHERE s.library_id = ANY(${written}::int[])
          AND s.method <> 'manual'
          AND NOT EXISTS (
            SELECT 1 FROM unnest(${libraryIds}::int[], ${sources}::text[]) AS v(library_id, source)
            WHERE v.library_id = s.library_id AND v.source = s.source)`
    )
  }

  return { upsert, replaceSources } as const
}
