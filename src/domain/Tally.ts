/**
 * Where each Totals bucket is counted. A batch's inputs are charged by the segment LML
 * answered them in (`answered`, `lmlFailure`): what LML's answer alone decides. Every verdict
 * the writer acts on is charged by what the writer did with it (`written`), since even a
 * "nothing found" writes its marker and can fail. Calls are charged by how many requests the
 * batch took (`calls`).
 */
import type { BatchVerdicts } from "./BatchVerdicts.js"
import type { LibraryId } from "./LmlWire.js"
import * as Totals from "./Totals.js"
import { libraryIdOf, type Resolution, type Writable } from "./Verdict.js"

/** What the writer did with a batch's verdicts (or, in a dry run, would have done). */
export interface WriteTally {
  /** Single-artist libraries whose identity was written; the others' main row is `manual`. */
  readonly written: ReadonlySet<LibraryId>
  readonly failed: ReadonlySet<LibraryId>
  /** Libraries left unwritten because another session held their rows. */
  readonly locked: ReadonlySet<LibraryId>
  readonly tracks: Totals.TrackCounts
}

export interface CallTally {
  readonly calls: number
  readonly retries: number
  readonly latencyMs: number
}

export const resolutions = (batch: BatchVerdicts): ReadonlyArray<Resolution> =>
  batch.verdicts.flatMap((verdict) => (verdict._tag === "Resolved" ? [verdict.resolution] : []))

/** The verdicts the writer acts on: everything LML answered validly. */
export const writable = (batch: BatchVerdicts): ReadonlyArray<Writable> =>
  batch.verdicts.filter((verdict): verdict is Writable => verdict._tag !== "Invalid")

/** Inputs LML gave no usable answer for, after every retry. */
export const lmlFailure = (inputs: number): Totals.Totals =>
  Totals.make({ scanned: inputs, rows_skipped: { lml_error: inputs } })

/** Inputs LML answered; the verdicts the writer acts on are charged later, by `written`. */
export const answered = (inputs: number, batch: BatchVerdicts): Totals.Totals =>
  Totals.make({
    scanned: inputs,
    rows_skipped: {
      invalid_verdict: batch.verdicts.filter((verdict) => verdict._tag === "Invalid").length,
      lml_untrusted_library_id: batch.untrusted.length,
      lml_cardinality_mismatch: batch.missing.length
    },
    source_rows_skipped_null_confidence: resolutions(batch).reduce(
      (sum, r) => sum + r.nullConfidenceSources,
      0
    )
  })

export const written = (verdicts: ReadonlyArray<Writable>, write: WriteTally): Totals.Totals => {
  let resolved = 0
  let manualOverrides = 0
  let resolvedCompilations = 0
  let compilations = 0
  let unresolved = 0
  let failed = 0
  let locked = 0
  for (const verdict of verdicts) {
    const id = libraryIdOf(verdict)
    if (write.failed.has(id)) {
      failed++
      continue
    }
    if (write.locked.has(id)) {
      locked++
      continue
    }
    switch (verdict._tag) {
      case "Resolved":
        if (write.written.has(verdict.resolution.library_id)) resolved++
        else manualOverrides++
        break
      case "CompilationWithTracks":
        resolvedCompilations++
        break
      case "Compilation":
        compilations++
        break
      case "Unresolved":
        unresolved++
    }
  }
  return Totals.make({
    ...write.tracks,
    rows_resolved: resolved,
    rows_resolved_compilation: resolvedCompilations,
    rows_unresolved: unresolved,
    rows_skipped: {
      compilation: compilations,
      manual_override: manualOverrides,
      writer_error: failed,
      locked
    }
  })
}

export const calls = (call: CallTally): Totals.Totals =>
  Totals.make({
    lml_total_calls: call.calls,
    lml_retries: call.retries,
    lml_total_latency_ms: call.latencyMs
  })
