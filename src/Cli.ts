/**
 * The command line: `run` (the default), `schedule`, `status` and `migrate`. Flags mirror the
 * environment variables and win over them. Each command ends in an exit status the entrypoint
 * turns into the process exit code; nothing here exits the process.
 */
import { Command, Options } from "@effect/cli"
import { Cause, ConfigError, ConfigProvider, Console, Data, Effect, Exit, Layer, Option, Ref } from "effect"
import { DemoDatabaseLive, DemoLive } from "../layers/Demo.js"
import { CatalogDatabaseLive, ConsumerOnLiveEdges } from "../layers/Main.js"
import * as Tracing from "../layers/Tracing.js"
import { configErrorLines, integerBetween } from "./config/EnvValues.js"
import { CatalogRepository } from "./CatalogRepository.js"
import { formatCatalogStatus, readCatalogStatus } from "./CatalogStatus.js"
import { Consumer } from "./Consumer.js"
import { selectionSettings } from "./ConsumerConfig.js"
import * as Totals from "./domain/Totals.js"
import { Incidents } from "./Incidents.js"
import { demoRun } from "./demo/DemoRun.js"
import { migrate } from "./Migrations.js"
import { RunLockBusy } from "./RunLock.js"
import { databaseMode, runMode } from "./RunMode.js"
import { cronFromEnv, runOnSchedule } from "./ScheduledRuns.js"

/** How a command ended, for the process exit code (see README, "Exit codes"). */
export class ExitStatus extends Data.TaggedError("ExitStatus")<{ readonly code: number }> {}

/** Exit status of a run that found another run holding its lock (EX_TEMPFAIL: try again later). */
export const EXIT_LOCKED = 75

/** How long a signalled run may take to finish its in-flight write before the process is ended. */
export const shutdownGraceMs = integerBetween("SHUTDOWN_GRACE_MS", 20_000, 0, 600_000)

/** A run that completed with libraries in an error bucket exits 2, never 0. */
const failIfLibrariesInError = (totals: Totals.Totals) =>
  Totals.errorCount(totals) > 0 ? Effect.fail(new ExitStatus({ code: 2 })) : Effect.void

/** A lock held by another run: one clear line, exit 75, nothing done. */
function exitIfLocked<A, E, R>(effect: Effect.Effect<A, E | RunLockBusy, R>) {
  return Effect.catchIf(
    effect,
    (error): error is RunLockBusy => error instanceof RunLockBusy,
    (busy) =>
      Effect.zipRight(Effect.logError(busy.message), Effect.fail(new ExitStatus({ code: EXIT_LOCKED })))
  )
}

/**
 * Runs the job once and prints its report on stdout: 0 clean, 2 when any library hit an error
 * bucket. A run that is interrupted or dies still prints what it did before it stopped.
 */
export const runOnce = Effect.gen(function* () {
  const consumer = yield* Consumer
  const dryRun = consumer.settings.dryRun
  const progress = yield* Ref.make(Totals.emptyRun)
  const report = (totals: Totals.RunTotals) =>
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
    Effect.tapErrorCause((cause) =>
      Cause.isInterruptedOnly(cause) ||
      Option.exists(Cause.failureOption(cause), (error) => error instanceof RunLockBusy)
        ? Effect.void
        : reportPartial("run stopped by a fatal error")
    )
  )
  yield* report(totals)
  yield* Effect.logInfo(dryRun ? "dry run finished; nothing was written" : "run finished").pipe(
    Effect.annotateLogs({
      scanned: totals.scanned,
      resolved: totals.rows_resolved,
      libraries_in_error: Totals.errorCount(totals)
    })
  )
  yield* failIfLibrariesInError(totals)
}).pipe(
  exitIfLocked,
  reportFatal,
  (run) => Effect.flatMap(Incidents, (incidents) => incidents.monitorRun(run, Exit.isFailure)),
  Effect.withLogSpan("run"),
  (run) =>
    Effect.flatMap(
      Effect.sync(() => crypto.randomUUID()),
      (id) => Effect.annotateLogs(run, "run_id", id)
    )
)

