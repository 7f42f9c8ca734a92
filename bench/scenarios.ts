/**
 * The scenarios of the benchmark and their targets. Runs happen in an order that shares
 * simulators and seeded catalogs (one simulator per simulator setting); rows come out in the
 * order of the issues: startup, W1, Floor, W2, W3, Coverage.
 */
import { ConsumerConfig, type WriteMode } from "../src/ConsumerConfig.js"
import { type ConsumerRun, runConsumer } from "./consumer.js"
import { type CoverageResult, runCoverage } from "./coverage.js"
import { dropSchema } from "./db.js"
import { compareWithApp, type FloorResult, measureFloor } from "./floor.js"
import { type Simulator, type SimulatorSettings, startSimulator } from "./processes.js"
import { formatRatio, formatSeconds, type Outcome, type TableRow } from "./report.js"
import { seedCatalog } from "./seed.js"

export const SCENARIOS = ["W1", "Floor", "W2", "W3", "Coverage"] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export const SIZES = { W1: 100_000, W2: 20_000, W3: 1_000_000, Coverage: 100_000 } as const
export const BATCH_SIZE = 500
/** The CLI's own default, set explicitly so that the expected call count cannot drift from it. */
export const VA_BATCH_SIZE = ConsumerConfig.defaults.vaBatchSize
export const W2_LATENCY_MS = 200
export const W2_CONCURRENCIES = [1, 4] as const
const STARTUP_RUNS = 3

export const TARGETS = {
  /** W1: default libraries/s at least this many times per_library's. */
  w1Speedup: 10,
  /** Floor: app wall time at most this many times the floor's. */
  floorRatio: 2,
  /** W2: wall time at most this many times the ideal (the simulator's measured service time). */
  w2Slack: 1.1,
  /** W2 at concurrency 1: Σ round trip minus the simulator's service time, per call, in ms. */
  w2OverheadMs: 5,
  /** W3: peak RSS at most this many times W1 default's. */
  w3Rss: 1.25,
  /** Coverage: the first run's libraries/s at least this share of W1 default's. */
  coverageThroughput: 0.5,
  /** Coverage: the second run (nothing due) under this many seconds of wall time. */
  coverageSecondRunS: 2
} as const

export interface BenchOptions {
  readonly only: ReadonlySet<ScenarioName>
  /** Multiplies every N. */
  readonly scale: number
  /** Leave the bench schemas in place for inspection. */
  readonly keep: boolean
  /** Progress lines (stderr). */
  readonly log: (line: string) => void
}

export interface BenchResult {
  readonly rows: ReadonlyArray<TableRow>
  readonly details: ReadonlyArray<string>
}

interface RunSpec {
  readonly label: string
  readonly schema: string
  readonly n: number
  readonly writeMode: WriteMode
  readonly concurrency: number
  readonly latencyMs: number
}

const seconds = (ms: number) => ms / 1000
const megabytes = (kb: number) => kb / 1024
const outcome = (passed: boolean): Outcome => (passed ? "PASS" : "MISS")
const perSecond = (n: number, ms: number) => (n === 0 ? undefined : n / seconds(ms))
const cpu = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(1)} s`)

const withSimulator = async <A>(
  settings: SimulatorSettings,
  f: (simulator: Simulator) => Promise<A>
): Promise<A> => {
  const simulator = await startSimulator(settings)
  try {
    return await f(simulator)
  } finally {
    await simulator.stop()
  }
}

/** The V/A cohort and the track links, for a run that had any. */
const describeVa = (run: ConsumerRun): string => {
  const va = run.totals.cohorts.va
  const t = run.totals
  if (va.scanned === 0 && t.compilation_track_rows_written === 0) return ""
  return (
    `; V/A cohort: ${va.scanned} scanned, ${va.rows_resolved_compilation} compilations with credits, ` +
    `${va.lml_total_calls} LML calls, Σ round trip ${formatSeconds(seconds(va.lml_total_latency_ms))} s; ` +
    `track rows: ${t.compilation_track_rows_written} linked (${t.compilation_track_position_rows_written} positions filled), ` +
    `${t.compilation_track_rows_skipped_no_catalog_artist} no catalog artist, ` +
    `${t.compilation_track_rows_skipped_no_cta_match} no matching row, ` +
    `${t.compilation_track_rows_skipped_unchanged} unchanged, ${t.compilation_track_rows_skipped_librarian} librarian's`
  )
}

