/**
 * The one statement that stores a batch's verdicts, track links aside: each single-artist
 * identity (the `library_identity` main row and one `library_identity_source` row per stored
 * source) with its no-match marker cleared, and the marker stamped for every other verdict.
 * Everything is bound as arrays (`ArrayParams`), so a batch costs one statement, one round trip,
 * whatever its size; its parts are data-modifying CTEs over disjoint rows. Rows of the big tables
 * are found by `= ANY(ARRAY(…))`, an index probe per id: as a join (`IN (SELECT …)`) the planner
 * may instead merge against a whole index, on every batch (measured: W3 took twice as long).
 *
 * It owns only the columns LML's verdict carries. Release-level ids, `agreement_sources`,
 * `boost_sources` and the generated column are never written, and rows whose `method` is
 * `manual` are never overwritten or deleted. `library` carries triggers that fire for every
 * updated row, so the marker is only updated where it changes, and no other column is touched.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"
import type { LibraryId } from "../domain/LmlWire.js"
import type { Resolution } from "../domain/Verdict.js"
import { numberColumn, textColumn } from "./ArrayParams.js"

/** Stamped into `notes` so a reader can tell which writer produced a row. */
export const NOTES_TAG = "consumer:lml-bulk"

export const makeVerdictRows = (sql: SqlClient.SqlClient, t: CatalogTables) => {
  /**
   * Stores `rs` and stamps the marker of `noMatch` (LML found nothing, or a compilation), by the
   * database's clock. Returns the ids whose identity was written: the others' main row is manual.
   */
  const store = (rs: ReadonlyArray<Resolution>, noMatch: ReadonlyArray<LibraryId>) => {
    const sources = rs.flatMap((r) => r.sources.map((source) => ({ library_id: r.library_id, source })))
    return Effect.map(
      sql<{ readonly library_id: LibraryId }>`
        WITH resolved AS (
          SELECT * FROM unnest(
            ${numberColumn(rs, (r) => r.library_id)}::int[],
            ${numberColumn(rs, (r) => r.main.discogs_artist_id)}::int[],
            ${textColumn(rs, (r) => r.main.musicbrainz_artist_id)}::text[],
            ${textColumn(rs, (r) => r.main.wikidata_qid)}::text[],
            ${textColumn(rs, (r) => r.main.spotify_artist_id)}::text[],
            ${textColumn(rs, (r) => r.main.apple_music_artist_id)}::text[],
            ${textColumn(rs, (r) => r.main.bandcamp_id)}::text[],
            ${textColumn(rs, (r) => r.method)}::text[],
            ${numberColumn(rs, (r) => r.confidence)}::real[]
          ) AS v(library_id, discogs_artist_id, musicbrainz_artist_id, wikidata_qid, spotify_id,
                 apple_music_id, bandcamp_id, method, confidence)
        ),
        written AS (
          INSERT INTO ${t.identity} AS li (
            library_id, discogs_artist_id, musicbrainz_artist_id, wikidata_qid, spotify_id,
            apple_music_id, bandcamp_id, method, confidence, last_verified_at, notes)
          SELECT v.library_id, v.discogs_artist_id, v.musicbrainz_artist_id, v.wikidata_qid, v.spotify_id,
            v.apple_music_id, v.bandcamp_id, v.method, v.confidence, now(), ${NOTES_TAG}
          FROM resolved v
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
          RETURNING li.library_id
        ),
        -- Each written library's non-manual source rows become exactly its verdict's stored sources.
        verdict_sources AS (
          SELECT * FROM unnest(
            ${numberColumn(sources, (s) => s.library_id)}::int[],
            ${textColumn(sources, (s) => s.source.source)}::text[],
            ${textColumn(sources, (s) => s.source.external_id)}::text[],
            ${textColumn(sources, (s) => s.source.method)}::text[],
            ${numberColumn(sources, (s) => s.source.confidence)}::real[]
          ) AS v(library_id, source, external_id, method, confidence)
          WHERE v.library_id IN (SELECT library_id FROM written)
        ),
        sources_stored AS (
          INSERT INTO ${t.identitySource} AS s (
            library_id, source, external_id, method, confidence, last_verified_at, notes)
          SELECT v.library_id, v.source, v.external_id, v.method, v.confidence, now(), ${NOTES_TAG}
          FROM verdict_sources v
          ON CONFLICT (library_id, source) DO UPDATE SET
            external_id = EXCLUDED.external_id,
            method = EXCLUDED.method,
            confidence = EXCLUDED.confidence,
            last_verified_at = EXCLUDED.last_verified_at,
            notes = EXCLUDED.notes
          WHERE s.method <> 'manual'
        ),
        sources_dropped AS (
          DELETE FROM ${t.identitySource} s
          WHERE s.library_id = ANY(ARRAY(SELECT library_id FROM written))
            AND s.method <> 'manual'
            AND NOT EXISTS (
              SELECT 1 FROM verdict_sources v WHERE v.library_id = s.library_id AND v.source = s.source)
        ),
        -- Every single-artist answer clears its marker, even for a row a librarian took over meanwhile.
        markers_cleared AS (
          UPDATE ${t.library} SET unresolved_attempted_at = NULL
          WHERE id = ANY(ARRAY(SELECT library_id FROM resolved)) AND unresolved_attempted_at IS NOT NULL
        ),
        markers_stamped AS (
          UPDATE ${t.library} SET unresolved_attempted_at = now()
          WHERE id = ANY(${numberColumn(noMatch, (id) => id)}::int[])
            AND unresolved_attempted_at IS DISTINCT FROM now()
        )
        -- The few ids a librarian's row kept from being written, not the many written: each row
        -- returned costs the job more than it costs the database.
        SELECT v.library_id FROM resolved v
        WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.library_id = v.library_id)`,
      (rows) => {
        const manual = new Set(rows.map((row) => row.library_id))
        return rs.map((r) => r.library_id).filter((id) => !manual.has(id))
      }
    )
  }

  return { store } as const
}
