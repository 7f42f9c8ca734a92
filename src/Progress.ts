/**
 * How a run shows its progress: one structured log line per batch (rows done of the total
 * counted at the start, percent, rate, ETA, running Totals), or, on a terminal, one line that
 * redraws itself. Rate and ETA are derived, never kept.
 */
import { Context, Effect, Layer } from "effect"
import * as Totals from "./domain/Totals.js"

export interface ProgressSnapshot {
  readonly batchIndex: number
  readonly cohort: Totals.Cohort
  /** Rows due in every cohort the run resolves. */
  readonly total: number
  readonly totals: Totals.Totals
  readonly elapsedMs: number
}

export const describe = ({ batchIndex, cohort, total, totals, elapsedMs }: ProgressSnapshot) => {
  const done = totals.scanned
  const rowsPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  const remaining = Math.max(0, total - done)
  return {
    batch_index: batchIndex,
    cohort,
    done,
    total,
    percent: total > 0 ? Math.min(100, Math.round((done / total) * 1000) / 10) : 100,
    rows_per_s: Math.round(rowsPerSecond),
    eta_s: rowsPerSecond > 0 ? Math.round(remaining / rowsPerSecond) : null,
    resolved: totals.rows_resolved,
    resolved_compilation: totals.rows_resolved_compilation,
    unresolved: totals.rows_unresolved,
    skipped: Totals.skippedCount(totals),
    errors: Totals.errorCount(totals),
    lml_calls: totals.lml_total_calls
  }
}

export class Progress extends Context.Tag("Progress")<
  Progress,
  {
    readonly started: (total: number) => Effect.Effect<void>
    readonly batchDone: (snapshot: ProgressSnapshot) => Effect.Effect<void>
    readonly finished: Effect.Effect<void>
  }
>() {
  /** One JSON-friendly log line per batch: what an operator reads at 3 a.m. */
  static readonly logLines = Layer.succeed(Progress, {
    started: (total) => Effect.logInfo("run started").pipe(Effect.annotateLogs("pending", total)),
    batchDone: (snapshot) => Effect.logInfo("progress").pipe(Effect.annotateLogs(describe(snapshot))),
    finished: Effect.void
  })
}