/** Fatal errors become one clear line on stderr (and an incident) and exit status 1. */
export function reportFatal<A, E, R>(effect: Effect.Effect<A, E, R>) {
  return effect.pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure) && failure.value instanceof ExitStatus) return Effect.fail(failure.value)
      if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
      const lines =
        Option.isSome(failure) && ConfigError.isConfigError(failure.value)
          ? configErrorLines(failure.value).map((line) => `config error: ${line}`)
          : Option.isSome(failure) && failure.value instanceof Error
            ? [`fatal: ${failure.value.message}`]
            : [`fatal: ${Cause.pretty(cause)}`]
      return Effect.forEach(lines, (line) => Effect.zipRight(Effect.logError(line), reportIncident(line)), {
        discard: true
      }).pipe(Effect.zipRight(Effect.fail(new ExitStatus({ code: 1 }))))
    })
  )
}

/** Reports to the error tracker when one is in context (it is not while config is still being read). */
const reportIncident = (message: string) =>
  Effect.serviceOption(Incidents).pipe(
    Effect.flatMap(
      Option.match({ onNone: () => Effect.void, onSome: (incidents) => incidents.fatal(message) })
    )
  )

/** The flags that decide which rows are due; `status` takes them too. */
const selectionFlags = {
  staleThresholdDays: Options.integer("stale-threshold-days").pipe(
    Options.withDescription("STALE_THRESHOLD_DAYS"),
    Options.optional
  ),
  unresolvedRetryDays: Options.integer("unresolved-retry-days").pipe(
    Options.withDescription(
      "UNRESOLVED_RETRY_DAYS: ask again about rows LML found nothing for, after this many days"
    ),
    Options.optional
  ),
  includeNullCanonical: Options.boolean("include-null-canonical").pipe(
    Options.withDescription("INCLUDE_NULL_CANONICAL: also select rows whose canonical_entity_id is NULL")
  ),
  partitionIndex: Options.integer("partition-index").pipe(
    Options.withDescription("PARTITION_INDEX"),
    Options.optional
  ),
  partitionCount: Options.integer("partition-count").pipe(
    Options.withDescription("PARTITION_COUNT"),
    Options.optional
  ),
  schema: Options.text("schema").pipe(Options.withDescription("WXYC_SCHEMA_NAME"), Options.optional)
}

type SelectionFlags = Command.Command.ParseConfig<typeof selectionFlags>

const selectionVariables = (flags: SelectionFlags): Record<string, Option.Option<string | number>> => ({
  STALE_THRESHOLD_DAYS: flags.staleThresholdDays,
  UNRESOLVED_RETRY_DAYS: flags.unresolvedRetryDays,
  INCLUDE_NULL_CANONICAL: flags.includeNullCanonical ? Option.some("true") : Option.none(),
  PARTITION_INDEX: flags.partitionIndex,
  PARTITION_COUNT: flags.partitionCount,
  WXYC_SCHEMA_NAME: flags.schema
})

/** Flags that mirror environment variables; a flag given on the command line wins. */
const settingFlags = {
  ...selectionFlags,
  batchSize: Options.integer("batch-size").pipe(Options.withDescription("BATCH_SIZE"), Options.optional),
  vaBatchSize: Options.integer("va-batch-size").pipe(
    Options.withDescription("VA_BATCH_SIZE"),
    Options.optional
  ),
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("DRY_RUN: ask LML, write nothing")),
  recheck: Options.boolean("recheck").pipe(
    Options.withDescription("RECHECK=true: re-ask every V/A row that carries a no-match marker")
  ),
  recheckAll: Options.boolean("recheck-all").pipe(
    Options.withDescription("RECHECK=all: re-ask every row that carries a no-match marker")
  ),
  writeMode: Options.choice("write-mode", ["batch", "per_library"]).pipe(
    Options.withDescription("WRITE_MODE"),
    Options.optional
  ),
  lmlConcurrency: Options.integer("lml-concurrency").pipe(
    Options.withDescription("LML_CONCURRENCY"),
    Options.optional
  )
}

type SettingFlags = Command.Command.ParseConfig<typeof settingFlags>

/** The variables the setting flags stand for; unset flags stand for nothing. */
const settingVariables = (flags: SettingFlags): Record<string, Option.Option<string | number>> => ({
  ...selectionVariables(flags),
  BATCH_SIZE: flags.batchSize,
  VA_BATCH_SIZE: flags.vaBatchSize,
  DRY_RUN: flags.dryRun ? Option.some("true") : Option.none(),
  RECHECK: flags.recheckAll ? Option.some("all") : flags.recheck ? Option.some("true") : Option.none(),
  WRITE_MODE: flags.writeMode,
  LML_CONCURRENCY: flags.lmlConcurrency
})

