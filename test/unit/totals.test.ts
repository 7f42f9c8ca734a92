import { describe, expect, it } from "@effect/vitest"
import * as Totals from "../../src/domain/Totals.js"

describe("Totals", () => {
  const a = Totals.make({
    scanned: 6,
    rows_resolved: 3,
    rows_resolved_compilation: 1,
    rows_unresolved: 1,
    rows_skipped: { compilation: 1 },
    compilation_track_rows_written: 12
  })
  const b = Totals.make({
    scanned: 4,
    rows_skipped: { lml_error: 4 },
    lml_total_calls: 1,
    lml_total_latency_ms: 12
  })

  it("combines field by field and keeps the invariant", () => {
    const sum = Totals.combine(a, b)
    expect(sum.scanned).toBe(10)
    expect(sum.rows_skipped).toMatchObject({ compilation: 1, lml_error: 4 })
    expect(sum.compilation_track_rows_written).toBe(12)
    expect(Totals.isBalanced(sum)).toBe(true)
    expect(Totals.combine(Totals.empty, a)).toEqual(a)
    expect(Object.keys(sum)).toEqual(Object.keys(Totals.empty))
  })

  it("detects an unbalanced record", () => {
    expect(Totals.isBalanced(Totals.make({ scanned: 2, rows_resolved: 1 }))).toBe(false)
    expect(
      Totals.isBalanced(Totals.make({ scanned: 2, rows_resolved: 1, rows_resolved_compilation: 1 }))
    ).toBe(true)
  })

  it("counts only the error buckets towards the exit code", () => {
    expect(Totals.errorCount(a)).toBe(0)
    expect(Totals.errorCount(b)).toBe(4)
    expect(Totals.errorCount(Totals.make({ rows_skipped: { manual_override: 3, compilation: 2 } }))).toBe(0)
  })

  it("reports the whole run and each cohort, each balanced", () => {
    const run = Totals.addToCohort(Totals.addToCohort(Totals.emptyRun, "va", a), "non_va", b)
    expect(run.cohorts).toEqual({ va: a, non_va: b })
    expect(Totals.withoutCohorts(run)).toEqual(Totals.combine(a, b))
    expect(Totals.isRunBalanced(run)).toBe(true)
    expect(Totals.isRunBalanced({ ...run, cohorts: { va: Totals.make({ scanned: 1 }), non_va: b } })).toBe(
      false
    )
    expect(Object.keys(run).at(-1)).toBe("cohorts")
  })

  it("shapes the dry-run report without writer_error or track counters, with cohorts", () => {
    const run = Totals.addToCohort(Totals.addToCohort(Totals.emptyRun, "va", a), "non_va", b)
    const report = Totals.toDryRunReport(run)
    expect(Object.keys(report)).toEqual([
      "scanned",
      "lml_total_calls",
      "lml_total_latency_ms",
      "would_resolve",
      "would_resolve_compilation",
      "would_unresolved",
      "would_skip",
      "source_rows_skipped_null_confidence",
      "cohorts"
    ])
    expect(report.would_skip).not.toHaveProperty("writer_error")
    expect(report.would_resolve).toBe(3)
    expect(report.would_resolve_compilation).toBe(1)
    expect(report.cohorts.va).toMatchObject({ scanned: 6, would_resolve_compilation: 1 })
    expect(report.cohorts.non_va).toMatchObject({ scanned: 4, would_skip: { lml_error: 4 } })
    expect(report.cohorts.va).not.toHaveProperty("cohorts")
  })

  it("puts every field on the span, for the run and for each cohort", () => {
    const run = Totals.addToCohort(Totals.emptyRun, "va", a)
    const attributes = Totals.toSpanAttributes(run)
    expect(attributes).toMatchObject({
      "consumer.scanned": 6,
      "consumer.rows_resolved_compilation": 1,
      "consumer.rows_skipped.compilation": 1,
      "consumer.compilation_track_rows_written": 12,
      "consumer.va.scanned": 6,
      "consumer.va.compilation_track_rows_written": 12,
      "consumer.non_va.scanned": 0
    })
    // Every Totals field, three times over (run, va, non_va).
    const fields = Object.keys(Totals.empty).length - 1 + Object.keys(Totals.empty.rows_skipped).length
    expect(Object.keys(attributes)).toHaveLength(3 * fields)
  })
})
