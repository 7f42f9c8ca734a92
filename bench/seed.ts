/**
 * Fresh catalogs in their own schemas: dropped, created by the CLI's own `migrate`, filled by
 * bulk statements (`generate_series`, `unnest`), then vacuumed and analysed so every run starts
 * from the same settled tables.
 *
 * - `seedCatalog` (W1, W2, W3, Floor): N libraries; row `id` is artist `Synthetic Artist <id>`,
 *   except one id in twenty, which gets a various-artists name that LML answers as a compilation.
 * - `seedCoverageCatalog` (Coverage): the same rows, but half of them never canonicalised and 6%
 *   of them V/A compilations with their credited tracks and the artists those credits name.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { Effect } from "effect"
import { catalogTables } from "../src/CatalogSchema.js"
import { syntheticCredits } from "../src/simulator/TrackStore.js"
import { DATABASE_URL, dropSchema, withSql } from "./db.js"

const execFileAsync = promisify(execFile)

export const VARIOUS_ARTISTS_NAMES = ["Various Artists", "V/A", "Various Artists - Soul Jazz", "Soundtrack"]

/** Runs `node dist/cli.mjs migrate` against `schema`. */
export const migrateSchema = async (schema: string): Promise<void> => {
  await execFileAsync(process.execPath, ["dist/cli.mjs", "migrate"], {
    env: { ...process.env, DATABASE_URL, WXYC_SCHEMA_NAME: schema, LOG_LEVEL: "warning", LOG_FORMAT: "json" },
    timeout: 60_000
  })
}

export const seedCatalog = async (schema: string, n: number): Promise<void> => {
  await dropSchema(schema)
  await migrateSchema(schema)
  await withSql((sql) => {
    const t = catalogTables(sql, schema)
    return Effect.all(
      [
        sql`INSERT INTO ${t.library} (id, artist_name, album_title, canonical_entity_id, legacy_release_id)
          SELECT g,
            CASE WHEN g % 20 = 7
              THEN (${VARIOUS_ARTISTS_NAMES}::text[])[1 + (g / 20) % ${VARIOUS_ARTISTS_NAMES.length}]
              ELSE 'Synthetic Artist ' || g END,
            'Synthetic Album ' || g,
            'bench-entity-' || g,
            g
          FROM generate_series(1, ${n}::int) AS g`,
        sql`VACUUM (ANALYZE) ${t.library}`,
        sql`ANALYZE ${t.identity}`,
        sql`ANALYZE ${t.identitySource}`,
        // Seeding writes a lot of WAL; flush it now rather than during the timed run.
        sql`CHECKPOINT`
      ],
      { discard: true }
    )
  })
}

/**
 * V/A rows: 3 ids in 50, spread evenly over the id range so that both cohorts' keyset pages
 * walk the whole table, as they do in production (where V/A rows are not clustered either).
 * None of them is an id the W1 pattern (`id % 20 = 7`) names, so that pattern keeps its plain
 * compilations in the non-V/A cohort.
 */
const VA_RESIDUES = [11, 28, 45]
const VA_MODULUS = 50

/**
 * Credited artists whose number is a multiple of this are missing from `artists`, so that
 * some resolved credits find no catalog artist to link to (about 4%).
 */
export const MISSING_ARTIST_MODULUS = 25

export interface CoverageCatalog {
  readonly n: number
  /** V/A rows: a `Z` shelf code and a various-artists name. */
  readonly vaRows: number
  readonly nullCanonicalRows: number
  /** `compilation_track_artist` rows, all unlinked and without a position. */
  readonly trackRows: number
  readonly artists: number
}

