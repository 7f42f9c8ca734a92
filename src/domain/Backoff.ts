/**
 * How long to wait before retrying a call: exponential backoff with full jitter (spreads a
 * fleet of retries instead of synchronising them), unless the server said when to come back.
 */

/** A uniformly random delay in [0, min(cap, base · 2^(attempt-1))]; `attempt` counts from 1. */
export const fullJitterMs = (attempt: number, baseMs: number, capMs: number, random: number): number =>
  Math.floor(random * Math.min(capMs, baseMs * 2 ** (attempt - 1)))

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined when
 * absent or unreadable. Never negative, never above `capMs`.
 */
export const retryAfterMs = (
  header: string | undefined,
  nowMs: number,
  capMs: number
): number | undefined => {
  if (header === undefined || header.trim() === "") return undefined
  const trimmed = header.trim()
  const delay = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs
  return Number.isNaN(delay) ? undefined : Math.min(capMs, Math.max(0, delay))
}
