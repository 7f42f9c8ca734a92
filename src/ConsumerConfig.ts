/**
 * The settings of one run, read once from the environment. Tests build them with `make`
 * (or a `ConfigProvider.fromMap`) instead of touching `process.env`.
 */
import { Config, ConfigError, Context, Either, Layer, Option } from "effect"
import { flag, integerBetween, oneOf, optionalIntegerBetween } from "./config/EnvValues.js"

export type WriteMode = "batch" | "per_library"

/**
 * Which rows carrying a no-match marker a run re-asks at once, whatever the marker's age:
 * none (a normal run), the V/A ones (after LML's per-track store was filled), or all of them.
 */
export type Recheck = "off" | "va" | "all"

export interface Partition {
  readonly index: number
  readonly count: number
}

export interface ConsumerSettings {
  /** Rows per LML request (LML caps a request at 1000). */
  readonly batchSize: number
  /** Rows per request in the V/A cohort, whose answers carry per-track credits and run large. */
  readonly vaBatchSize: number
  /** A library is selected when its identity was not verified within this many days. */
  readonly staleThresholdDays: number
  /** A row LML found nothing for is asked again once its marker is older than this many days. */
  readonly unresolvedRetryDays: number
  /** Also select rows whose `canonical_entity_id` is NULL. */
  readonly includeNullCanonical: boolean
  /** Marked rows to re-ask now, instead of a normal selection. */
  readonly recheck: Recheck
  /** Restricts the run to `id % count = index`, for parallel workers. */
  readonly partition: Option.Option<Partition>
  /** Call LML, write nothing, report what would have happened. */
  readonly dryRun: boolean
  /** `per_library` forces one transaction per library (the fallback path) for every batch. */
  readonly writeMode: WriteMode
  /** How many LML requests may be in flight at once. */
  readonly lmlConcurrency: number
  /** Minimum gap between the starts of two LML requests. */
  readonly throttleMs: number
  /** Optional cap on LML requests per minute. */
  readonly lmlRatePerMinute: Option.Option<number>
  /** Retries of a retryable LML failure before the batch counts as `lml_error`. */
  readonly lmlMaxRetries: number
  /** The first backoff step; later ones double, with full jitter, up to 30 s. */
  readonly lmlRetryBaseMs: number
  /** After this many whole batches in a row end in `lml_error`, LML is down: stop the run. */
  readonly maxConsecutiveFailedBatches: number
}

/** An Indexed Job in Kubernetes numbers its pods in `JOB_COMPLETION_INDEX`. */
const partitionIndex = Config.all([
  optionalIntegerBetween("PARTITION_INDEX", 0, 1_000_000),
  optionalIntegerBetween("JOB_COMPLETION_INDEX", 0, 1_000_000)
]).pipe(Config.map(([explicit, completionIndex]) => Option.orElse(explicit, () => completionIndex)))

const partition: Config.Config<Option.Option<Partition>> = Config.all([
  partitionIndex,
  optionalIntegerBetween("PARTITION_COUNT", 1, 1_000_000)
]).pipe(
  Config.mapOrFail(([index, count]) => {
    if (Option.isNone(index) && Option.isNone(count)) return Either.right(Option.none())
    if (Option.isSome(index) && Option.isSome(count) && index.value < count.value) {
      return Either.right(Option.some({ index: index.value, count: count.value }))
    }
    const show = (o: Option.Option<number>) => Option.match(o, { onNone: () => "unset", onSome: String })
    return Either.left(
      ConfigError.InvalidData(
        [],
        `PARTITION_INDEX=${show(index)} with PARTITION_COUNT=${show(count)} is invalid: ` +
          "set both, with 0 <= PARTITION_INDEX < PARTITION_COUNT"
      )
    )
  })
)

const recheck: Config.Config<Recheck> = oneOf("RECHECK", ["true", "1", "all", "false", "0"], "false").pipe(
  Config.map((word) => (word === "all" ? "all" : word === "true" || word === "1" ? "va" : "off"))
)

/** What decides which rows are due; `status` reads these too, with the same names and rules. */
export const selectionSettings = Config.all({
  staleThresholdDays: integerBetween("STALE_THRESHOLD_DAYS", 7, 0, 36_500),
  unresolvedRetryDays: integerBetween("UNRESOLVED_RETRY_DAYS", 30, 1, 36_500),
  includeNullCanonical: flag("INCLUDE_NULL_CANONICAL", false),
  partition
})

export const consumerSettings: Config.Config<ConsumerSettings> = Config.all({
  selection: selectionSettings,
  batchSize: integerBetween("BATCH_SIZE", 500, 1, 1000),
  vaBatchSize: integerBetween("VA_BATCH_SIZE", 100, 1, 1000),
  recheck,
  dryRun: flag("DRY_RUN", false),
  writeMode: oneOf("WRITE_MODE", ["batch", "per_library"], "batch"),
  lmlConcurrency: integerBetween("LML_CONCURRENCY", 1, 1, 8),
  throttleMs: integerBetween("THROTTLE_MS", 0, 0, 3_600_000),
  lmlRatePerMinute: optionalIntegerBetween("LML_RATE_PER_MIN", 1, 1_000_000),
  lmlMaxRetries: integerBetween("LML_MAX_RETRIES", 4, 0, 20),
  lmlRetryBaseMs: integerBetween("LML_RETRY_BASE_MS", 500, 1, 30_000),
  maxConsecutiveFailedBatches: integerBetween("LML_MAX_CONSECUTIVE_FAILED_BATCHES", 5, 1, 1_000_000)
}).pipe(Config.map(({ selection, ...rest }) => ({ ...selection, ...rest })))

export class ConsumerConfig extends Context.Tag("ConsumerConfig")<ConsumerConfig, ConsumerSettings>() {
  static readonly layer = Layer.effect(ConsumerConfig, consumerSettings)

  static readonly defaults: ConsumerSettings = {
    batchSize: 500,
    vaBatchSize: 100,
    staleThresholdDays: 7,
    unresolvedRetryDays: 30,
    includeNullCanonical: false,
    recheck: "off",
    partition: Option.none(),
    dryRun: false,
    writeMode: "batch",
    lmlConcurrency: 1,
    throttleMs: 0,
    lmlRatePerMinute: Option.none(),
    lmlMaxRetries: 4,
    lmlRetryBaseMs: 500,
    maxConsecutiveFailedBatches: 5
  }

  static readonly make = (overrides: Partial<ConsumerSettings> = {}) =>
    Layer.succeed(ConsumerConfig, { ...ConsumerConfig.defaults, ...overrides })
}
