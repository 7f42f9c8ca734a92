/**
 * The consumer on a cron schedule inside a long-lived app. A failed run is logged and never
 * stops the schedule; a tick that arrives while a run is still going is skipped and logged,
 * so runs never overlap. The schedule waits for its first tick.
 */
import { Config, ConfigError, Cron, Effect, Either, Layer, Ref, Schedule } from "effect"
import { optionalString } from "./config/EnvValues.js"

/** `SCHEDULE` (a cron expression, UTC unless `SCHEDULE_TZ` names an IANA zone). */
export const cronFromEnv: Config.Config<Cron.Cron> = Config.all([
  optionalString("SCHEDULE"),
  optionalString("SCHEDULE_TZ")
]).pipe(
  Config.mapOrFail(([expression, zone]) => {
    if (expression._tag === "None") {
      return Either.left(
        ConfigError.MissingData(
          [],
          "SCHEDULE is not set: give a cron expression (or --cron), e.g. '0 3 * * *'"
        )
      )
    }
    return parseCron(expression.value, zone._tag === "Some" ? zone.value : "UTC")
  })
)

export const parseCron = (
  expression: string,
  zone: string
): Either.Either<Cron.Cron, ConfigError.ConfigError> =>
  Either.mapLeft(Cron.parse(expression, zone), (error) =>
    ConfigError.InvalidData(
      [],
      `SCHEDULE='${expression}' with SCHEDULE_TZ='${zone}' is invalid: ${error.message}; expected a cron expression and an IANA time zone`
    )
  )

/** Runs `job` on every tick of `cron`, one run at a time, for as long as the scope lives. */
export const runOnSchedule = <A, E, R>(cron: Cron.Cron, job: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const running = yield* Ref.make(false)
    const guardedJob = job.pipe(
      Effect.catchAllCause((cause) => Effect.logError("scheduled run failed; the schedule goes on", cause)),
      Effect.ensuring(Ref.set(running, false))
    )
    const tick = Effect.gen(function* () {
      if (yield* Ref.getAndSet(running, true)) {
        return yield* Effect.logWarning("scheduled tick skipped: the previous run is still going")
      }
      yield* Effect.forkScoped(guardedJob)
    })
    yield* Effect.logInfo("schedule started").pipe(Effect.annotateLogs("cron", String(cron)))
    return yield* Effect.schedule(tick, Schedule.cron(cron))
  })

/** The schedule as a layer with no output, for an app that mounts the consumer. */
export const layer = <A, E, R>(cron: Cron.Cron, job: Effect.Effect<A, E, R>) =>
  Layer.scopedDiscard(Effect.forkScoped(runOnSchedule(cron, job)))
