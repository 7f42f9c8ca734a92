/**
 * Where each Totals bucket is counted: one batch's outcome becomes one Totals record,
 * charging every input to exactly one library-level bucket.
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

export const lmlFailure = (inputs: number, latencyMs: number): Totals.Totals =>
  Totals.make({
    scanned: inputs,
    rows_skipped: { lml_error: inputs },
    lml_total_calls: 1,
    lml_total_latency_ms: latencyMs
  })

export const resolutions = (batch: BatchVerdicts): ReadonlyArray<Resolution> =>
  batch.verdicts.flatMap((verdict) => (verdict._tag === "Resolved" ? [verdict.resolution] : []))

export const answeredBatch = (
  inputs: number,
  batch: BatchVerdicts,
  write: WriteTally,
  latencyMs: number
): Totals.Totals => {
  const count = (tag: "Unresolved" | "Compilation" | "Invalid") =>
    batch.verdicts.filter((verdict) => verdict._tag === tag).length
  return Totals.make({
    scanned: inputs,
    rows_resolved: write.written,
    rows_unresolved: count("Unresolved"),
    rows_skipped: {
      compilation: count("Compilation"),
      manual_override: write.manualOverrides,
      writer_error: write.failed,
      invalid_verdict: count("Invalid"),
      lml_untrusted_library_id: batch.untrusted.length,
      lml_cardinality_mismatch: batch.missing.length
    },
    source_rows_skipped_null_confidence: resolutions(batch).reduce(
      (sum, r) => sum + r.nullConfidenceSources,
      0
    ),
    lml_total_calls: 1,
    lml_total_latency_ms: latencyMs
  })
}
