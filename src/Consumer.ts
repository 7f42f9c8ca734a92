/**
 * The job: pending catalog rows → batches → LML → validated verdicts → identity rows, folded
 * into one Totals record. `run` has no exit codes and no process handling, so the same
 * effect serves the one-shot CLI, a schedule, and any Effect app that mounts it.
 */
import { type Chunk, Clock, Effect, Either, Ref, Stream } from "effect"
import { makeBatchResolver, type BatchAnswer, type Segment } from "./BatchResolver.js"
import { CatalogRepository, type CatalogRow } from "./CatalogRepository.js"
import { ConsumerConfig, type WriteMode } from "./ConsumerConfig.js"
import { type BatchVerdicts, matchResults } from "./domain/BatchVerdicts.js"
import type { LmlFetchError } from "./domain/Errors.js"
import { BulkResolveInput } from "./domain/LmlWire.js"
import * as Tally from "./domain/Tally.js"
import * as Totals from "./domain/Totals.js"
import { IdentityWriter } from "./IdentityWriter.js"
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

/** A batch after LML has answered (or failed) every part of it, waiting for the writer. */
interface AnsweredBatch {
  readonly index: number
  readonly rows: Chunk.Chunk<CatalogRow>
  readonly answer: BatchAnswer
}

interface RecordedBatch {
  readonly index: number
  readonly totals: Totals.Totals
  /** No input of the batch got an answer from LML: what the circuit breaker counts. */
  readonly lmlFailedWholly: boolean
}

const toInput = (row: CatalogRow) =>
  new BulkResolveInput({ library_id: row.id, artist_name: row.artist_name, album_title: row.album_title })

type MatchedSegment = Either.Either<BatchVerdicts, LmlFetchError>

const matchSegment = (segment: Segment): MatchedSegment =>
  Either.map(segment.answer, (envelope) =>
    matchResults(
      segment.inputs.map((input) => input.library_id),
      envelope.results
    )
  )

