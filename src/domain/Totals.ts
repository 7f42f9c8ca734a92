/**
 * What a run did, as one record. Every scanned library lands in exactly one library-level
 * bucket, so `scanned == rows_resolved + rows_resolved_compilation + rows_unresolved +
 * Σ rows_skipped` always holds; the source-row, track-row and call counters sit outside that
 * sum. A run resolves two cohorts (V/A compilations first, then the rest) and reports the
 * whole run and each cohort in the same shape.
 */
export interface RowsSkipped {
  readonly compilation: number
  readonly manual_override: number
  readonly lml_error: number
  readonly writer_error: number
  /** Another session held rows the library's write needed: nothing of it was written, the next run retries it. */
  readonly locked: number
  readonly lml_cardinality_mismatch: number
  readonly lml_untrusted_library_id: number
  readonly invalid_verdict: number
}

/** One count per `compilation_track_artist` row a compilation's credits named (see `TrackLinks`). */
export interface TrackCounts {
  readonly compilation_track_rows_written: number
  /** Of the rows written, those whose NULL `track_position` was filled. */
  readonly compilation_track_position_rows_written: number
  readonly compilation_track_rows_skipped_unchanged: number
  readonly compilation_track_rows_skipped_librarian: number
  readonly compilation_track_rows_skipped_no_catalog_artist: number
  /** Rows another session held: left as they are, for the next run. */
  readonly compilation_track_rows_skipped_locked: number
  /** Per distinct (library, artist_name, track_title) credit that names no row. */
  readonly compilation_track_rows_skipped_no_cta_match: number
  /** Rows left without a position because the credits offered several, or one too long. */
  readonly compilation_track_position_rows_skipped_ambiguous: number
}

export interface Totals extends TrackCounts {
  readonly scanned: number
  /** Single-artist libraries whose identity was written. */
  readonly rows_resolved: number
  /** V/A compilations whose per-track credits LML attempted; their credits were written. */
  readonly rows_resolved_compilation: number
  readonly rows_unresolved: number
  readonly rows_skipped: RowsSkipped
  readonly source_rows_skipped_null_confidence: number
  readonly lml_total_calls: number
  /** Calls that repeated an earlier, failed call; included in `lml_total_calls`. */
  readonly lml_retries: number
  readonly lml_total_latency_ms: number
}

export type SkipBucket = keyof RowsSkipped

export type Cohort = "va" | "non_va"

/** The cohorts in the order a run resolves them. */
export const COHORTS: ReadonlyArray<Cohort> = ["va", "non_va"]

export type ByCohort = { readonly [C in Cohort]: Totals }

/** What a run reports: the whole run, and each cohort on its own. */
export interface RunTotals extends Totals {
  readonly cohorts: ByCohort
}

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
  locked: 0,
  lml_cardinality_mismatch: 0,
  lml_untrusted_library_id: 0,
  invalid_verdict: 0
}

export const noTracks: TrackCounts = {
  compilation_track_rows_written: 0,
  compilation_track_position_rows_written: 0,
  compilation_track_rows_skipped_unchanged: 0,
  compilation_track_rows_skipped_librarian: 0,
  compilation_track_rows_skipped_no_catalog_artist: 0,
  compilation_track_rows_skipped_locked: 0,
  compilation_track_rows_skipped_no_cta_match: 0,
  compilation_track_position_rows_skipped_ambiguous: 0
}

/** The field order here is the order of the printed report. */
export const empty: Totals = {
  scanned: 0,
  rows_resolved: 0,
  rows_resolved_compilation: 0,
  rows_unresolved: 0,
  rows_skipped: noSkips,
  source_rows_skipped_null_confidence: 0,
  ...noTracks,
  lml_total_calls: 0,
  lml_retries: 0,
  lml_total_latency_ms: 0
}

export const make = (
  fields: Partial<Omit<Totals, "rows_skipped">> & { readonly rows_skipped?: Partial<RowsSkipped> }
): Totals => ({ ...empty, ...fields, rows_skipped: { ...noSkips, ...fields.rows_skipped } })