/**
 * N libraries for the Coverage scenario, in one schema:
 * - every row is due once NULL-canonical rows are included: each has an artist name, no
 *   identity and no no-match marker;
 * - half have a NULL `canonical_entity_id` (`id % 4` in 1, 2: independent of the V/A rule, so
 *   each cohort is half NULL-canonical too);
 * - 6% are V/A: shelf code `Z` and a various-artists name, `legacy_release_id = id`, and their
 *   credits in `compilation_track_artist` from `syntheticCredits(id)`, the very function the
 *   simulator answers from, so each credit it sends names a row; positions are left NULL there,
 *   so the positions LML offers fill them;
 * - the others are W1's rows, with shelf letters (NULL on one in ten, which is not V/A);
 * - `artists` holds each distinct credited name once (so a folded name matches exactly one
 *   row), except those numbered by a multiple of 25.
 */
export const seedCoverageCatalog = async (schema: string, n: number): Promise<CoverageCatalog> => {
  await dropSchema(schema)
  await migrateSchema(schema)
  return withSql((sql) => {
    const t = catalogTables(sql, schema)
    const isVa = sql`g % ${VA_MODULUS} = ANY(${VA_RESIDUES}::int[])`
    const names = sql`${VARIOUS_ARTISTS_NAMES}::text[]`
    return Effect.gen(function* () {
      yield* sql`INSERT INTO ${t.library}
          (id, artist_name, album_title, canonical_entity_id, legacy_release_id, code_volume_letters)
        SELECT g,
          CASE WHEN ${isVa} THEN (${names})[1 + (g / ${VA_MODULUS}) % ${VARIOUS_ARTISTS_NAMES.length}]
               WHEN g % 20 = 7 THEN (${names})[1 + (g / 20) % ${VARIOUS_ARTISTS_NAMES.length}]
               ELSE 'Synthetic Artist ' || g END,
          'Synthetic Album ' || g,
          CASE WHEN g % 4 IN (1, 2) THEN NULL ELSE 'bench-entity-' || g END,
          g,
          CASE WHEN ${isVa} THEN 'Z' WHEN g % 10 = 0 THEN NULL ELSE 'RO' END
        FROM generate_series(1, ${n}::int) AS g`
      const releases = yield* sql<{ readonly id: number; readonly legacy_release_id: number }>`
        SELECT id, legacy_release_id FROM ${t.library}
        WHERE code_volume_letters LIKE 'Z%' ORDER BY id`
      const credits = releases.flatMap((release) =>
        syntheticCredits(release.legacy_release_id).map((credit) => ({ library_id: release.id, ...credit }))
      )
      yield* sql`INSERT INTO ${t.trackArtists} (library_id, artist_name, track_title)
        SELECT * FROM unnest(
          ${credits.map((c) => c.library_id)}::int[],
          ${credits.map((c) => c.artist_name)}::text[],
          ${credits.map((c) => c.track_title)}::text[])`
      yield* sql`INSERT INTO ${t.artists} (artist_name, alphabetical_name, code_letters)
        SELECT name, name, 'SY'
        FROM (SELECT DISTINCT artist_name AS name FROM ${t.trackArtists}) credited
        WHERE substring(name FROM '[0-9]+$')::int % ${MISSING_ARTIST_MODULUS} <> 0
        ORDER BY name`
      yield* Effect.all(
        [
          sql`VACUUM (ANALYZE) ${t.library}`,
          sql`VACUUM (ANALYZE) ${t.trackArtists}`,
          sql`VACUUM (ANALYZE) ${t.artists}`,
          sql`ANALYZE ${t.identity}`,
          sql`ANALYZE ${t.identitySource}`,
          // Seeding writes a lot of WAL; flush it now rather than during the timed run.
          sql`CHECKPOINT`
        ],
        { discard: true }
      )
      const [counts] = yield* sql<{ readonly null_canonical: number; readonly artists: number }>`
        SELECT (SELECT count(*)::int FROM ${t.library} WHERE canonical_entity_id IS NULL) AS null_canonical,
               (SELECT count(*)::int FROM ${t.artists}) AS artists`
      return {
        n,
        vaRows: releases.length,
        nullCanonicalRows: counts?.null_canonical ?? 0,
        trackRows: credits.length,
        artists: counts?.artists ?? 0
      }
    })
  })
}