export class Consumer extends Effect.Service<Consumer>()("Consumer", {
  effect: Effect.gen(function* () {
    const config = yield* ConsumerConfig
    const catalog = yield* CatalogRepository
    const writer = yield* IdentityWriter
    const runLock = yield* RunLock
    const writeConcurrency = writeConcurrencyFor(config.writeMode)
    const progress = yield* Progress
    const incidents = yield* Incidents
    const resolveBatch = makeBatchResolver(
      yield* LmlClient,
      { maxRetries: config.lmlMaxRetries, baseMs: config.lmlRetryBaseMs, capMs: RETRY_CAP_MS },
      yield* makeRequestPacer(minimumGapMs(config.throttleMs, config.lmlRatePerMinute))
    )

    const askLml = Effect.fn("Consumer.askLml")(function* ([rows, index]: readonly [
      Chunk.Chunk<CatalogRow>,
      number
    ]) {
      const answer = yield* resolveBatch(Array.from(rows, toInput))
      yield* Effect.annotateCurrentSpan({
        "batch.index": index,
        "batch.size": rows.length,
        "lml.calls": answer.calls,
        "lml.retries": answer.retries
      })
      return { index, rows, answer } satisfies AnsweredBatch
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

    const recordBatch = Effect.fn("Consumer.recordBatch")(function* (batch: AnsweredBatch) {
      const segments = batch.answer.segments.map((segment) => ({
        inputs: segment.inputs,
        matched: matchSegment(segment)
      }))
      yield* Effect.forEach(segments, (s) => reportSegment(batch.index, s.inputs, s.matched), {
        discard: true
      })
      const resolutions = segments.flatMap((s) =>
        Either.isRight(s.matched) ? Tally.resolutions(s.matched.right) : []
      )
      // A write in progress finishes (commits or rolls back) even when the run is interrupted.
      const write = config.dryRun
        ? { written: resolutions.length, manualOverrides: 0, failed: [] }
        : yield* Effect.uninterruptible(writer.write(resolutions, config.writeMode))
      yield* Effect.forEach(
        write.failed,
        (failure) =>
          incidents.writeFailed({
            batchIndex: batch.index,
            libraryId: failure.library_id,
            reason: failure.reason
          }),
        { discard: true }
      )
      const totals = [
        ...segments.map((s) =>
          Either.match(s.matched, {
            onLeft: () => Tally.lmlFailure(s.inputs.length),
            onRight: (matched) => Tally.answered(s.inputs.length, matched)
          })
        ),
        Tally.written({ ...write, failed: write.failed.length }),
        Tally.calls(batch.answer)
      ].reduce(Totals.combine, Totals.empty)
      yield* Effect.annotateCurrentSpan({
        "batch.index": batch.index,
        "batch.size": batch.rows.length,
        "write.rows_written": totals.rows_resolved
      })
      return {
        index: batch.index,
        totals,
        lmlFailedWholly: segments.every((s) => Either.isLeft(s.matched))
      } satisfies RecordedBatch
    })

    /** Stops the stream once `maxConsecutiveFailedBatches` batches in a row got nothing from LML. */
    const circuitBreaker = <E, R>(batches: Stream.Stream<RecordedBatch, E, R>) =>
      batches.pipe(
        Stream.mapAccum(0, (failedInARow, batch) => {
          const next = batch.lmlFailedWholly ? failedInARow + 1 : 0
          return [next, { batch, open: next >= config.maxConsecutiveFailedBatches }] as const
        }),
        Stream.takeUntil(({ open }) => open),
        Stream.tap(({ open }) =>
          open
            ? Effect.logError("circuit breaker open: LML failed every batch in a row; stopping the run").pipe(
                Effect.annotateLogs("consecutive_failed_batches", config.maxConsecutiveFailedBatches)
              )
            : Effect.void
        ),
        Stream.map(({ batch }) => batch)
      )

    /**
     * Runs once, adding each batch's Totals to `sum` as it lands, so a caller that is
     * interrupted or fails can still report what was done.
     */
    const runInto = (sum: Ref.Ref<Totals.Totals>) =>
      Effect.gen(function* () {
        yield* catalog.verifySchema
        yield* runLock.hold(config.partition)
        const selection = {
          staleThresholdDays: config.staleThresholdDays,
          partition: config.partition,
          pageSize: config.batchSize
        }
        const pending = yield* catalog.countPending(selection)
        yield* progress.started(pending)
        const startedAt = yield* Clock.currentTimeMillis
        const addBatch = (batch: RecordedBatch) =>
          Effect.gen(function* () {
            const totals = yield* Ref.updateAndGet(sum, (soFar) => Totals.combine(soFar, batch.totals))
            const elapsedMs = (yield* Clock.currentTimeMillis) - startedAt
            yield* progress.batchDone({ batchIndex: batch.index, total: pending, totals, elapsedMs })
          })
        yield* catalog.pendingRows(selection).pipe(
          // Reads the next page while this one is with LML.
          Stream.bufferChunks({ capacity: 1 }),
          Stream.grouped(config.batchSize),
          Stream.zipWithIndex,
          Stream.mapEffect(askLml, { concurrency: config.lmlConcurrency }),
          // Lets the next LML calls run while the writer is busy with this batch.
          Stream.buffer({ capacity: config.lmlConcurrency }),
          Stream.mapEffect(recordBatch, { concurrency: writeConcurrency }),
          circuitBreaker,
          Stream.runForEach(addBatch)
        )
        yield* progress.finished
        const totals = yield* Ref.get(sum)
        yield* Effect.annotateCurrentSpan(Totals.toSpanAttributes(totals))
        return totals
      }).pipe(
        Effect.scoped,
        Effect.withSpan("library-identity-consumer.run", {
          attributes: {
            "sentry.op": "job.run",
            "consumer.batch_size": config.batchSize,
            "consumer.dry_run": config.dryRun,
            "consumer.write_mode": config.writeMode,
            "consumer.partition":
              config.partition._tag === "Some"
                ? `${config.partition.value.index}/${config.partition.value.count}`
                : "all"
          }
        })
      )

    const run = Effect.flatMap(Ref.make(Totals.empty), runInto)

    return { run, runInto, settings: config } as const
  })
}) {}
