/**
 * What a run did, as one record. Every scanned library lands in exactly one library-level
 * bucket, so `scanned == rows_resolved + rows_unresolved + Σ rows_skipped` always holds;
 * the source-row and call counters sit outside that sum.
 */
export interface RowsSkipped {
  readonly compilation: number
  readonly manual_override: number
  readonly lml_error: number
  readonly writer_error: number
  readonly lml_cardinality_mismatch: number
  readonly lml_untrusted_library_id: number
  readonly invalid_verdict: number
}

export interface Totals {
  readonly scanned: number
  readonly rows_resolved: number
  readonly rows_unresolved: number
  readonly rows_skipped: RowsSkipped
  readonly source_rows_skipped_null_confidence: number
  readonly lml_total_calls: number
  /** Calls that repeated an earlier, failed call; included in `lml_total_calls`. */
  readonly lml_retries: number
  readonly lml_total_latency_ms: number
}

export type SkipBucket = keyof RowsSkipped

/** Buckets that mean a library did not get the verdict it should have: they make the exit code 2. */
export const ERROR_BUCKETS: ReadonlyArray<SkipBucket> = [
  "lml_error",
  "writer_error",
  "lml_cardinality_mismatch",
  "lml_untrusted_library_id",
  "invalid_verdict"
]

const noSkips: RowsSkipped = {
  compilation: 0,
  manual_override: 0,
  lml_error: 0,
  writer_error: 0,
  lml_cardinality_mismatch: 0,
  lml_untrusted_library_id: 0,
  invalid_verdict: 0
}

export const empty: Totals = {
  scanned: 0,
  rows_resolved: 0,
  rows_unresolved: 0,
  rows_skipped: noSkips,
  source_rows_skipped_null_confidence: 0,
  lml_total_calls: 0,
  lml_retries: 0,
  lml_total_latency_ms: 0
}

export const make = (
  fields: Partial<Omit<Totals, "rows_skipped">> & { readonly rows_skipped?: Partial<RowsSkipped> }
): Totals => ({ ...empty, ...fields, rows_skipped: { ...noSkips, ...fields.rows_skipped } })

const addSkips = (a: RowsSkipped, b: RowsSkipped): RowsSkipped => ({
  compilation: a.compilation + b.compilation,
  manual_override: a.manual_override + b.manual_override,
  lml_error: a.lml_error + b.lml_error,
  writer_error: a.writer_error + b.writer_error,
  lml_cardinality_mismatch: a.lml_cardinality_mismatch + b.lml_cardinality_mismatch,
  lml_untrusted_library_id: a.lml_untrusted_library_id + b.lml_untrusted_library_id,
  invalid_verdict: a.invalid_verdict + b.invalid_verdict
})

export const combine = (a: Totals, b: Totals): Totals => ({
  scanned: a.scanned + b.scanned,
  rows_resolved: a.rows_resolved + b.rows_resolved,
  rows_unresolved: a.rows_unresolved + b.rows_unresolved,
  rows_skipped: addSkips(a.rows_skipped, b.rows_skipped),
  source_rows_skipped_null_confidence:
    a.source_rows_skipped_null_confidence + b.source_rows_skipped_null_confidence,
  lml_total_calls: a.lml_total_calls + b.lml_total_calls,
  lml_retries: a.lml_retries + b.lml_retries,
  lml_total_latency_ms: a.lml_total_latency_ms + b.lml_total_latency_ms
})

export const skippedCount = (totals: Totals): number =>
  Object.values(totals.rows_skipped).reduce((sum, n) => sum + n, 0)

export const isBalanced = (totals: Totals): boolean =>
  totals.scanned === totals.rows_resolved + totals.rows_unresolved + skippedCount(totals)

export const errorCount = (totals: Totals): number =>
  ERROR_BUCKETS.reduce((sum, bucket) => sum + totals.rows_skipped[bucket], 0)

/** The report a `DRY_RUN` prints: predictions, since nothing was written. */
export const toDryRunReport = (totals: Totals) => {
  const { writer_error: _notPredictable, ...wouldSkip } = totals.rows_skipped
  return {
    scanned: totals.scanned,
    lml_total_calls: totals.lml_total_calls,
    lml_total_latency_ms: totals.lml_total_latency_ms,
    would_resolve: totals.rows_resolved,
    would_unresolved: totals.rows_unresolved,
    would_skip: wouldSkip,
    source_rows_skipped_null_confidence: totals.source_rows_skipped_null_confidence
  }
}

/** `consumer.<field>` and `consumer.rows_skipped.<bucket>`, for the run span. */
export const toSpanAttributes = (totals: Totals): Record<string, number> => {
  const { rows_skipped, ...counters } = totals
  return Object.fromEntries([
    ...Object.entries(counters).map(([key, value]) => [`consumer.${key}`, value]),
    ...Object.entries(rows_skipped).map(([key, value]) => [`consumer.rows_skipped.${key}`, value])
  ])
}
