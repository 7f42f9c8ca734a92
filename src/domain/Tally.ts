/**
 * Where each Totals bucket is counted. A batch's inputs are charged by the segment LML
 * answered them in (`answered`, `lmlFailure`); its resolutions by what the writer did with
 * them (`written`); its calls by how many requests it took (`calls`).
 */
import type { BatchVerdicts } from "./BatchVerdicts.js"
import * as Totals from "./Totals.js"
import type { Resolution } from "./Verdict.js"

/** What the writer did with a batch's resolutions (or, in a dry run, would have done). */
export interface WriteTally {
  readonly written: number
  readonly manualOverrides: number
  readonly failed: number
}

export interface CallTally {
  readonly calls: number
  readonly retries: number
  readonly latencyMs: number
}

export const resolutions = (batch: BatchVerdicts): ReadonlyArray<Resolution> =>
  batch.verdicts.flatMap((verdict) => (verdict._tag === "Resolved" ? [verdict.resolution] : []))

/** Inputs LML gave no usable answer for, after every retry. */
export const lmlFailure = (inputs: number): Totals.Totals =>
  Totals.make({ scanned: inputs, rows_skipped: { lml_error: inputs } })

/** Inputs LML answered; resolutions are charged later, by `written`. */
export const answered = (inputs: number, batch: BatchVerdicts): Totals.Totals => {
  const count = (tag: "Unresolved" | "Compilation" | "Invalid") =>
    batch.verdicts.filter((verdict) => verdict._tag === tag).length
  return Totals.make({
    scanned: inputs,
    rows_unresolved: count("Unresolved"),
    rows_skipped: {
      compilation: count("Compilation"),
      invalid_verdict: count("Invalid"),
      lml_untrusted_library_id: batch.untrusted.length,
      lml_cardinality_mismatch: batch.missing.length
    },
    source_rows_skipped_null_confidence: resolutions(batch).reduce(
      (sum, r) => sum + r.nullConfidenceSources,
      0
    )
  })
}

export const written = (write: WriteTally): Totals.Totals =>
  Totals.make({
    rows_resolved: write.written,
    rows_skipped: { manual_override: write.manualOverrides, writer_error: write.failed }
  })

export const calls = (call: CallTally): Totals.Totals =>
  Totals.make({
    lml_total_calls: call.calls,
    lml_retries: call.retries,
    lml_total_latency_ms: call.latencyMs
  })
