/**
 * Links a compilation's credited tracks to the catalog's artists, one statement per batch.
 *
 * Librarians own `compilation_track_artist`; LML only proposes. Each proposal (see
 * `TrackCredits`) is taken through these steps, in order, and lands in exactly one of them:
 * - no row has its (library, artist, title): nothing is inserted;
 * - the row was linked by a `librarian`: never changed, and the UPDATE itself re-checks this,
 *   so a librarian's link made while the job runs still wins;
 * - not exactly one `artists` row has the same folded name: the row is left as it is;
 * - otherwise the row gets the artist, the confidence and `lml_backfill`, and its position if
 *   it had none and the credits offered exactly one that fits; a row whose values would not
 *   change is not updated at all (the table's triggers fire for every updated row);
 * - a row that would change but another session holds is left as it is (`SKIP LOCKED`), so a
 *   librarian's edit in progress costs that row, not the library's others or a lock wait.
 */
import type { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"
import type { LibraryId } from "../domain/LmlWire.js"
import { noTracks, type TrackCounts } from "../domain/Totals.js"
import type { CompilationCredits, TrackLink } from "../domain/TrackCredits.js"
import { numberColumn, textColumn } from "./ArrayParams.js"

/** The method this job writes on the rows it links. */
export const LINK_METHOD = "lml_backfill"

const Step = Schema.Literal("no_cta_match", "librarian", "no_catalog_artist", "link")

/** What the statement did with one proposal, in proposal order. */
const LinkResult = Schema.Struct({
  step: Step,
  /** The row's values already equal the proposal's, as the statement's snapshot saw them. */
  unchanged: Schema.Boolean,
  /** It would change, but another session held it. */
  locked: Schema.Boolean,
  position_was_null: Schema.Boolean,
  updated: Schema.Boolean,
  position_filled: Schema.Boolean
})
export type LinkResult = typeof LinkResult.Type
const decodeResults = Schema.decodeUnknown(Schema.Array(LinkResult))

export interface Proposal extends TrackLink {
  readonly library_id: LibraryId
}

export const proposalsOf = (credits: ReadonlyArray<CompilationCredits>): ReadonlyArray<Proposal> =>
  credits.flatMap(({ library_id, links }) => links.map((link) => ({ library_id, ...link })))

/** Whether rule 7 left the row's position NULL because the credits offered too much. */
const positionAmbiguous = (proposal: Proposal, result: LinkResult) =>
  result.step === "link" && result.position_was_null && proposal.positionAmbiguous

/** The track counters for proposals and what the statement did with each (same order). */
export const countLinks = (
  proposals: ReadonlyArray<Proposal>,
  results: ReadonlyArray<LinkResult>
): TrackCounts => {
  const counts = { ...noTracks }
  results.forEach((result, index) => {
    const proposal = proposals[index]
    if (proposal !== undefined && positionAmbiguous(proposal, result)) {
      counts.compilation_track_position_rows_skipped_ambiguous++
    }
    switch (result.step) {
      case "no_cta_match":
        counts.compilation_track_rows_skipped_no_cta_match++
        return
      case "librarian":
        counts.compilation_track_rows_skipped_librarian++
        return
      case "no_catalog_artist":
        counts.compilation_track_rows_skipped_no_catalog_artist++
        return
      case "link":
        if (result.locked) {
          counts.compilation_track_rows_skipped_locked++
        } else if (result.updated) {
          counts.compilation_track_rows_written++
          if (result.position_filled) counts.compilation_track_position_rows_written++
        } else if (result.unchanged) {
          counts.compilation_track_rows_skipped_unchanged++
        } else {
          // The snapshot said it would change, yet the UPDATE's guard kept it: someone else
          // changed the row meanwhile, and only a librarian edits these rows besides this job.
          counts.compilation_track_rows_skipped_librarian++
        }
    }
  })
  return counts
}

/** The proposals whose rows were left without a position for offering several, or one too long. */
export const ambiguousPositions = (
  proposals: ReadonlyArray<Proposal>,
  results: ReadonlyArray<LinkResult>
): ReadonlyArray<Proposal> =>
  proposals.filter((proposal, index) => {
    const result = results[index]
    return result !== undefined && positionAmbiguous(proposal, result)
  })

export const makeTrackLinks = (sql: SqlClient.SqlClient, t: CatalogTables) => {
  /** The four columns this job writes, as the row has them. */
  const current = sql`ROW(c.track_artist_id, c.track_artist_link_confidence, c.track_artist_link_method,
    c.track_position)`

  /** One result per proposal, in the same order. */
  const link = (proposals: ReadonlyArray<Proposal>) =>
    sql`
      WITH proposed AS (
        SELECT * FROM unnest(
          ${numberColumn(proposals, (p) => p.library_id)}::int[],
          ${textColumn(proposals, (p) => p.artist_name)}::text[],
          ${textColumn(proposals, (p) => p.track_title)}::text[],
          ${textColumn(proposals, (p) => p.resolved_artist_name)}::text[],
          ${numberColumn(proposals, (p) => p.confidence)}::real[],
          ${textColumn(proposals, (p) => p.position)}::text[]
        ) WITH ORDINALITY AS p(library_id, artist_name, track_title, resolved_artist_name, confidence,
                               position, ord)
      ),
      planned AS (
        SELECT p.ord, p.confidence, p.position, c.id AS row_id, c.track_position AS current_position,
          a.artist_id,
          CASE WHEN c.id IS NULL THEN 'no_cta_match'
               WHEN c.track_artist_link_method = 'librarian' THEN 'librarian'
               WHEN a.artist_id IS NULL THEN 'no_catalog_artist'
               ELSE 'link' END AS step,
          ${current} IS NOT DISTINCT FROM
            ROW(a.artist_id, p.confidence, ${LINK_METHOD}::text, COALESCE(c.track_position, p.position))
            AS unchanged
        FROM proposed p
        -- A probe of the unique index per proposal (at most one row matches). As a plain join the
        -- planner hashed the whole table for every batch; LIMIT keeps the subquery from being
        -- flattened back into one.
        LEFT JOIN LATERAL (
          SELECT * FROM ${t.trackArtists} cta
          WHERE cta.library_id = p.library_id
            AND cta.artist_name = p.artist_name
            AND cta.track_title IS NOT DISTINCT FROM p.track_title
          LIMIT 1
        ) c ON TRUE
        LEFT JOIN LATERAL (
          SELECT CASE WHEN count(*) = 1 THEN min(candidate.id) END AS artist_id
          FROM (SELECT ar.id FROM ${t.artists} ar
                WHERE ${t.foldArtistName}(ar.artist_name) = ${t.foldArtistName}(p.resolved_artist_name)
                LIMIT 2) candidate
        ) a ON TRUE
      ),
      claimed AS (
        SELECT c.id FROM ${t.trackArtists} c JOIN planned pl ON c.id = pl.row_id
        WHERE pl.step = 'link' AND NOT pl.unchanged
        FOR NO KEY UPDATE OF c SKIP LOCKED
      ),
      updated AS (
        UPDATE ${t.trackArtists} c SET
          track_artist_id = pl.artist_id,
          track_artist_link_confidence = pl.confidence,
          track_artist_link_method = ${LINK_METHOD},
          track_position = COALESCE(c.track_position, pl.position)
        FROM planned pl
        WHERE pl.step = 'link' AND c.id = pl.row_id AND c.id IN (SELECT id FROM claimed)
          AND c.track_artist_link_method IS DISTINCT FROM 'librarian'
          AND ${current} IS DISTINCT FROM
            ROW(pl.artist_id, pl.confidence, ${LINK_METHOD}::text, COALESCE(c.track_position, pl.position))
        RETURNING c.id, c.track_position
      )
      SELECT pl.step, pl.unchanged,
        (pl.step = 'link' AND NOT pl.unchanged AND pl.row_id NOT IN (SELECT id FROM claimed)) AS locked,
        pl.current_position IS NULL AS position_was_null,
        u.id IS NOT NULL AS updated,
        (pl.current_position IS NULL AND u.track_position IS NOT NULL) AS position_filled
      FROM planned pl LEFT JOIN updated u ON u.id = pl.row_id
      ORDER BY pl.ord`.pipe(
      Effect.flatMap((rows) => Effect.orDie(decodeResults(rows))),
      Effect.filterOrDieMessage(
        (results) => results.length === proposals.length,
        "the track-link statement must return one result per proposal"
      )
    )

  return { link } as const
}