/** Values given on the command line first, then the environment: a flag wins over its variable. */
const withVariables = (values: Record<string, Option.Option<string | number>>) => {
  const given = Object.entries(values).flatMap(([name, value]) =>
    Option.isSome(value) ? [[name, String(value.value)] as const] : []
  )
  return Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map(given)).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
  )
}

/**
 * Telemetry wraps everything else, so that a fatal error while the other layers are built (an
 * unreachable database, say) is reported too; the outer `reportFatal` catches telemetry's own
 * configuration errors.
 */
const withTelemetry = <A, E, R>(job: Effect.Effect<A, E, R>) =>
  job.pipe(reportFatal, Effect.provide(Tracing.layer), reportFatal)

const demoJob = demoRun.pipe(Effect.flatMap(failIfLibrariesInError), Effect.provide(DemoLive), exitIfLocked)

const runJob = withTelemetry(
  Effect.flatMap(runMode, (mode) =>
    mode === "demo" ? demoJob : runOnce.pipe(Effect.provide(ConsumerOnLiveEdges))
  )
)

const scheduleJob = withTelemetry(
  Effect.gen(function* () {
    const schedule = yield* cronFromEnv
    // A run that ends with libraries in error or finds the lock taken is logged, not fatal.
    const tick = runOnce.pipe(
      Effect.catchTag("ExitStatus", (status) =>
        Effect.logWarning(`run ended with exit status ${status.code}`)
      )
    )
    yield* Layer.launch(
      Layer.scopedDiscard(runOnSchedule(schedule, tick)).pipe(Layer.provide(ConsumerOnLiveEdges))
    )
  })
)

const migrateJob = migrate.pipe(
  Effect.zipRight(Effect.logInfo("migrations are up to date")),
  Effect.provide(CatalogDatabaseLive),
  reportFatal
)

/** One JSON object on stdout; a table instead when a person is reading a terminal. */
const statusJob = Effect.gen(function* () {
  const rules = yield* selectionSettings
  yield* Effect.flatMap(CatalogRepository, (catalog) => catalog.verifySchema)
  const status = yield* readCatalogStatus(rules)
  yield* Console.log(process.stdout.isTTY ? formatCatalogStatus(status).join("\n") : JSON.stringify(status))
}).pipe(
  Effect.provide(CatalogRepository.Default),
  (job) =>
    Effect.flatMap(databaseMode, (mode) =>
      Effect.provide(job, mode === "demo" ? DemoDatabaseLive : CatalogDatabaseLive)
    ),
  reportFatal
)

const run = Command.make("run", settingFlags, (flags) => withVariables(settingVariables(flags))(runJob)).pipe(
  Command.withDescription("Resolve every library whose identity is missing or stale, once (the default).")
)

const schedule = Command.make(
  "schedule",
  {
    ...settingFlags,
    cron: Options.text("cron").pipe(Options.withDescription("SCHEDULE: a cron expression"), Options.optional),
    timezone: Options.text("timezone").pipe(
      Options.withDescription("SCHEDULE_TZ (default UTC)"),
      Options.optional
    )
  },
  (flags) =>
    withVariables({ ...settingVariables(flags), SCHEDULE: flags.cron, SCHEDULE_TZ: flags.timezone })(
      scheduleJob
    )
).pipe(Command.withDescription("Run on a cron schedule until SIGTERM; runs never overlap."))

const statusCommand = Command.make("status", selectionFlags, (flags) =>
  withVariables(selectionVariables(flags))(statusJob)
).pipe(
  Command.withDescription(
    "Report how much of the catalog has an identity and what is due, with the settings a run would use; writes nothing."
  )
)

const migrateCommand = Command.make("migrate", { schema: settingFlags.schema }, (flags) =>
  withVariables({ WXYC_SCHEMA_NAME: flags.schema })(migrateJob)
).pipe(Command.withDescription("Apply the idempotent, additive schema migrations."))

export const command = Command.make("library-identity-consumer", settingFlags, (flags) =>
  withVariables(settingVariables(flags))(runJob)
).pipe(
  Command.withDescription("Keeps the catalog's artist identities fresh from LML's bulk-resolve endpoint."),
  Command.withSubcommands([run, schedule, statusCommand, migrateCommand])
)

export const cli = Command.run(command, { name: "library-identity-consumer", version: "0.1.0" })
