/**
 * One run of the real CLI (`node dist/cli.mjs run`) as a separate process, timed, with its
 * Totals checked: a run that did not process exactly the seeded libraries, cleanly, is an error,
 * never a number in the table.
 */
import { Schema } from "effect"
import type { WriteMode } from "../src/ConsumerConfig.js"
import { ERROR_BUCKETS } from "../src/domain/Totals.js"
import { postgresCpuSeconds, processCpuSeconds } from "./cpu.js"
import { countRows, DATABASE_URL } from "./db.js"
import { runTimed } from "./processes.js"

export interface ConsumerRunConfig {
  readonly label: string
  readonly schema: string
  /** Libraries seeded in `schema`; the run must scan exactly these. */
  readonly n: number
  readonly lmlUrl: string
  /** The simulator's pid, to charge its CPU time to this run. */
  readonly simulatorPid: number
  readonly writeMode: WriteMode
  readonly concurrency: number
  readonly batchSize: number
  readonly latencyMs: number
}

export interface ConsumerRun {
  readonly config: ConsumerRunConfig
  readonly wallMs: number
  readonly peakRssKb: number
  readonly cliCpuS: number
  readonly simulatorCpuS: number | undefined
  readonly postgresCpuS: number | undefined
  readonly totals: RunTotals
}

/**
 * The part of the CLI's Totals report the bench checks. `rows_skipped` is read as a record so
 * that a bucket added later still counts towards the balance; other keys pass unchecked.
 */
const Count = Schema.NonNegativeInt
const RunTotals = Schema.Struct({
  scanned: Count,
  rows_resolved: Count,
  rows_unresolved: Count,
  rows_skipped: Schema.Record({ key: Schema.String, value: Count }),
  source_rows_skipped_null_confidence: Count,
  lml_total_calls: Count,
  /** Calls that repeated a failed one, included in `lml_total_calls` (absent before retries existed). */
  lml_retries: Schema.optional(Count),
  lml_total_latency_ms: Count
})
export type RunTotals = typeof RunTotals.Type
const decodeTotals = Schema.decodeUnknownSync(Schema.parseJson(RunTotals))

const skipped = (totals: RunTotals, bucket: string): number => totals.rows_skipped[bucket] ?? 0
const skippedSum = (totals: RunTotals): number =>
  Object.values(totals.rows_skipped).reduce((sum, n) => sum + n, 0)

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
  "PARTITION_INDEX",
  "PARTITION_COUNT",
  "DRY_RUN",
  "THROTTLE_MS",
  "LML_RATE_PER_MIN"
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
    WRITE_MODE: config.writeMode,
    LML_CONCURRENCY: String(config.concurrency),
    LOG_LEVEL: "warning",
    LOG_FORMAT: "json"
  }
}

export const expectedCalls = (config: Pick<ConsumerRunConfig, "n" | "batchSize">): number =>
  Math.ceil(config.n / config.batchSize)

/** Generous, but bounded: a stuck run fails the bench instead of hanging it. */
const timeoutMs = (config: ConsumerRunConfig): number =>
  120_000 +
  config.n * (config.writeMode === "per_library" ? 10 : 2) +
  expectedCalls(config) * config.latencyMs

const check = (config: ConsumerRunConfig, condition: boolean, what: string): void => {
  if (!condition) throw new Error(`${config.label}: ${what}`)
}

export const runConsumer = async (config: ConsumerRunConfig): Promise<ConsumerRun> => {
  const simulatorBefore = processCpuSeconds(config.simulatorPid)
  const postgresBefore = postgresCpuSeconds()
  const run = await runTimed({
    label: config.label,
    command: process.execPath,
    args: ["dist/cli.mjs", "run"],
    env: consumerEnv(config),
    timeoutMs: timeoutMs(config)
  })
  const simulatorAfter = processCpuSeconds(config.simulatorPid)
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
  check(config, totals.scanned === config.n, `scanned ${totals.scanned}, expected ${config.n}: ${shown}`)
  check(
    config,
    totals.scanned === totals.rows_resolved + totals.rows_unresolved + skippedSum(totals),
    `Totals do not balance (scanned != resolved + unresolved + Σ skipped): ${shown}`
  )
  const inError = ERROR_BUCKETS.reduce((sum, bucket) => sum + skipped(totals, bucket), 0)
  check(config, inError === 0, `libraries in error buckets: ${shown}`)
  check(config, skipped(totals, "manual_override") === 0, `unexpected manual overrides: ${shown}`)
  check(
    config,
    totals.lml_total_calls === expectedCalls(config) + (totals.lml_retries ?? 0),
    `${totals.lml_total_calls} LML calls, expected ${expectedCalls(config)} plus ${totals.lml_retries ?? 0} retries`
  )
  const stored = await countRows(`${config.schema}.library_identity`)
  check(
    config,
    stored === totals.rows_resolved,
    `${stored} identity rows stored, ${totals.rows_resolved} reported`
  )
  const delta = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : after - before
  return {
    config,
    wallMs: run.wallMs,
    peakRssKb: run.peakRssKb,
    cliCpuS: run.cpuS,
    simulatorCpuS: delta(simulatorBefore, simulatorAfter),
    postgresCpuS: delta(postgresBefore, postgresAfter),
    totals
  }
}
