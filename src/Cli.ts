/**
 * The command line: `run` (the default) and `migrate`. Each command ends in an exit status
 * the entrypoint turns into the process exit code; nothing here exits the process.
 */
import { Command } from "@effect/cli"
import { Cause, ConfigError, Console, Data, Effect, Ref } from "effect"
import { MigrateLive, ConsumerLive } from "../layers/Main.js"
import { configErrorLines, integerBetween } from "./config/EnvValues.js"
import { Consumer } from "./Consumer.js"
import * as Totals from "./domain/Totals.js"
import { migrate } from "./Migrations.js"

/** How a command ended, for the process exit code (see README, "Exit codes"). */
export class ExitStatus extends Data.TaggedError("ExitStatus")<{ readonly code: number }> {}

/** Exit status of a run that found another run holding its lock (EX_TEMPFAIL: try again later). */
export const EXIT_LOCKED = 75

/** How long a signalled run may take to finish its in-flight write before the process is ended. */
export const shutdownGraceMs = integerBetween("SHUTDOWN_GRACE_MS", 20_000, 0, 600_000)

/**
 * Runs the job once and prints its report on stdout: 0 clean, 2 when any library hit an error
 * bucket. A run that is interrupted or dies still prints what it did before it stopped.
 */
export const runOnce = Effect.gen(function* () {
  const consumer = yield* Consumer
  const dryRun = consumer.settings.dryRun
  const progress = yield* Ref.make(Totals.empty)
  const report = (totals: Totals.Totals) =>
    Console.log(JSON.stringify(dryRun ? Totals.toDryRunReport(totals) : totals))
  const reportPartial = (why: string) =>
    Effect.flatMap(Ref.get(progress), (totals) =>
      Effect.zipRight(
        report(totals),
        Effect.logWarning(`${why}; the Totals printed are partial`).pipe(
          Effect.annotateLogs({ scanned: totals.scanned, resolved: totals.rows_resolved })
        )
      )
    )
  const totals = yield* consumer.runInto(progress).pipe(
    Effect.onInterrupt(() => reportPartial("run interrupted")),
    Effect.tapError((error) =>
      error._tag === "RunLockBusy" ? Effect.void : reportPartial("run stopped by a fatal error")
    )
  )
  yield* report(totals)
  const errors = Totals.errorCount(totals)
  yield* Effect.logInfo(dryRun ? "dry run finished; nothing was written" : "run finished").pipe(
    Effect.annotateLogs({
      scanned: totals.scanned,
      resolved: totals.rows_resolved,
      libraries_in_error: errors
    })
  )
  if (errors > 0) return yield* new ExitStatus({ code: 2 })
}).pipe(
  Effect.catchTag("RunLockBusy", (busy) =>
    Effect.zipRight(Effect.logError(busy.message), Effect.fail(new ExitStatus({ code: EXIT_LOCKED })))
  )
)

/** Fatal errors become one clear line on stderr and exit status 1. */
export const reportFatal = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && failure.value instanceof ExitStatus) return Effect.fail(failure.value)
      if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
      const lines =
        failure._tag === "Some" && ConfigError.isConfigError(failure.value)
          ? configErrorLines(failure.value).map((line) => `config error: ${line}`)
          : failure._tag === "Some" && failure.value instanceof Error
            ? [`fatal: ${failure.value.message}`]
            : [`fatal: ${Cause.pretty(cause)}`]
      return Effect.forEach(lines, (line) => Effect.logError(line), { discard: true }).pipe(
        Effect.zipRight(Effect.fail(new ExitStatus({ code: 1 })))
      )
    })
  )

const runJob = reportFatal(
  runOnce.pipe(Effect.provide(ConsumerLive), Effect.annotateLogs("run_id", crypto.randomUUID()))
)

const migrateJob = reportFatal(
  migrate.pipe(Effect.zipRight(Effect.logInfo("migrations are up to date")), Effect.provide(MigrateLive))
)

const run = Command.make("run", {}, () => runJob).pipe(
  Command.withDescription("Resolve every library whose identity is missing or stale (the default).")
)
const migrateCommand = Command.make("migrate", {}, () => migrateJob).pipe(
  Command.withDescription("Apply the idempotent, additive schema migrations.")
)

export const command = Command.make("library-identity-consumer", {}, () => runJob).pipe(
  Command.withDescription("Keeps the catalog's artist identities fresh from LML's bulk-resolve endpoint."),
  Command.withSubcommands([run, migrateCommand])
)

export const cli = Command.run(command, { name: "library-identity-consumer", version: "0.1.0" })
