import { describe as suite, expect, it } from "@effect/vitest"
import * as Totals from "../../src/domain/Totals.js"
import { describe } from "../../src/Progress.js"

suite("progress line", () => {
  it("derives percent, rate and ETA from rows done and time elapsed", () => {
    const totals = Totals.make({ scanned: 250, rows_resolved: 200, rows_skipped: { lml_error: 50 } })
    expect(describe({ batchIndex: 4, cohort: "non_va", total: 1000, totals, elapsedMs: 5000 })).toEqual({
      batch_index: 4,
      cohort: "non_va",
      done: 250,
      total: 1000,
      percent: 25,
      rows_per_s: 50,
      eta_s: 15,
      resolved: 200,
      resolved_compilation: 0,
      unresolved: 0,
      skipped: 50,
      errors: 50,
      lml_calls: 0
    })
  })

  it("has no ETA before any time has passed, and never exceeds 100%", () => {
    const line = describe({
      batchIndex: 0,
      cohort: "va",
      total: 10,
      totals: Totals.make({ scanned: 12 }),
      elapsedMs: 0
    })
    expect(line.eta_s).toBeNull()
    expect(line.percent).toBe(100)
  })
})
