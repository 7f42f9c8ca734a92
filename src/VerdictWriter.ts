/**
 * Writes what a batch's verdicts say, atomically per library: single-artist identities (and
 * their no-match markers cleared), no-match markers stamped for "nothing found" and
 * compilations, and compilations' per-track links. A batch costs a constant number of
 * array-bound statements in one transaction; a batch that fails as a whole is written again
 * one library per transaction, so that only the offending library is lost.
 *
 * Another session's locks cost only the libraries they cover. A batch that waited longer than
 * `DB_LOCK_TIMEOUT_MS` (or `DB_STATEMENT_TIMEOUT_MS`) is written library by library, each
 * transaction first claiming its rows without waiting (`RowClaims`): a library with a row held
 * elsewhere is `locked`, left for the next run. Track rows held elsewhere are skipped by the
 * link statement itself. Lost connections, deadlocks and serialization failures are retried a
 * few times; if they persist the database is gone and the run must stop, so they fail instead
 * of being charged to libraries.
 */
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Data, Effect, Either, Option } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import type { WriteMode } from "./ConsumerConfig.js"
import {
  databaseFailure,
  isLockWait,
  isLockWaitOrTimeout,
  isTransientDatabaseError,
  retryTransient
} from "./DatabaseFaults.js"
import { causeMessage } from "./domain/Errors.js"
import type { LibraryId } from "./domain/LmlWire.js"
import * as Totals from "./domain/Totals.js"
import { libraryIdOf, type Writable } from "./domain/Verdict.js"
import { makeRowClaims } from "./VerdictWriter/RowClaims.js"
import {
  ambiguousPositions,
  countLinks,
  type LinkResult,
  makeTrackLinks,
  proposalsOf
} from "./VerdictWriter/TrackLinks.js"
import { makeVerdictRows } from "./VerdictWriter/VerdictRows.js"

export interface WriteFailure {
  readonly library_id: LibraryId
  readonly reason: string
}

export interface WriteOutcome {
  /** Single-artist libraries whose identity was written; the others' main row is `manual`. */
  readonly written: ReadonlySet<LibraryId>
  /** Libraries whose own write failed: nothing of theirs was written. */
  readonly failed: ReadonlyArray<WriteFailure>
  /** Libraries whose rows another session held: nothing of theirs was written. */
  readonly locked: ReadonlyArray<LibraryId>
  readonly tracks: Totals.TrackCounts
  /** The path that actually wrote the batch. */
  readonly mode: WriteMode
}

const nothingWritten = (mode: WriteMode): WriteOutcome => ({
  written: new Set(),
  failed: [],
  locked: [],
  tracks: Totals.noTracks,
  mode
})

/** A library's own transaction found a row it must change held by another session. */
class RowsLocked extends Data.TaggedError("RowsLocked") {}

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
type ByStatement = ReturnType<typeof byStatement>

