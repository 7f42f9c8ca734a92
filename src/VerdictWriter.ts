/**
 * Writes what a batch's verdicts say, atomically per library: single-artist identities (and
 * their no-match markers cleared), no-match markers stamped for "nothing found" and
 * compilations, and compilations' per-track links. A batch costs a constant number of
 * array-bound statements in one transaction; a batch that fails as a whole is written again
 * one library per transaction, so that only the offending library is lost. Lost connections,
 * deadlocks and serialization failures are retried a few times; if they persist the database
 * is gone and the run must stop, so they fail instead of being charged to libraries.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Either } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import type { WriteMode } from "./ConsumerConfig.js"
import { isTransientDatabaseError, retryTransient } from "./DatabaseFaults.js"
import { CatalogError, causeMessage } from "./domain/Errors.js"
import type { LibraryId } from "./domain/LmlWire.js"
import * as Totals from "./domain/Totals.js"
import { libraryIdOf, type Writable } from "./domain/Verdict.js"
import { withIndexOnlyPlans } from "./IndexOnlyPlans.js"
import { makeIdentityRows } from "./VerdictWriter/IdentityRows.js"
import { makeNoMatchMarkers } from "./VerdictWriter/NoMatchMarkers.js"
import {
  ambiguousPositions,
  countLinks,
  type LinkResult,
  makeTrackLinks,
  proposalsOf
} from "./VerdictWriter/TrackLinks.js"

export interface WriteFailure {
  readonly library_id: LibraryId
  readonly reason: string
}

export interface WriteOutcome {
  /** Single-artist libraries whose identity was written; the others' main row is `manual`. */
  readonly written: ReadonlySet<LibraryId>
  /** Libraries whose own write failed: nothing of theirs was written. */
  readonly failed: ReadonlyArray<WriteFailure>
  readonly tracks: Totals.TrackCounts
  /** The path that actually wrote the batch. */
  readonly mode: WriteMode
}

const nothingWritten = (mode: WriteMode): WriteOutcome => ({
  written: new Set(),
  failed: [],
  tracks: Totals.noTracks,
  mode
})

/** The verdicts' statements' inputs, sorted by what each statement needs. */
const byStatement = (verdicts: ReadonlyArray<Writable>) => {
  const credits = verdicts.flatMap((v) => (v._tag === "CompilationWithTracks" ? [v.credits] : []))
  return {
    resolutions: verdicts.flatMap((v) => (v._tag === "Resolved" ? [v.resolution] : [])),
    noMatch: verdicts.flatMap((v) => (v._tag === "Resolved" ? [] : [libraryIdOf(v)])),
    credits,
    proposals: proposalsOf(credits)
  }
}

