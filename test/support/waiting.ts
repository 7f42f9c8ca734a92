/**
 * Waiting on real I/O from tests that run on the TestClock, where `Effect.sleep` would never
 * wake: these wait in real time, briefly and boundedly.
 */
import { Effect } from "effect"

const realPause = (ms: number) =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/** Lets pending database and socket work finish. */
export const settle = realPause(100)

/** Polls an effectful `condition` every 20 ms for up to thirty real seconds. */
export const eventuallyEffect = <E, R>(condition: Effect.Effect<boolean, E, R>) =>
  Effect.gen(function* () {
    for (let waited = 0; !(yield* condition); waited += 20) {
      if (waited > 30_000) return yield* Effect.die(new Error("condition not reached within 30 s"))
      yield* realPause(20)
    }
  })

/** Polls `condition` the same way. */
export const eventually = (condition: () => boolean) => eventuallyEffect(Effect.sync(condition))