export class VerdictWriter extends Effect.Service<VerdictWriter>()("VerdictWriter", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema
    const t = catalogTables(sql, schema)
    const verdictRows = makeVerdictRows(sql, t)
    const trackLinks = makeTrackLinks(sql, t)
    const rowClaims = makeRowClaims(sql, t)
    /**
     * The SQL client turns a failed COMMIT (a connection lost mid-transaction) into a defect; it
     * is a failure here, so it is retried like any other lost connection (every statement is
     * idempotent).
     */
    const inTransaction = <A, E, R>(statements: Effect.Effect<A, E, R>) =>
      sql
        .withTransaction(statements)
        .pipe(
          Effect.catchSomeDefect((defect) =>
            defect instanceof SqlError ? Option.some(Effect.fail(defect)) : Option.none()
          )
        )

    /** The verdicts' statements, in the current transaction. */
    const statements = ({ resolutions, noMatch, proposals }: ByStatement) =>
      Effect.gen(function* () {
        const written = yield* verdictRows.store(resolutions, noMatch)
        const links: ReadonlyArray<LinkResult> = proposals.length > 0 ? yield* trackLinks.link(proposals) : []
        return { written, links }
      })

    /** Logged once the links are committed, not for a transaction that rolls back. */
    const logTrackWarnings = ({ credits, proposals }: ByStatement, links: ReadonlyArray<LinkResult>) =>
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
            Effect.logWarning("track position left empty: the credits offer several, or one too long").pipe(
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

    /** What a committed transaction wrote, its warnings logged. */
    const committed =
      (parts: ByStatement) =>
      ({ written, links }: { written: ReadonlyArray<LibraryId>; links: ReadonlyArray<LinkResult> }) =>
        Effect.as(logTrackWarnings(parts, links), {
          written: new Set(written),
          tracks: countLinks(parts.proposals, links)
        })

    /**
     * The whole batch in one transaction: every library in it lands, or none does. A lock wait
     * is not retried: the libraries are written one by one instead, where it costs only theirs.
     */
    const writeAll = (verdicts: ReadonlyArray<Writable>) => {
      const parts = byStatement(verdicts)
      return retryTransient(
        inTransaction(statements(parts)),
        (error) => isTransientDatabaseError(error) && !isLockWaitOrTimeout(error)
      ).pipe(Effect.flatMap(committed(parts)))
    }

    /**
     * One library in its own transaction, its rows claimed first. A lock wait after the claim
     * (a row another session is inserting, which no claim can see) makes it `RowsLocked` too;
     * a wait in the claim itself is on a table, and fails like any lost database.
     */
    const writeOne = (verdict: Writable) => {
      const parts = byStatement([verdict])
      return retryTransient(
        inTransaction(
          Effect.gen(function* () {
            if (!(yield* rowClaims.claim(verdict))) return yield* new RowsLocked()
            return yield* statements(parts).pipe(
              Effect.catchIf(isLockWait, () => Effect.fail(new RowsLocked()))
            )
          })
        )
      ).pipe(Effect.flatMap(committed(parts)))
    }

    /** A failure that outlived the retries and is not about the data: the database is gone. */
    const failIfDatabaseLost = (error: SqlError) =>
      isTransientDatabaseError(error) ? Effect.fail(databaseFailure("writing verdicts", error)) : Effect.void

    const writeOneByOne = (verdicts: ReadonlyArray<Writable>) =>
      Effect.gen(function* () {
        const written = new Set<LibraryId>()
        const failed: Array<WriteFailure> = []
        const locked: Array<LibraryId> = []
        let tracks = Totals.noTracks
        for (const verdict of verdicts) {
          const outcome = yield* Effect.either(writeOne(verdict))
          if (Either.isRight(outcome)) {
            for (const id of outcome.right.written) written.add(id)
            tracks = Totals.combineTracks(tracks, outcome.right.tracks)
          } else if (outcome.left._tag === "RowsLocked") {
            locked.push(libraryIdOf(verdict))
          } else {
            yield* failIfDatabaseLost(outcome.left)
            const failure = { library_id: libraryIdOf(verdict), reason: causeMessage(outcome.left) }
            failed.push(failure)
            yield* Effect.logError("library write failed").pipe(Effect.annotateLogs(failure))
          }
        }
        if (locked.length > 0) {
          yield* Effect.logWarning(
            "libraries whose rows another session holds were not written; the next run retries them"
          ).pipe(Effect.annotateLogs({ locked: locked.length, library_ids: locked }))
        }
        const outcome: WriteOutcome = { written, failed, locked, tracks, mode: "per_library" }
        return outcome
      })

    const writeBatch = (verdicts: ReadonlyArray<Writable>) =>
      Effect.gen(function* () {
        const batch = yield* Effect.either(writeAll(verdicts))
        if (Either.isRight(batch)) {
          return { ...batch.right, failed: [], locked: [], mode: "batch" } satisfies WriteOutcome
        }
        if (!isLockWaitOrTimeout(batch.left)) yield* failIfDatabaseLost(batch.left)
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
        "write.rows_locked": outcome.locked.length,
        "write.track_rows_written": outcome.tracks.compilation_track_rows_written,
        "write.mode": outcome.mode
      })
      return outcome
    })

    /**
     * After a run that linked track rows: their statistics, for the catalog's own queries. Only
     * the table's owner may analyse it, and PostgreSQL merely warns anyone else, so a job that
     * runs under a role of its own says so itself.
     */
    const analyzeTrackRows = Effect.gen(function* () {
      const [owner] = yield* sql<{ readonly owns: boolean }>`
        SELECT pg_has_role(relowner, 'USAGE') AS owns FROM pg_class
        WHERE oid = to_regclass(format('%I.%I', ${schema}::text, 'compilation_track_artist'))`
      if (owner?.owns !== true) {
        return yield* Effect.logWarning(
          "ANALYZE of compilation_track_artist skipped: this role does not own the table; its owner's autovacuum will"
        )
      }
      yield* sql`ANALYZE ${t.trackArtists}`
    }).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("ANALYZE of compilation_track_artist failed").pipe(
          Effect.annotateLogs("reason", causeMessage(error))
        )
      )
    )

    return { write, analyzeTrackRows } as const
  })
}) {}
