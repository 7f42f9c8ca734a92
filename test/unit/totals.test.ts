import { describe, expect, it } from "@effect/vitest"
import * as Totals from "../../src/domain/Totals.js"

describe("Totals", () => {
  const a = Totals.make({
    scanned: 5,
    rows_resolved: 3,
    rows_unresolved: 1,
    rows_skipped: { compilation: 1 }
  })
  const b = Totals.make({
    scanned: 4,
    rows_skipped: { lml_error: 4 },
    lml_total_calls: 1,
    lml_total_latency_ms: 12
  })

  it("combines field by field and keeps the invariant", () => {
    const sum = Totals.combine(a, b)
    expect(sum.scanned).toBe(9)
    expect(sum.rows_skipped).toMatchObject({ compilation: 1, lml_error: 4 })
    expect(Totals.isBalanced(sum)).toBe(true)
    expect(Totals.combine(Totals.empty, a)).toEqual(a)
  })

  it("detects an unbalanced record", () => {
    expect(Totals.isBalanced(Totals.make({ scanned: 2, rows_resolved: 1 }))).toBe(false)
  })

  it("counts only the error buckets towards the exit code", () => {
    expect(Totals.errorCount(a)).toBe(0)
    expect(Totals.errorCount(b)).toBe(4)
    expect(Totals.errorCount(Totals.make({ rows_skipped: { manual_override: 3, compilation: 2 } }))).toBe(0)
  })

  it("shapes the dry-run report without writer_error", () => {
    const report = Totals.toDryRunReport(Totals.combine(a, b))
    expect(Object.keys(report)).toEqual([
      "scanned",
      "lml_total_calls",
      "lml_total_latency_ms",
      "would_resolve",
      "would_unresolved",
      "would_skip",
      "source_rows_skipped_null_confidence"
    ])
    expect(report.would_skip).not.toHaveProperty("writer_error")
    expect(report.would_resolve).toBe(3)
  })
})