/** Adds two records of counters key by key, in `a`'s key order. */
const addCounts = <T extends { readonly [K in keyof T]: number }>(a: T, b: T): T =>
  Object.fromEntries(
    (Object.keys(a) as Array<keyof T & string>).map((key) => [key, a[key] + b[key]])
  ) as unknown as T

export const combine = (a: Totals, b: Totals): Totals => {
  const { rows_skipped: skippedA, ...countsA } = a
  const { rows_skipped: skippedB, ...countsB } = b
  // `empty` first keeps the report's field order.
  return { ...empty, ...addCounts(countsA, countsB), rows_skipped: addCounts(skippedA, skippedB) }
}

export const combineTracks = (a: TrackCounts, b: TrackCounts): TrackCounts => addCounts(a, b)

export const skippedCount = (totals: Totals): number =>
  Object.values(totals.rows_skipped).reduce((sum, n) => sum + n, 0)

export const isBalanced = (totals: Totals): boolean =>
  totals.scanned ===
  totals.rows_resolved + totals.rows_resolved_compilation + totals.rows_unresolved + skippedCount(totals)

export const errorCount = (totals: Totals): number =>
  ERROR_BUCKETS.reduce((sum, bucket) => sum + totals.rows_skipped[bucket], 0)

// --- A run's report: the whole and its cohorts

export const runTotals = (cohorts: ByCohort): RunTotals => ({
  ...combine(cohorts.va, cohorts.non_va),
  cohorts
})

export const emptyRun: RunTotals = runTotals({ va: empty, non_va: empty })

/** `run` with `totals` added to `cohort`, and so to the whole. */
export const addToCohort = (run: RunTotals, cohort: Cohort, totals: Totals): RunTotals =>
  runTotals({ ...run.cohorts, [cohort]: combine(run.cohorts[cohort], totals) })

/** The invariant, for the whole run and for each cohort. */
export const isRunBalanced = (run: RunTotals): boolean =>
  isBalanced(run) && COHORTS.every((cohort) => isBalanced(run.cohorts[cohort]))

/** The record without its cohorts, as the cohorts themselves are. */
export const withoutCohorts = ({ cohorts: _, ...totals }: RunTotals): Totals => totals

/** A `DRY_RUN`'s predictions: nothing was written or stamped, so there are no track counters. */
const dryRunFields = (totals: Totals) => {
  const { writer_error: _notPredictable, ...wouldSkip } = totals.rows_skipped
  return {
    scanned: totals.scanned,
    lml_total_calls: totals.lml_total_calls,
    lml_total_latency_ms: totals.lml_total_latency_ms,
    would_resolve: totals.rows_resolved,
    would_resolve_compilation: totals.rows_resolved_compilation,
    would_unresolved: totals.rows_unresolved,
    would_skip: wouldSkip,
    source_rows_skipped_null_confidence: totals.source_rows_skipped_null_confidence
  }
}

/** The report a `DRY_RUN` prints, with the same cohorts as a real run's. */
export const toDryRunReport = (run: RunTotals) => ({
  ...dryRunFields(run),
  cohorts: { va: dryRunFields(run.cohorts.va), non_va: dryRunFields(run.cohorts.non_va) }
})

/** `<prefix>.<field>` and `<prefix>.rows_skipped.<bucket>`. */
const spanAttributes = (prefix: string, totals: Totals): ReadonlyArray<readonly [string, number]> => {
  const { rows_skipped, ...counters } = totals
  return [
    ...Object.entries(counters).map(([key, value]) => [`${prefix}.${key}`, value] as const),
    ...Object.entries(rows_skipped).map(([key, value]) => [`${prefix}.rows_skipped.${key}`, value] as const)
  ]
}

/** Every field for the run span: `consumer.*` for the run, `consumer.va.*` and `consumer.non_va.*`. */
export const toSpanAttributes = (run: RunTotals): Record<string, number> =>
  Object.fromEntries([
    ...spanAttributes("consumer", withoutCohorts(run)),
    ...COHORTS.flatMap((cohort) => spanAttributes(`consumer.${cohort}`, run.cohorts[cohort]))
  ])
