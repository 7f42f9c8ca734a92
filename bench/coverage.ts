/**
 * The Coverage scenario: the whole catalog in one run, as production will run it once
 * NULL-canonical rows are included and LML sends per-track credits. Two runs on one seeded
 * schema: the first resolves everything (V/A cohort with credits first, then the rest); the
 * second must find nothing due and make no LML call, which is what a nightly run costs once
 * the catalog is covered.
 *
 * Beyond the checks every run gets (`runConsumer`), the first run's track counters are held
 * to what the simulator's own composer says about the seeded credits, so a number in the table
 * always stands for the links the run was meant to make.
 */
import { Effect } from "effect"
import { composeResult } from "../src/simulator/compose.js"
import { syntheticStore } from "../src/simulator/EntityStore.js"
import { syntheticTrackStore } from "../src/simulator/TrackStore.js"
import { LINK_METHOD } from "../src/VerdictWriter/TrackLinks.js"
import { type ConsumerRun, type ConsumerRunConfig, runConsumer } from "./consumer.js"
import { withSql } from "./db.js"
import type { Simulator } from "./processes.js"
import { type CoverageCatalog, MISSING_ARTIST_MODULUS, seedCoverageCatalog } from "./seed.js"

export interface CoverageOptions {
  readonly schema: string
  readonly n: number
  readonly batchSize: number
  readonly vaBatchSize: number
  readonly log: (line: string) => void
}

export interface CoverageResult {
  readonly catalog: CoverageCatalog
  readonly first: ConsumerRun
  readonly second: ConsumerRun
}

/** What the first run must report for the seeded credits. */
interface ExpectedTracks {
  /** Credits LML resolves whose artist is in `artists`: each links its row. */
  readonly links: number
  /** Credits LML resolves whose artist was left out of `artists`. */
  readonly noCatalogArtist: number
}

/**
 * Composes each V/A release exactly as the simulator does (the same pure function over the
 * same stores), then applies the seed's rule for which credited artists `artists` lacks.
 */
const expectedTracks = (schema: string): Promise<ExpectedTracks> =>
  withSql(
    (sql) =>
      sql<{ readonly id: number; readonly artist_name: string; readonly legacy_release_id: number }>`
      SELECT id, artist_name, legacy_release_id FROM ${sql(`${schema}.library`)}
      WHERE code_volume_letters LIKE 'Z%' ORDER BY id`
  ).then((releases) => {
    const store = syntheticStore()
    const tracks = syntheticTrackStore()
    let links = 0
    let noCatalogArtist = 0
    for (const release of releases) {
      const result = composeResult(
        store,
        {
          library_id: release.id,
          artist_name: release.artist_name,
          legacy_release_id: release.legacy_release_id
        },
        tracks
      )
      for (const track of result.tracks ?? []) {
        if (track.resolved_artist_name === null) continue
        const artistNumber = Number(/(\d+)$/.exec(track.resolved_artist_name)?.[1])
        if (artistNumber % MISSING_ARTIST_MODULUS === 0) noCatalogArtist++
        else links++
      }
    }
    return { links, noCatalogArtist }
  })

/** Linked rows that got a position: the seed left every position NULL, so these are the job's. */
const linkedWithPosition = (schema: string): Promise<number> =>
  withSql((sql) =>
    Effect.map(
      sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(`${schema}.compilation_track_artist`)}
        WHERE track_artist_link_method = ${LINK_METHOD} AND track_position IS NOT NULL`,
      (rows) => rows[0]?.n ?? 0
    )
  )

const fail = (run: ConsumerRun, what: string): never => {
  throw new Error(`${run.config.label}: ${what}: ${JSON.stringify(run.totals)}`)
}

export const runCoverage = async (
  simulator: Simulator,
  options: CoverageOptions
): Promise<CoverageResult> => {
  const { schema, log } = options
  log(`Coverage: seeding ${options.n} libraries (half NULL-canonical, 6% V/A with credits) into ${schema}`)
  const catalog = await seedCoverageCatalog(schema, options.n)
  log(
    `Coverage: ${catalog.vaRows} V/A rows, ${catalog.nullCanonicalRows} NULL-canonical, ` +
      `${catalog.trackRows} credited tracks, ${catalog.artists} artists`
  )
  const expected = await expectedTracks(schema)
  const base: Omit<ConsumerRunConfig, "label" | "n" | "vaRows"> = {
    schema,
    lmlUrl: simulator.url,
    simulatorPid: simulator.pid,
    writeMode: "batch",
    concurrency: 1,
    batchSize: options.batchSize,
    vaBatchSize: options.vaBatchSize,
    includeNullCanonical: true,
    latencyMs: 0
  }

  log("Coverage: first run")
  const first = await runConsumer({
    ...base,
    label: "Coverage first run",
    n: catalog.n,
    vaRows: catalog.vaRows
  })
  const t = first.totals
  if (t.rows_resolved_compilation !== catalog.vaRows)
    fail(
      first,
      `${t.rows_resolved_compilation} compilations resolved with credits, expected ${catalog.vaRows}`
    )
  if (catalog.vaRows > 0 && t.compilation_track_rows_written === 0) fail(first, "no track rows written")
  if (t.compilation_track_rows_written !== expected.links)
    fail(first, `${t.compilation_track_rows_written} track rows written, expected ${expected.links}`)
  if (t.compilation_track_rows_skipped_no_catalog_artist !== expected.noCatalogArtist)
    fail(
      first,
      `${t.compilation_track_rows_skipped_no_catalog_artist} credits without a catalog artist, expected ${expected.noCatalogArtist}`
    )
  const strays =
    t.compilation_track_rows_skipped_no_cta_match +
    t.compilation_track_rows_skipped_unchanged +
    t.compilation_track_rows_skipped_librarian +
    t.compilation_track_position_rows_skipped_ambiguous
  if (strays !== 0)
    fail(first, "track rows skipped as unmatched, unchanged, librarian's or ambiguous: the seed has none")
  const positioned = await linkedWithPosition(schema)
  if (
    t.compilation_track_position_rows_written !== t.compilation_track_rows_written ||
    positioned !== t.compilation_track_rows_written
  )
    fail(
      first,
      `${t.compilation_track_position_rows_written} positions reported filled and ${positioned} linked rows ` +
        `with a position, expected both to be the ${t.compilation_track_rows_written} rows written`
    )

  log("Coverage: second run (nothing due)")
  const second = await runConsumer({ ...base, label: "Coverage second run", n: 0, vaRows: 0 })
  if (second.totals.lml_total_calls !== 0) fail(second, "LML was called")
  return { catalog, first, second }
}
