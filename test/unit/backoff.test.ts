import { describe, expect, it } from "@effect/vitest"
import { fullJitterMs, retryAfterMs } from "../../src/domain/Backoff.js"

describe("fullJitterMs", () => {
  it("doubles the ceiling each attempt and caps it", () => {
    expect(fullJitterMs(1, 500, 30_000, 0.999)).toBe(499)
    expect(fullJitterMs(3, 500, 30_000, 0.999)).toBe(1998)
    expect(fullJitterMs(20, 500, 30_000, 0.999)).toBe(29_970)
    expect(fullJitterMs(4, 500, 30_000, 0)).toBe(0)
  })
})

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-28T12:00:00Z")
  it("reads delta-seconds and HTTP dates, capped and never negative", () => {
    expect(retryAfterMs("7", now, 30_000)).toBe(7_000)
    expect(retryAfterMs("120", now, 30_000)).toBe(30_000)
    expect(retryAfterMs("Sat, 28 Nov 2026 12:00:05 GMT", now, 30_000)).toBe(5_000)
    expect(retryAfterMs("Sat, 28 Nov 2026 11:00:00 GMT", now, 30_000)).toBe(0)
  })
  it("ignores what it cannot read", () => {
    expect(retryAfterMs(undefined, now, 30_000)).toBeUndefined()
    expect(retryAfterMs("soon", now, 30_000)).toBeUndefined()
  })
})
