/**
 * The job: pending catalog rows → batches → LML → validated verdicts → identity rows, folded
 * into one Totals record. `run` has no exit codes and no process handling, so the same
 * effect serves the one-shot CLI, a schedule, and any Effect app that mounts it.
 */
import { type Chunk, Duration, Effect, Either, Stream } from "effect"
import { CatalogRepository, type CatalogRow } from "./CatalogRepository.js"
import { ConsumerConfig } from "./ConsumerConfig.js"
import { type BatchVerdicts, matchResults } from "./domain/BatchVerdicts.js"
import type { LmlFetchError } from "./domain/Errors.js"
import { BulkResolveInput } from "./domain/LmlWire.js"
import * as Tally from "./domain/Tally.js"
import * as Totals from "./domain/Totals.js"
import { IdentityWriter } from "./IdentityWriter.js"
import { LmlClient } from "./LmlClient.js"
import { makeRequestPacer, minimumGapMs } from "./RequestPacer.js"

/** A batch after its LML call, waiting for the writer. */
interface AnsweredBatch {
  readonly index: number
  readonly rows: Chunk.Chunk<CatalogRow>
  readonly answer: Either.Either<BatchVerdicts, LmlFetchError>
  readonly latencyMs: number
}

const idRange = (rows: Chunk.Chunk<CatalogRow>) => {
  const ids = Array.from(rows, (row) => row.id)
  return { first_library_id: ids[0], last_library_id: ids.at(-1) }
}

export class Consumer extends Effect.Service<Consumer>()("Consumer", {
  effect: Effect.gen(function* () {
    const config = yield* ConsumerConfig
    const catalog = yield* CatalogRepository
    const writer = yield* IdentityWriter
    const lml = yield* LmlClient
    const awaitRequestSlot = yield* makeRequestPacer(minimumGapMs(config.throttleMs, config.lmlRatePerMinute))

    const askLml = Effect.fn("Consumer.askLml")(function* ([rows, index]: readonly [
      Chunk.Chunk<CatalogRow>,
      number
    ]) {
      yield* Effect.annotateCurrentSpan({ "batch.index": index, "batch.size": rows.length })
      yield* awaitRequestSlot
      const inputs = Array.from(
        rows,
        (row) =>
          new BulkResolveInput({
            library_id: row.id,
            artist_name: row.artist_name,
            album_title: row.album_title
          })
      )
      const [elapsed, response] = yield* Effect.timed(Effect.either(lml.resolveBatch(inputs)))
      const latencyMs = Math.round(Duration.toMillis(elapsed))
      const answer = Either.map(response, (envelope) =>
        matchResults(
          inputs.map((input) => input.library_id),
          envelope.results
        )
      )
      return { index, rows, answer, latencyMs } satisfies AnsweredBatch
    })

    const logAnomalies = (batch: AnsweredBatch, verdicts: BatchVerdicts) =>
      Effect.gen(function* () {
        for (const verdict of verdicts.verdicts) {
          if (verdict._tag === "Invalid") {
            yield* Effect.logWarning("invalid verdict refused").pipe(
              Effect.annotateLogs({ library_id: verdict.library_id, reason: verdict.reason })
            )
          }
        }
        if (verdicts.untrusted.length > 0 || verdicts.missing.length > 0 || verdicts.strayResults > 0) {
          yield* Effect.logWarning("LML results do not match the batch's inputs").pipe(
            Effect.annotateLogs({
              batch_index: batch.index,
              untrusted_library_ids: verdicts.untrusted,
              missing_library_ids: verdicts.missing,
              stray_results: verdicts.strayResults
            })
          )
        }
      })

    const recordBatch = Effect.fn("Consumer.recordBatch")(function* (batch: AnsweredBatch) {
      yield* Effect.annotateCurrentSpan({ "batch.index": batch.index, "batch.size": batch.rows.length })
      if (Either.isLeft(batch.answer)) {
        const error = batch.answer.left
        yield* Effect.logError("LML call failed; batch skipped").pipe(
          Effect.annotateLogs({
            batch_index: batch.index,
            libraries: batch.rows.length,
            ...idRange(batch.rows),
            status: error.status,
            reason: error.reason,
            error: error.message
          })
        )
        return Tally.lmlFailure(batch.rows.length, batch.latencyMs)
      }
      const verdicts = batch.answer.right
      yield* logAnomalies(batch, verdicts)
      const resolutions = Tally.resolutions(verdicts)
      const write = config.dryRun
        ? { written: resolutions.length, manualOverrides: 0, failed: 0 }
        : yield* writer
            .write(resolutions, config.writeMode)
            .pipe(Effect.map((outcome) => ({ ...outcome, failed: outcome.failed.length })))
      const totals = Tally.answeredBatch(batch.rows.length, verdicts, write, batch.latencyMs)
      yield* Effect.logInfo("batch done").pipe(
        Effect.annotateLogs({
          batch_index: batch.index,
          libraries: batch.rows.length,
          resolved: totals.rows_resolved,
          unresolved: totals.rows_unresolved,
          skipped: Totals.skippedCount(totals),
          lml_latency_ms: batch.latencyMs
        })
      )
      return totals
    })

    const run = Effect.gen(function* () {
      yield* catalog.verifySchema
      const selection = {
        staleThresholdDays: config.staleThresholdDays,
        partition: config.partition,
        pageSize: config.batchSize
      }
      const totals = yield* catalog.pendingRows(selection).pipe(
        Stream.grouped(config.batchSize),
        Stream.zipWithIndex,
        Stream.mapEffect(askLml, { concurrency: config.lmlConcurrency }),
        // Lets the next LML calls run while the writer is busy with this batch.
        Stream.buffer({ capacity: config.lmlConcurrency }),
        Stream.mapEffect(recordBatch),
        Stream.runFold(Totals.empty, Totals.combine)
      )
      yield* Effect.annotateCurrentSpan(Totals.toSpanAttributes(totals))
      return totals
    }).pipe(
      Effect.withSpan("library-identity-consumer.run", {
        attributes: {
          "consumer.batch_size": config.batchSize,
          "consumer.dry_run": config.dryRun,
          "consumer.write_mode": config.writeMode
        }
      })
    )

    return { run, settings: config } as const
  })
}) {}
