/**
 * The job: due catalog rows → batches → LML → validated verdicts → identity rows, no-match
 * markers and track links, folded into one Totals record. A run resolves the V/A cohort to
 * completion first (small batches that ask for per-track credits), then the rest. `run` has no
 * exit codes and no process handling, so the same effect serves the one-shot CLI, a schedule,
 * and any Effect app that mounts it.
 */
import { type Chunk, Clock, Effect, Either, Ref, Stream } from "effect"
import { makeBatchResolver, type BatchAnswer, type Segment } from "./BatchResolver.js"
import { CatalogRepository, type CatalogRow } from "./CatalogRepository.js"
import { ConsumerConfig, type WriteMode } from "./ConsumerConfig.js"
import { type BatchVerdicts, matchResults } from "./domain/BatchVerdicts.js"
import type { LmlFetchError } from "./domain/Errors.js"
import type { BulkResolveInput, LibraryId } from "./domain/LmlWire.js"
import * as Tally from "./domain/Tally.js"
import * as Totals from "./domain/Totals.js"
import type { Writable } from "./domain/Verdict.js"
import { VerdictWriter } from "./VerdictWriter.js"
import { Incidents } from "./Incidents.js"
import { LmlClient } from "./LmlClient.js"
import { Progress } from "./Progress.js"
import { makeRequestPacer, minimumGapMs } from "./RequestPacer.js"
import { RunLock } from "./RunLock.js"

const RETRY_CAP_MS = 30_000

/**
 * Batches written at once. Two keep the database busy while the process decodes the next
 * batch (batches hold disjoint libraries, so their transactions never conflict); the
 * per-library mode stays one at a time, as the algorithm it reproduces was.
 */
const writeConcurrencyFor = (mode: WriteMode) => (mode === "batch" ? 2 : 1)

/**
 * A keyset page holds this many batches: every round trip to PostgreSQL costs the CLI a socket
 * write and a wake-up, a measurable share of its CPU at this job's scale.
 */
const BATCHES_PER_PAGE = 4

/** A batch of one cohort's due rows, numbered across the whole run. */
interface PendingBatch {
  readonly cohort: Totals.Cohort
  readonly index: number
  readonly rows: Chunk.Chunk<CatalogRow>
}

/** A batch after LML has answered (or failed) every part of it, waiting for the writer. */
interface AnsweredBatch extends PendingBatch {
  readonly answer: BatchAnswer
}

interface RecordedBatch {
  readonly cohort: Totals.Cohort
  readonly index: number
  readonly totals: Totals.Totals
  /** No input of the batch got an answer from LML: what the circuit breaker counts. */
  readonly lmlFailedWholly: boolean
}

/**
 * Where the run stands between cohorts: batches so far (the next one's number), and the
 * circuit breaker's count of whole batches in a row LML failed, which carries over.
 */
interface RunPosition {
  readonly batches: number
  readonly failedInARow: number
  readonly breakerOpen: boolean
}

const atStart: RunPosition = { batches: 0, failedInARow: 0, breakerOpen: false }

/** The row was decoded from the catalog against the same types: validating it again would only cost. */
const toInput = (row: CatalogRow): BulkResolveInput => ({
  library_id: row.id,
  artist_name: row.artist_name,
  album_title: row.album_title,
  legacy_release_id: row.legacy_release_id
})

type MatchedSegment = Either.Either<BatchVerdicts, LmlFetchError>

const matchSegment = (segment: Segment): MatchedSegment =>
  Either.map(segment.answer, (envelope) =>
    matchResults(
      segment.inputs.map((input) => input.library_id),
      envelope.results,
      envelope.tracks_contract_version === 1
    )
  )

/** A dry run writes nothing; it predicts that every verdict would land. */
const predictedWrite = (resolved: ReadonlyArray<LibraryId>): Tally.WriteTally => ({
  written: new Set(resolved),
  failed: new Set(),
  locked: new Set(),
  tracks: Totals.noTracks
})

