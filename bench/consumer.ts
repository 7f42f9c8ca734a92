/**
 * One run of the real CLI (`node dist/cli.mjs run`) as a separate process, timed, with its
 * Totals checked: a run that did not process exactly the libraries due, cleanly, is an error,
 * never a number in the table.
 */
import { Effect, Schema } from "effect"
import type { WriteMode } from "../src/ConsumerConfig.js"
import { ERROR_BUCKETS } from "../src/domain/Totals.js"
import { LINK_METHOD } from "../src/VerdictWriter/TrackLinks.js"
import { postgresCpuSeconds, processCpuSeconds } from "./cpu.js"
import { DATABASE_URL, withSql } from "./db.js"
import { runTimed, simulatorServiceStats } from "./processes.js"

export interface ConsumerRunConfig {
  readonly label: string
  readonly schema: string
  /** Libraries due in `schema`; the run must scan exactly these. */
  readonly n: number
  /** Of those, the V/A compilations: the run must scan exactly these in its V/A cohort. */
  readonly vaRows: number
  readonly lmlUrl: string
  /** The simulator's pid, to charge its CPU time to this run. */
  readonly simulatorPid: number
  readonly writeMode: WriteMode
  readonly concurrency: number
  readonly batchSize: number
  readonly vaBatchSize: number
  /** `INCLUDE_NULL_CANONICAL=true`: NULL-canonical rows are due too. */
  readonly includeNullCanonical: boolean
  readonly latencyMs: number
}

export interface ConsumerRun {
  readonly config: ConsumerRunConfig
  readonly wallMs: number
  readonly peakRssKb: number
  readonly cliCpuS: number
  readonly simulatorCpuS: number | undefined
  /** Σ of the simulator's own service time for this run's requests, delay included. */
  readonly simulatorServiceMs: number
  readonly postgresCpuS: number | undefined
  readonly totals: RunTotals
}

/**
 * The part of the CLI's Totals report the bench checks, for the whole run and for each cohort
 * alike. `rows_skipped` is read as a record so that a bucket added later still counts towards
 * the balance; other keys pass unchecked.
 */
const Count = Schema.NonNegativeInt
const totalsFields = {
  scanned: Count,
  rows_resolved: Count,
  rows_resolved_compilation: Count,
  rows_unresolved: Count,
  rows_skipped: Schema.Record({ key: Schema.String, value: Count }),
  source_rows_skipped_null_confidence: Count,
  compilation_track_rows_written: Count,
  compilation_track_position_rows_written: Count,
  compilation_track_rows_skipped_unchanged: Count,
  compilation_track_rows_skipped_librarian: Count,
  compilation_track_rows_skipped_no_catalog_artist: Count,
  compilation_track_rows_skipped_no_cta_match: Count,
  compilation_track_position_rows_skipped_ambiguous: Count,
  lml_total_calls: Count,
  /** Calls that repeated a failed one, included in `lml_total_calls` (absent before retries existed). */
  lml_retries: Schema.optional(Count),
  lml_total_latency_ms: Count
}
const CohortTotals = Schema.Struct(totalsFields)
export type CohortTotals = typeof CohortTotals.Type
const RunTotals = Schema.Struct({
  ...totalsFields,
  cohorts: Schema.Struct({ va: CohortTotals, non_va: CohortTotals })
})
export type RunTotals = typeof RunTotals.Type
const decodeTotals = Schema.decodeUnknownSync(Schema.parseJson(RunTotals))

const skipped = (totals: CohortTotals, bucket: string): number => totals.rows_skipped[bucket] ?? 0
const skippedSum = (totals: CohortTotals): number =>
  Object.values(totals.rows_skipped).reduce((sum, n) => sum + n, 0)
const isBalanced = (totals: CohortTotals): boolean =>
  totals.scanned ===
  totals.rows_resolved + totals.rows_resolved_compilation + totals.rows_unresolved + skippedSum(totals)

/** Settings that would change what the run does; the bench sets what it wants and clears the rest. */
const CONSUMER_ENV = [
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_USERNAME",
  "DB_PASSWORD",
  "LML_API_KEY",
  "LML_TIMEOUT_MS",
  "STALE_THRESHOLD_DAYS",
  "UNRESOLVED_RETRY_DAYS",
  "INCLUDE_NULL_CANONICAL",
  "RECHECK",
  "VA_BATCH_SIZE",
  "PARTITION_INDEX",
  "PARTITION_COUNT",
  "JOB_COMPLETION_INDEX",
  "DRY_RUN",
  "THROTTLE_MS",
  "LML_RATE_PER_MIN",
  "LML_MAX_RETRIES",
  "LML_RETRY_BASE_MS",
  "LML_MAX_CONSECUTIVE_FAILED_BATCHES"
]

const consumerEnv = (config: ConsumerRunConfig): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of CONSUMER_ENV) delete env[name]
  return {
    ...env,
    DATABASE_URL,
    LIBRARY_METADATA_URL: config.lmlUrl,
    WXYC_SCHEMA_NAME: config.schema,
    BATCH_SIZE: String(config.batchSize),
    VA_BATCH_SIZE: String(config.vaBatchSize),
    ...(config.includeNullCanonical ? { INCLUDE_NULL_CANONICAL: "true" } : {}),
    WRITE_MODE: config.writeMode,
    LML_CONCURRENCY: String(config.concurrency),
    LOG_LEVEL: "warning",
    LOG_FORMAT: "json"
  }
}

