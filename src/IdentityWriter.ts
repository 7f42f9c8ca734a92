/**
 * Writes resolved verdicts: the `library_identity` main row and one `library_identity_source`
 * row per stored source, with a constant number of array-bound statements per batch. Each
 * library's write is atomic; a batch that fails as a whole is retried one library per
 * transaction so that only the offending library is lost. Lost connections, deadlocks and
 * serialization failures are retried a few times; if they persist the database is gone and
 * the run must stop, so they fail instead of being charged to libraries.
 *
 * The writer owns only the columns LML's verdict carries. Release-level ids,
 * `agreement_sources`, `boost_sources` and the generated column are never written, and rows
 * whose `method` is `manual` are never overwritten or deleted.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Either } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import type { WriteMode } from "./ConsumerConfig.js"
import { isTransientDatabaseError, retryTransient } from "./DatabaseFaults.js"
import { withIndexOnlyPlans } from "./IndexOnlyPlans.js"
import { CatalogError, causeMessage } from "./domain/Errors.js"
import type { LibraryId } from "./domain/LmlWire.js"
import type { Resolution } from "./domain/Verdict.js"

/** Stamped into `notes` so a reader can tell which writer produced a row. */
export const NOTES_TAG = "consumer:lml-bulk"

export interface WriteFailure {
  readonly library_id: LibraryId
  readonly reason: string
}

export interface WriteOutcome {
  readonly written: number
  /** Libraries whose main row is `manual`: left exactly as they were. */
  readonly manualOverrides: number
  readonly failed: ReadonlyArray<WriteFailure>
  /** The path that actually wrote the batch. */
  readonly mode: WriteMode
}

export class IdentityWriter extends Effect.Service<IdentityWriter>()("IdentityWriter", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema
    const t = catalogTables(sql, schema)

    /** Upserts the main rows that are not manual; returns the ids it wrote. */
    const upsertMainRows = (rs: ReadonlyArray<Resolution>) =>
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
        RETURNING li.library_id`

    /** Makes each written library's non-manual source rows exactly its verdict's stored sources. */
    const replaceSourceRows = (rs: ReadonlyArray<Resolution>, written: ReadonlyArray<LibraryId>) => {
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

    /** The whole set in one transaction: every library in it lands, or none does. */
    const writeAtomically = (rs: ReadonlyArray<Resolution>) =>
      withIndexOnlyPlans(
        sql,
        Effect.gen(function* () {
          const written = (yield* upsertMainRows(rs)).map((row) => row.library_id)
          if (written.length > 0) yield* replaceSourceRows(rs, written)
          return written.length
        })
      ).pipe(retryTransient)

    /** A failure that outlived the retries and is not about the data: the database is gone. */
    const failIfDatabaseLost = (error: SqlError) =>
      isTransientDatabaseError(error)
        ? Effect.fail(CatalogError.fromCause("writing identity rows", error))
        : Effect.void

    const writeOneByOne = (rs: ReadonlyArray<Resolution>) =>
      Effect.gen(function* () {
        let written = 0
        const failed: Array<WriteFailure> = []
        for (const resolution of rs) {
          const outcome = yield* Effect.either(writeAtomically([resolution]))
          if (Either.isRight(outcome)) {
            written += outcome.right
            continue
          }
          yield* failIfDatabaseLost(outcome.left)
          const reason = causeMessage(outcome.left)
          failed.push({ library_id: resolution.library_id, reason })
          yield* Effect.logError("library write failed").pipe(
            Effect.annotateLogs({ library_id: resolution.library_id, reason })
          )
        }
        return {
          written,
          manualOverrides: rs.length - written - failed.length,
          failed,
          mode: "per_library" as const
        }
      })

    const writeBatch = (rs: ReadonlyArray<Resolution>) =>
      Effect.gen(function* () {
        const batch = yield* Effect.either(writeAtomically(rs))
        if (Either.isRight(batch)) {
          return {
            written: batch.right,
            manualOverrides: rs.length - batch.right,
            failed: [],
            mode: "batch" as const
          }
        }
        yield* failIfDatabaseLost(batch.left)
        yield* Effect.logWarning("batch write failed; writing one library per transaction").pipe(
          Effect.annotateLogs({ libraries: rs.length, reason: causeMessage(batch.left) })
        )
        return yield* writeOneByOne(rs)
      })

    const write = Effect.fn("IdentityWriter.write")(function* (
      rs: ReadonlyArray<Resolution>,
      mode: WriteMode
    ) {
      const outcome: WriteOutcome =
        rs.length === 0
          ? { written: 0, manualOverrides: 0, failed: [], mode }
          : yield* mode === "batch" ? writeBatch(rs) : writeOneByOne(rs)
      yield* Effect.annotateCurrentSpan({
        "write.libraries": rs.length,
        "write.rows_written": outcome.written,
        "write.mode": outcome.mode
      })
      return outcome
    })

    return { write } as const
  })
}) {}