export class Consumer extends Effect.Service<Consumer>()("Consumer", {
  effect: Effect.gen(function* () {
    const config = yield* ConsumerConfig
    const catalog = yield* CatalogRepository
    const writer = yield* VerdictWriter
    const runLock = yield* RunLock
    const writeConcurrency = writeConcurrencyFor(config.writeMode)
    const progress = yield* Progress
    const incidents = yield* Incidents
    const resolveBatch = makeBatchResolver(
      yield* LmlClient,
      { maxRetries: config.lmlMaxRetries, baseMs: config.lmlRetryBaseMs, capMs: RETRY_CAP_MS },
      yield* makeRequestPacer(minimumGapMs(config.throttleMs, config.lmlRatePerMinute))
    )
    const batchSizeOf = (cohort: Totals.Cohort) => (cohort === "va" ? config.vaBatchSize : config.batchSize)

    const askLml = Effect.fn("Consumer.askLml")(function* (batch: PendingBatch) {
      // V/A compilations ask for their per-track credits; the rest have none.
      const answer = yield* resolveBatch(Array.from(batch.rows, toInput), batch.cohort === "va")
      yield* Effect.annotateCurrentSpan({
        "batch.index": batch.index,
        "batch.cohort": batch.cohort,
        "batch.size": batch.rows.length,
        "lml.calls": answer.calls,
        "lml.retries": answer.retries
      })
      return { ...batch, answer } satisfies AnsweredBatch
    })

    /** What the log (and the error tracker) should hear about one segment's answer. */
    const reportSegment = (index: number, inputs: Segment["inputs"], matched: MatchedSegment) =>
      Either.match(matched, {
        onLeft: (error) => {
          const ids = inputs.map((input) => input.library_id)
          return Effect.zipRight(
            incidents.lmlFailed({ batchIndex: index, libraryIds: ids, error }),
            Effect.logError("LML gave no answer; libraries skipped").pipe(
              Effect.annotateLogs({
                batch_index: index,
                libraries: ids.length,
                library_ids: ids.length <= 20 ? ids : [`${ids[0]}..${ids.at(-1)}`],
                status: error.status,
                reason: error.reason,
                error: error.message
              })
            )
          )
        },
        onRight: ({ verdicts, untrusted, missing, strayResults }) =>
          Effect.gen(function* () {
            for (const verdict of verdicts) {
              if (verdict._tag === "Invalid") {
                yield* Effect.logWarning("invalid verdict refused").pipe(
                  Effect.annotateLogs({ library_id: verdict.library_id, reason: verdict.reason })
                )
              }
            }
            if (untrusted.length > 0 || missing.length > 0 || strayResults > 0) {
              yield* Effect.logWarning("LML results do not match the batch's inputs").pipe(
                Effect.annotateLogs({
                  batch_index: index,
                  untrusted_library_ids: untrusted,
                  missing_library_ids: missing,
                  stray_results: strayResults
                })
              )
            }
          })
      })

    /** Writes what the verdicts say (uninterruptible with its Totals: see `recordInto`). */
    const write = (batchIndex: number, verdicts: ReadonlyArray<Writable>) =>
      Effect.gen(function* () {
        const outcome = yield* writer.write(verdicts, config.writeMode)
        yield* Effect.forEach(
          outcome.failed,
          (failure) =>
            incidents.writeFailed({ batchIndex, libraryId: failure.library_id, reason: failure.reason }),
          { discard: true }
        )
        return {
          written: outcome.written,
          failed: new Set(outcome.failed.map((failure) => failure.library_id)),
          locked: new Set(outcome.locked),
          tracks: outcome.tracks
        } satisfies Tally.WriteTally
      })

    const recordBatch = Effect.fn("Consumer.recordBatch")(function* (batch: AnsweredBatch) {
      // One turn of the event loop first: the HTTP client writes the next batch's request on the
      // next turn, and it should be with LML while this batch is matched and written, not after.
      yield* Effect.sleep(0)
      const segments = batch.answer.segments.map((segment) => ({
        inputs: segment.inputs,
        matched: matchSegment(segment)
      }))
      yield* Effect.forEach(segments, (s) => reportSegment(batch.index, s.inputs, s.matched), {
        discard: true
      })
      const answered = segments.flatMap((s) => (Either.isRight(s.matched) ? [s.matched.right] : []))
      const verdicts = answered.flatMap(Tally.writable)
      const outcome = config.dryRun
        ? predictedWrite(answered.flatMap(Tally.resolutions).map((r) => r.library_id))
        : yield* write(batch.index, verdicts)
      const totals = [
        ...segments.map((s) =>
          Either.match(s.matched, {
            onLeft: () => Tally.lmlFailure(s.inputs.length),
            onRight: (matched) => Tally.answered(s.inputs.length, matched)
          })
        ),
        Tally.written(verdicts, outcome),
        Tally.calls(batch.answer)
      ].reduce(Totals.combine, Totals.empty)
      yield* Effect.annotateCurrentSpan({
        "batch.index": batch.index,
        "batch.cohort": batch.cohort,
        "batch.size": batch.rows.length,
        "write.rows_written": totals.rows_resolved,
        "write.track_rows_written": totals.compilation_track_rows_written
      })
      return {
        cohort: batch.cohort,
        index: batch.index,
        totals,
        lmlFailedWholly: segments.every((s) => Either.isLeft(s.matched))
      } satisfies RecordedBatch
    })

    /**
     * Marks the batch after which `maxConsecutiveFailedBatches` batches in a row got nothing from
     * LML, counting on from `failedBefore` (the previous cohort's last batches).
     */
    const circuitBreaker =
      (failedBefore: number) =>
      <E, R>(batches: Stream.Stream<RecordedBatch, E, R>) =>
        batches.pipe(
          Stream.mapAccum(failedBefore, (failedInARow, batch) => {
            const next = batch.lmlFailedWholly ? failedInARow + 1 : 0
            return [
              next,
              { batch, failedInARow: next, open: next >= config.maxConsecutiveFailedBatches }
            ] as const
          }),
          Stream.takeUntil(({ open }) => open),
          Stream.tap(({ open }) =>
            open
              ? Effect.logError(
                  "circuit breaker open: LML failed every batch in a row; stopping the run"
                ).pipe(Effect.annotateLogs("consecutive_failed_batches", config.maxConsecutiveFailedBatches))
              : Effect.void
          )
        )

    /**
     * Runs once, adding each batch's Totals to `sum` as it lands, so a caller that is
     * interrupted or fails can still report what was done.
     */
    const runInto = (sum: Ref.Ref<Totals.RunTotals>) =>
      Effect.gen(function* () {
        yield* catalog.verifySchema
        yield* runLock.hold(config.partition)
        const pending = yield* catalog.countPending(config, config.recheck)
        const total = pending.va + pending.non_va
        yield* progress.started(total)
        const startedAt = yield* Clock.currentTimeMillis
        /**
         * A batch's write and its Totals land together: a write that finishes while the run is
         * being interrupted is still counted.
         */
        const recordInto = (batch: AnsweredBatch) =>
          Effect.uninterruptible(
            Effect.tap(recordBatch(batch), (recorded) =>
              Ref.update(sum, (soFar) => Totals.addToCohort(soFar, recorded.cohort, recorded.totals))
            )
          )
        const reportProgress = (batch: RecordedBatch) =>
          Effect.gen(function* () {
            const run = yield* Ref.get(sum)
            const elapsedMs = (yield* Clock.currentTimeMillis) - startedAt
            yield* progress.batchDone({
              batchIndex: batch.index,
              cohort: batch.cohort,
              total,
              totals: run,
              elapsedMs
            })
          })

        /** One cohort to completion, numbering its batches and counting failures on from `start`. */
        const runCohort = (cohort: Totals.Cohort, start: RunPosition) => {
          const batchSize = batchSizeOf(cohort)
          return Effect.zipRight(
            Effect.logInfo("cohort started").pipe(
              Effect.annotateLogs({ cohort, pending: pending[cohort], batch_size: batchSize })
            ),
            catalog.pendingRows({ ...config, cohort, pageSize: batchSize * BATCHES_PER_PAGE }).pipe(
              // Reads the next page while this one is with LML.
              Stream.bufferChunks({ capacity: 1 }),
              Stream.grouped(batchSize),
              Stream.zipWithIndex,
              Stream.map(([rows, i]): PendingBatch => ({ cohort, index: start.batches + i, rows })),
              Stream.mapEffect(askLml, { concurrency: config.lmlConcurrency }),
              // Lets the next LML calls run while the writer is busy with this batch.
              Stream.buffer({ capacity: config.lmlConcurrency }),
              Stream.mapEffect(recordInto, { concurrency: writeConcurrency }),
              circuitBreaker(start.failedInARow),
              // An open breaker ends the stream with the batch that opened it.
              Stream.runFoldEffect(start, (position, { batch, failedInARow, open }) =>
                Effect.as(reportProgress(batch), {
                  batches: position.batches + 1,
                  failedInARow,
                  breakerOpen: open
                })
              )
            )
          )
        }

        let position = atStart
        for (const cohort of catalog.cohortsFor(config.recheck)) {
          // Nothing was due a moment ago: a page read would only find that out again.
          if (pending[cohort] === 0) continue
          position = yield* runCohort(cohort, position)
          if (position.breakerOpen) break
        }
        yield* progress.finished
        const totals = yield* Ref.get(sum)
        if (totals.compilation_track_rows_written > 0) yield* writer.analyzeTrackRows
        yield* Effect.annotateCurrentSpan(Totals.toSpanAttributes(totals))
        return totals
      }).pipe(
        Effect.scoped,
        Effect.withSpan("library-identity-consumer.run", {
          attributes: {
            "sentry.op": "job.run",
            "consumer.batch_size": config.batchSize,
            "consumer.va_batch_size": config.vaBatchSize,
            "consumer.dry_run": config.dryRun,
            "consumer.write_mode": config.writeMode,
            "consumer.recheck": config.recheck,
            "consumer.include_null_canonical": config.includeNullCanonical,
            "consumer.partition":
              config.partition._tag === "Some"
                ? `${config.partition.value.index}/${config.partition.value.count}`
                : "all"
          }
        })
      )

    const run = Effect.flatMap(Ref.make(Totals.emptyRun), runInto)

    return { run, runInto, settings: config } as const
  })
}) {}
