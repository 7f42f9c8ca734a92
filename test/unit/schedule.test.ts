import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Ref, TestClock } from "effect"
import { parseCron, runOnSchedule } from "../../src/ScheduledRuns.js"

const everyMinute = Either.getOrThrow(parseCron("* * * * *", "UTC"))

/** Lets forked fibers run up to their next sleep. */
const settle = Effect.repeatN(Effect.yieldNow(), 20)

describe("runOnSchedule", () => {
  it.scoped("waits for the first tick, then runs once per tick", () =>
    Effect.gen(function* () {
      const runs = yield* Ref.make(0)
      yield* Effect.forkScoped(
        runOnSchedule(
          everyMinute,
          Ref.update(runs, (n) => n + 1)
        )
      )
      yield* settle
      expect(yield* Ref.get(runs)).toBe(0)
      yield* TestClock.adjust("1 minute")
      yield* settle
      expect(yield* Ref.get(runs)).toBe(1)
      yield* TestClock.adjust("3 minutes")
      yield* settle
      expect(yield* Ref.get(runs)).toBe(4)
    })
  )

  it.scoped("keeps going after a failed run", () =>
    Effect.gen(function* () {
      const runs = yield* Ref.make(0)
      const failingFirst = Ref.updateAndGet(runs, (n) => n + 1).pipe(
        Effect.flatMap((n) => (n === 1 ? Effect.fail("LML down") : Effect.void))
      )
      yield* Effect.forkScoped(runOnSchedule(everyMinute, failingFirst))
      yield* settle
      for (let minute = 0; minute < 3; minute++) {
        yield* TestClock.adjust("1 minute")
        yield* settle
      }
      expect(yield* Ref.get(runs)).toBe(3)
    })
  )

  it.scoped("skips a tick that comes while the previous run is still going", () =>
    Effect.gen(function* () {
      const started = yield* Ref.make(0)
      const slowRun = Effect.zipRight(
        Ref.update(started, (n) => n + 1),
        Effect.sleep("90 seconds")
      )
      yield* Effect.forkScoped(runOnSchedule(everyMinute, slowRun))
      yield* settle
      // Ticks at 1:00 (starts, runs to 2:30), 2:00 (skipped), 3:00 (starts).
      for (let minute = 0; minute < 3; minute++) {
        yield* TestClock.adjust("1 minute")
        yield* settle
      }
      expect(yield* Ref.get(started)).toBe(2)
    })
  )

  it("refuses a bad expression or zone naming both variables", () => {
    const bad = parseCron("61 * * * *", "UTC")
    expect(Either.isLeft(bad) && bad.left.toString()).toContain("SCHEDULE='61 * * * *'")
    expect(Either.isLeft(parseCron("* * * * *", "Mars/Olympus"))).toBe(true)
  })
})