/** One call per batch: the V/A cohort in batches of `vaBatchSize`, the rest in batches of `batchSize`. */
export const expectedCalls = (
  config: Pick<ConsumerRunConfig, "n" | "vaRows" | "batchSize" | "vaBatchSize">
): number =>
  Math.ceil(config.vaRows / config.vaBatchSize) + Math.ceil((config.n - config.vaRows) / config.batchSize)

/** Generous, but bounded: a stuck run fails the bench instead of hanging it. */
const timeoutMs = (config: ConsumerRunConfig): number =>
  120_000 +
  config.n * (config.writeMode === "per_library" ? 10 : 2) +
  expectedCalls(config) * config.latencyMs

const check = (config: ConsumerRunConfig, condition: boolean, what: string): void => {
  if (!condition) throw new Error(`${config.label}: ${what}`)
}

/** What a run's writes can be checked against: counted before and after it. */
interface StoredRows {
  readonly identities: number
  /** `compilation_track_artist` rows this job has linked. */
  readonly linkedTracks: number
}

const storedRows = (schema: string): Promise<StoredRows> =>
  withSql((sql) =>
    Effect.map(
      sql<StoredRows>`SELECT
          (SELECT count(*)::int FROM ${sql(`${schema}.library_identity`)}) AS identities,
          (SELECT count(*)::int FROM ${sql(`${schema}.compilation_track_artist`)}
            WHERE track_artist_link_method = ${LINK_METHOD}) AS "linkedTracks"`,
      (rows) => rows[0] ?? { identities: 0, linkedTracks: 0 }
    )
  )

/** The invariant and the error buckets, for the whole run or one cohort. */
const checkBalance = (config: ConsumerRunConfig, part: string, totals: CohortTotals, shown: string) => {
  check(
    config,
    isBalanced(totals),
    `${part}: Totals do not balance (scanned != resolved + resolved_compilation + unresolved + Σ skipped): ${shown}`
  )
  const inError = ERROR_BUCKETS.reduce((sum, bucket) => sum + skipped(totals, bucket), 0)
  check(config, inError === 0, `${part}: libraries in error buckets: ${shown}`)
  check(config, skipped(totals, "manual_override") === 0, `${part}: unexpected manual overrides: ${shown}`)
}

export const runConsumer = async (config: ConsumerRunConfig): Promise<ConsumerRun> => {
  const before = await storedRows(config.schema)
  const simulatorBefore = processCpuSeconds(config.simulatorPid)
  const serviceBefore = await simulatorServiceStats(config.lmlUrl)
  const postgresBefore = postgresCpuSeconds()
  const run = await runTimed({
    label: config.label,
    command: process.execPath,
    args: ["dist/cli.mjs", "run"],
    env: consumerEnv(config),
    timeoutMs: timeoutMs(config)
  })
  const simulatorAfter = processCpuSeconds(config.simulatorPid)
  const serviceAfter = await simulatorServiceStats(config.lmlUrl)
  const postgresAfter = postgresCpuSeconds()
  if (run.code !== 0) {
    throw new Error(
      `${config.label}: the CLI exited with ${run.code ?? run.signal}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr}`
    )
  }
  let totals: RunTotals
  try {
    totals = decodeTotals(run.stdout.trim())
  } catch (error) {
    throw new Error(
      `${config.label}: stdout is not a Totals object: ${String(error)}\n${run.stdout.slice(0, 2000)}`
    )
  }
  const shown = JSON.stringify(totals)
  const { va, non_va: nonVa } = totals.cohorts
  check(config, totals.scanned === config.n, `scanned ${totals.scanned}, expected ${config.n}: ${shown}`)
  check(
    config,
    va.scanned === config.vaRows && va.scanned + nonVa.scanned === totals.scanned,
    `cohorts scanned ${va.scanned} V/A + ${nonVa.scanned} others, expected ${config.vaRows} V/A of ${config.n}: ${shown}`
  )
  checkBalance(config, "run", totals, shown)
  checkBalance(config, "V/A cohort", va, shown)
  checkBalance(config, "non-V/A cohort", nonVa, shown)
  check(
    config,
    totals.lml_total_calls === expectedCalls(config) + (totals.lml_retries ?? 0),
    `${totals.lml_total_calls} LML calls, expected ${expectedCalls(config)} plus ${totals.lml_retries ?? 0} retries`
  )
  check(
    config,
    serviceAfter.requests - serviceBefore.requests === totals.lml_total_calls,
    `the simulator served ${serviceAfter.requests - serviceBefore.requests} requests, the CLI counted ${totals.lml_total_calls} calls`
  )
  const after = await storedRows(config.schema)
  check(
    config,
    after.identities - before.identities === totals.rows_resolved,
    `${after.identities - before.identities} identity rows added, ${totals.rows_resolved} reported: ` +
      "a run on a freshly seeded catalog adds one per resolved library, a run with nothing due adds none"
  )
  check(
    config,
    after.linkedTracks - before.linkedTracks === totals.compilation_track_rows_written,
    `${after.linkedTracks - before.linkedTracks} track rows newly linked (${LINK_METHOD}), ` +
      `${totals.compilation_track_rows_written} reported written`
  )
  const delta = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : after - before
  return {
    config,
    wallMs: run.wallMs,
    peakRssKb: run.peakRssKb,
    cliCpuS: run.cpuS,
    simulatorCpuS: delta(simulatorBefore, simulatorAfter),
    simulatorServiceMs: serviceAfter.serviceMs - serviceBefore.serviceMs,
    postgresCpuS: delta(postgresBefore, postgresAfter),
    totals
  }
}