export class VerdictWriter extends Effect.Service<VerdictWriter>()("VerdictWriter", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema
    const t = catalogTables(sql, schema)
    const identityRows = makeIdentityRows(sql, t)
    const markers = makeNoMatchMarkers(sql, t)
    const trackLinks = makeTrackLinks(sql, t)

    /** The whole set in one transaction: every library in it lands, or none does. */
    const writeAtomically = (verdicts: ReadonlyArray<Writable>) => {
      const { resolutions, noMatch, credits, proposals } = byStatement(verdicts)
      return withIndexOnlyPlans(
        sql,
        Effect.gen(function* () {
          const written = resolutions.length > 0 ? yield* identityRows.upsert(resolutions) : []
          if (written.length > 0) yield* identityRows.replaceSources(resolutions, written)
          // Every single-artist answer clears its marker, even for a row a librarian took over meanwhile.
          if (resolutions.length > 0) yield* markers.clear(resolutions.map((r) => r.library_id))
          if (noMatch.length > 0) yield* markers.stamp(noMatch)
          const links: ReadonlyArray<LinkResult> =
            proposals.length > 0 ? yield* trackLinks.link(proposals) : []
          return { written, links }
        })
      ).pipe(
        retryTransient,
        // Logged once the links are committed, not for a transaction that rolls back.
        Effect.tap(({ links }) =>
          Effect.zipRight(
            Effect.forEach(
              credits.filter((c) => c.confidencesOutOfRange > 0),
              (c) =>
                Effect.logWarning("track confidences outside [0, 1] stored as NULL").pipe(
                  Effect.annotateLogs({ library_id: c.library_id, track_rows: c.confidencesOutOfRange })
                ),
              { discard: true }
            ),
            Effect.forEach(
              ambiguousPositions(proposals, links),
              (p) =>
                Effect.logWarning(
                  "track position left empty: the credits offer several, or one too long"
                ).pipe(
                  Effect.annotateLogs({
                    library_id: p.library_id,
                    artist_name: p.artist_name,
                    track_title: p.track_title,
                    offered_positions: p.offeredPositions
                  })
                ),
              { discard: true }
            )
          )
        ),
        Effect.map(({ written, links }) => ({
          written: new Set(written),
          tracks: countLinks(proposals, links)
        }))
      )
    }

    /** A failure that outlived the retries and is not about the data: the database is gone. */
    const failIfDatabaseLost = (error: SqlError) =>
      isTransientDatabaseError(error)
        ? Effect.fail(CatalogError.fromCause("writing verdicts", error))
        : Effect.void

    const writeOneByOne = (verdicts: ReadonlyArray<Writable>) =>
      Effect.gen(function* () {
        const written = new Set<LibraryId>()
        const failed: Array<WriteFailure> = []
        let tracks = Totals.noTracks
        for (const verdict of verdicts) {
          const outcome = yield* Effect.either(writeAtomically([verdict]))
          if (Either.isRight(outcome)) {
            for (const id of outcome.right.written) written.add(id)
            tracks = Totals.combineTracks(tracks, outcome.right.tracks)
            continue
          }
          yield* failIfDatabaseLost(outcome.left)
          const failure = { library_id: libraryIdOf(verdict), reason: causeMessage(outcome.left) }
          failed.push(failure)
          yield* Effect.logError("library write failed").pipe(Effect.annotateLogs(failure))
        }
        const outcome: WriteOutcome = { written, failed, tracks, mode: "per_library" }
        return outcome
      })

    const writeBatch = (verdicts: ReadonlyArray<Writable>) =>
      Effect.gen(function* () {
        const batch = yield* Effect.either(writeAtomically(verdicts))
        if (Either.isRight(batch)) return { ...batch.right, failed: [], mode: "batch" } satisfies WriteOutcome
        yield* failIfDatabaseLost(batch.left)
        yield* Effect.logWarning("batch write failed; writing one library per transaction").pipe(
          Effect.annotateLogs({ libraries: verdicts.length, reason: causeMessage(batch.left) })
        )
        return yield* writeOneByOne(verdicts)
      })

    const write = Effect.fn("VerdictWriter.write")(function* (
      verdicts: ReadonlyArray<Writable>,
      mode: WriteMode
    ) {
      const outcome =
        verdicts.length === 0
          ? nothingWritten(mode)
          : yield* mode === "batch" ? writeBatch(verdicts) : writeOneByOne(verdicts)
      yield* Effect.annotateCurrentSpan({
        "write.libraries": verdicts.length,
        "write.rows_written": outcome.written.size,
        "write.track_rows_written": outcome.tracks.compilation_track_rows_written,
        "write.mode": outcome.mode
      })
      return outcome
    })

    /** After a run that linked track rows: their statistics, for the catalog's own queries. */
    const analyzeTrackRows = sql`ANALYZE ${t.trackArtists}`.pipe(
      Effect.asVoid,
      Effect.catchAll((error) =>
        Effect.logWarning("ANALYZE of compilation_track_artist failed").pipe(
          Effect.annotateLogs("reason", causeMessage(error))
        )
      )
    )

    return { write, analyzeTrackRows } as const
  })
}) {}
