/**
 * Spaces the starts of LML requests so the job can be polite to a shared LML: at least
 * `THROTTLE_MS` apart, and no more than `LML_RATE_PER_MIN` a minute.
 */
import { Clock, Effect, Option, Ref } from "effect"

export const minimumGapMs = (throttleMs: number, ratePerMinute: Option.Option<number>): number =>
  Math.max(
    throttleMs,
    Option.match(ratePerMinute, { onNone: () => 0, onSome: (rate) => Math.ceil(60_000 / rate) })
  )

/** Returns an effect that waits for the next free start slot and claims it. */
export const makeRequestPacer = (gapMs: number) =>
  Effect.gen(function* () {
    if (gapMs <= 0) return Effect.void
    const nextSlot = yield* Ref.make(0)
    return Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const slot = yield* Ref.modify(nextSlot, (next) => {
        const start = Math.max(now, next)
        return [start, start + gapMs] as const
      })
      if (slot > now) yield* Effect.sleep(slot - now)
    })
  })