/**
 * What an LML call costs the client beyond the simulator's own service time (its scripted delay
 * included): request encoding, the HTTP exchange, reading and decoding the reply, and waiting for
 * an event loop busy with other work.
 */
const clientOverheadMs = (run: ConsumerRun): number =>
  (run.totals.lml_total_latency_ms - run.simulatorServiceMs) / run.totals.lml_total_calls

/** Where one run's time went, as one line under the table. */
const describeRun = (run: ConsumerRun): string => {
  const t = run.totals
  return (
    `${run.config.label}: ${formatSeconds(seconds(run.wallMs))} s wall; CPU: CLI ${cpu(run.cliCpuS)}, ` +
    `simulated LML ${cpu(run.simulatorCpuS)}, PostgreSQL ${cpu(run.postgresCpuS)}; ` +
    `${t.lml_total_calls} LML calls (${t.lml_retries ?? 0} retries), Σ round trip ${formatSeconds(seconds(t.lml_total_latency_ms))} s, ` +
    `of it the simulator's own service ${formatSeconds(seconds(run.simulatorServiceMs))} s` +
    `${t.lml_total_calls === 0 ? "" : ` (client overhead ${clientOverheadMs(run).toFixed(1)} ms/call)`}; ` +
    `${t.rows_resolved} resolved, ${t.rows_resolved_compilation} compilations with credits, ` +
    `${t.rows_unresolved} unresolved, ${t.rows_skipped["compilation"] ?? 0} compilation, ` +
    `${t.source_rows_skipped_null_confidence} null-confidence source entries skipped` +
    describeVa(run)
  )
}

export const runBench = async (options: BenchOptions): Promise<BenchResult> => {
  const { log } = options
  const has = (name: ScenarioName) => options.only.has(name)
  const sized = (base: number) => Math.max(1, Math.round(base * options.scale))
  const details: Array<string> = []
  const release = async (schema: string) => {
    if (!options.keep) await dropSchema(schema)
  }

  /** What W1, W2, W3 and the startup run share: no V/A rows, canonicalised rows only. */
  const w1Settings = {
    vaRows: 0,
    batchSize: BATCH_SIZE,
    vaBatchSize: VA_BATCH_SIZE,
    includeNullCanonical: false
  } as const

  const runSeeded = async (simulator: Simulator, spec: RunSpec): Promise<ConsumerRun> => {
    log(`${spec.label}: seeding ${spec.n} libraries into ${spec.schema}`)
    await seedCatalog(spec.schema, spec.n)
    log(`${spec.label}: running the CLI`)
    const run = await runConsumer({
      ...spec,
      ...w1Settings,
      lmlUrl: simulator.url,
      simulatorPid: simulator.pid
    })
    log(
      `${spec.label}: ${formatSeconds(seconds(run.wallMs))} s, peak RSS ${megabytes(run.peakRssKb).toFixed(0)} MB`
    )
    return run
  }

  /** The fixed cost of a run: process start, config, pool, schema check, one empty page. */
  const measureStartup = async (simulator: Simulator): Promise<ConsumerRun> => {
    const spec = {
      label: "Startup",
      schema: "bench_startup",
      n: 0,
      writeMode: "batch",
      concurrency: 1,
      latencyMs: 0
    } as const
    await seedCatalog(spec.schema, 0)
    const runs: Array<ConsumerRun> = []
    for (let i = 0; i < STARTUP_RUNS; i++) {
      runs.push(
        await runConsumer({
          ...spec,
          ...w1Settings,
          lmlUrl: simulator.url,
          simulatorPid: simulator.pid
        })
      )
    }
    await release(spec.schema)
    const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs)
    const median = sorted[Math.floor(sorted.length / 2)] ?? runs[0]
    if (median === undefined) throw new Error("startup: no runs")
    log(`Startup: ${sorted.map((run) => formatSeconds(seconds(run.wallMs))).join(", ")} s`)
    return median
  }

  const w1N = sized(SIZES.W1)
  const zeroLatency = await withSimulator(
    { latencyMs: 0, tracksContractVersion: null },
    async (simulator) => {
      const startup = await measureStartup(simulator)
      const needW1Default = has("W1") || has("Floor") || has("W3") || has("Coverage")
      const w1Default = needW1Default
        ? await runSeeded(simulator, {
            label: "W1 default",
            schema: "bench_w1_default",
            n: w1N,
            writeMode: "batch",
            concurrency: 1,
            latencyMs: 0
          })
        : undefined
      let w1PerLibrary: ConsumerRun | undefined
      if (has("W1")) {
        w1PerLibrary = await runSeeded(simulator, {
          label: "W1 per_library",
          schema: "bench_w1_per_library",
          n: w1N,
          writeMode: "per_library",
          concurrency: 1,
          latencyMs: 0
        })
        await release("bench_w1_per_library")
      }
      let w3: ConsumerRun | undefined
      if (has("W3")) {
        w3 = await runSeeded(simulator, {
          label: "W3",
          schema: "bench_w3",
          n: sized(SIZES.W3),
          writeMode: "batch",
          concurrency: 1,
          latencyMs: 0
        })
        await release("bench_w3")
      }
      return { startup, w1Default, w1PerLibrary, w3 }
    }
  )
  const { startup, w1Default, w1PerLibrary, w3 } = zeroLatency

  // A simulator of its own: LML with per-track credits is another deployment.
  let coverage: CoverageResult | undefined
  if (has("Coverage")) {
    coverage = await withSimulator({ latencyMs: 0, tracksContractVersion: 1 }, (simulator) =>
      runCoverage(simulator, {
        schema: "bench_coverage",
        n: sized(SIZES.Coverage),
        batchSize: BATCH_SIZE,
        vaBatchSize: VA_BATCH_SIZE,
        log
      })
    )
    const { first, second } = coverage
    log(
      `Coverage: first run ${formatSeconds(seconds(first.wallMs))} s, peak RSS ${megabytes(first.peakRssKb).toFixed(0)} MB; ` +
        `second run ${formatSeconds(seconds(second.wallMs))} s`
    )
    await release("bench_coverage")
  }

  let floor: FloorResult | undefined
  if (has("Floor") && w1Default !== undefined) {
    log(`Floor: seeding ${w1N} libraries and timing the two unnest upserts`)
    floor = await measureFloor("bench_floor", w1N)
    const difference = await compareWithApp("bench_floor", "bench_w1_default")
    if (difference.main !== 0 || difference.sources !== 0) {
      throw new Error(
        `Floor: the floor's rows differ from the app's (${difference.main} main, ${difference.sources} source rows)`
      )
    }
    log(`Floor: ${formatSeconds(seconds(floor.totalMs))} s`)
    await release("bench_floor")
  }
  if (w1Default !== undefined) await release("bench_w1_default")

  const w2Runs: Array<ConsumerRun> = []
  if (has("W2")) {
    await withSimulator({ latencyMs: W2_LATENCY_MS, tracksContractVersion: null }, async (simulator) => {
      for (const concurrency of W2_CONCURRENCIES) {
        const schema = `bench_w2_c${concurrency}`
        w2Runs.push(
          await runSeeded(simulator, {
            label: `W2 LML_CONCURRENCY=${concurrency}`,
            schema,
            n: sized(SIZES.W2),
            writeMode: "batch",
            concurrency,
            latencyMs: W2_LATENCY_MS
          })
        )
        await release(schema)
      }
    })
  }

  // --- The table, in the issue's order.
  const startupS = seconds(startup.wallMs)
  const rows: Array<TableRow> = [
    {
      scenario: "Startup",
      n: 0,
      mode: `batch, N = 0, median of ${STARTUP_RUNS}`,
      wallS: startupS,
      perSecond: undefined,
      rssMb: megabytes(startup.peakRssKb),
      ratio: "fixed cost per run (subtracted in the “minus startup” ratios)",
      outcome: ""
    }
  ]
  details.push(describeRun(startup))

  if (w1Default !== undefined) {
    const speedup = w1PerLibrary === undefined ? undefined : w1PerLibrary.wallMs / w1Default.wallMs
    rows.push({
      scenario: "W1",
      n: w1N,
      mode: "batch (default)",
      wallS: seconds(w1Default.wallMs),
      perSecond: perSecond(w1N, w1Default.wallMs),
      rssMb: megabytes(w1Default.peakRssKb),
      ratio:
        speedup === undefined
          ? "reference for Floor / W3 / Coverage"
          : `${formatRatio(speedup)}× per_library (≥ ${TARGETS.w1Speedup}×)`,
      outcome: speedup === undefined ? "" : outcome(speedup >= TARGETS.w1Speedup)
    })
    details.push(describeRun(w1Default))
  }
  if (w1PerLibrary !== undefined) {
    rows.push({
      scenario: "W1",
      n: w1N,
      mode: "per_library (old)",
      wallS: seconds(w1PerLibrary.wallMs),
      perSecond: perSecond(w1N, w1PerLibrary.wallMs),
      rssMb: megabytes(w1PerLibrary.peakRssKb),
      ratio: "baseline for the W1 ratio",
      outcome: ""
    })
    details.push(describeRun(w1PerLibrary))
  }
  if (floor !== undefined && w1Default !== undefined) {
    const appS = seconds(w1Default.wallMs)
    const floorS = seconds(floor.totalMs)
    const ratio = appS / floorS
    const adjusted = (appS - startupS) / floorS
    rows.push({
      scenario: "Floor",
      n: w1N,
      mode: "2 unnest upserts, no app",
      wallS: floorS,
      perSecond: perSecond(w1N, floor.totalMs),
      rssMb: undefined,
      ratio: `app / floor ${formatRatio(ratio)}× (≤ ${TARGETS.floorRatio}×); minus startup ${formatRatio(adjusted)}×`,
      outcome: outcome(ratio <= TARGETS.floorRatio)
    })
    details.push(
      `Floor: ${floor.mainRows} library_identity rows in ${formatSeconds(seconds(floor.mainMs))} s, ` +
        `${floor.sourceRows} library_identity_source rows in ${formatSeconds(seconds(floor.sourceMs))} s; ` +
        "rows identical to W1 default's (except last_verified_at)"
    )
  }
  for (const run of w2Runs) {
    const n = run.config.n
    const concurrency = run.config.concurrency
    // The old ideal counts only the scripted delay; the measured one counts what the simulator
    // really took per request (composing and writing 500 results as well), spread over the
    // requests in flight.
    const delayIdealMs = (Math.ceil(n / BATCH_SIZE) * W2_LATENCY_MS) / concurrency
    const idealMs = run.simulatorServiceMs / concurrency
    const ratio = run.wallMs / idealMs
    const adjusted = (run.wallMs - startup.wallMs) / idealMs
    const overheadMs = clientOverheadMs(run)
    rows.push({
      scenario: "W2",
      n,
      mode: `LML_CONCURRENCY=${concurrency}, +${W2_LATENCY_MS} ms/request`,
      wallS: seconds(run.wallMs),
      perSecond: perSecond(n, run.wallMs),
      rssMb: megabytes(run.peakRssKb),
      ratio:
        `wall / measured ideal ${formatRatio(ratio)} (Σ service / ${concurrency} = ${formatSeconds(seconds(idealMs))} s, ≤ ${TARGETS.w2Slack}); ` +
        `minus startup ${formatRatio(adjusted)}; wall / old ideal ${formatRatio(run.wallMs / delayIdealMs)} ` +
        `(${formatSeconds(seconds(delayIdealMs))} s); client overhead ${overheadMs.toFixed(1)} ms/call (≤ ${TARGETS.w2OverheadMs})`,
      outcome: outcome(ratio <= TARGETS.w2Slack && (concurrency !== 1 || overheadMs <= TARGETS.w2OverheadMs))
    })
    details.push(describeRun(run))
  }
  if (w3 !== undefined && w1Default !== undefined) {
    const ratio = w3.peakRssKb / w1Default.peakRssKb
    rows.push({
      scenario: "W3",
      n: w3.config.n,
      mode: "batch (default)",
      wallS: seconds(w3.wallMs),
      perSecond: perSecond(w3.config.n, w3.wallMs),
      rssMb: megabytes(w3.peakRssKb),
      ratio: `RSS / W1 RSS ${formatRatio(ratio)}× (≤ ${TARGETS.w3Rss}×)`,
      outcome: outcome(ratio <= TARGETS.w3Rss)
    })
    details.push(describeRun(w3))
  }
  if (coverage !== undefined && w1Default !== undefined) {
    const { catalog, first, second } = coverage
    const w1PerSecond = w1N / seconds(w1Default.wallMs)
    const firstPerSecond = catalog.n / seconds(first.wallMs)
    const throughputRatio = firstPerSecond / w1PerSecond
    const rssRatio = first.peakRssKb / w1Default.peakRssKb
    const trackRowsPerSecond = first.totals.compilation_track_rows_written / seconds(first.wallMs)
    const secondS = seconds(second.wallMs)
    const vaShare = catalog.n === 0 ? 0 : (100 * catalog.vaRows) / catalog.n
    const nullShare = catalog.n === 0 ? 0 : (100 * catalog.nullCanonicalRows) / catalog.n
    rows.push(
      {
        scenario: "Coverage",
        n: catalog.n,
        mode:
          `first run: ${nullShare.toFixed(0)}% NULL-canonical, ${vaShare.toFixed(0)}% V/A + tracks; ` +
          `${Math.round(trackRowsPerSecond).toLocaleString("en-US")} track rows/s`,
        wallS: seconds(first.wallMs),
        perSecond: firstPerSecond,
        rssMb: megabytes(first.peakRssKb),
        ratio:
          `libraries/s / W1 ${formatRatio(throughputRatio)}× (≥ ${TARGETS.coverageThroughput}×); ` +
          `RSS / W1 RSS ${formatRatio(rssRatio)}×`,
        outcome: outcome(throughputRatio >= TARGETS.coverageThroughput)
      },
      {
        scenario: "Coverage",
        n: catalog.n,
        mode: "second run: nothing due",
        wallS: secondS,
        perSecond: undefined,
        rssMb: megabytes(second.peakRssKb),
        ratio:
          `wall ${formatSeconds(secondS)} s (< ${TARGETS.coverageSecondRunS} s), ` +
          `${second.totals.lml_total_calls} LML calls; startup alone ${formatSeconds(startupS)} s`,
        outcome: outcome(secondS < TARGETS.coverageSecondRunS)
      }
    )
    details.push(
      `Coverage seed: ${catalog.n} libraries, ${catalog.nullCanonicalRows} NULL-canonical, ${catalog.vaRows} V/A ` +
        `with ${catalog.trackRows} credited tracks (positions NULL), ${catalog.artists} catalog artists`
    )
    details.push(describeRun(first))
    details.push(describeRun(second))
  }
  return { rows, details }
}
