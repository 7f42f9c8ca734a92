/** Seeding and reading the catalog tables of a test schema. */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "../../src/CatalogSchema.js"

export interface SeedRow {
  readonly id: number
  readonly artist_name: string | null
  readonly album_title?: string
  readonly canonical_entity_id?: string | null
}

const tables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  return { sql, t: catalogTables(sql, name) }
})

export const seedLibrary = (rows: ReadonlyArray<SeedRow>) =>
  Effect.gen(function* () {
    const { sql, t } = yield* tables
    yield* sql`INSERT INTO ${t.library} ${sql.insert(
      rows.map((row) => ({
        id: row.id,
        artist_name: row.artist_name,
        album_title: row.album_title ?? `Album ${row.id}`,
        canonical_entity_id: row.canonical_entity_id === undefined ? `ce-${row.id}` : row.canonical_entity_id,
        legacy_release_id: 100_000 + row.id
      }))
    )}`
  })

/** `count` rows named after the simulator's demo artists, cycling. */
export const seedArtists = (names: ReadonlyArray<string>, count = names.length, firstId = 1) =>
  seedLibrary(
    Array.from({ length: count }, (_, i) => ({
      id: firstId + i,
      artist_name: names[i % names.length] ?? null
    }))
  )

type IdentityRow = { readonly library_id: number } & Readonly<Record<string, unknown>>
type SourceRow = { readonly library_id: number; readonly source: string } & Readonly<Record<string, unknown>>

/** Every identity row, everything but the clock, in a stable order. */
export const dumpIdentity = Effect.gen(function* () {
  const { sql, t } = yield* tables
  return yield* sql<IdentityRow>`
    SELECT library_id, discogs_master_id, discogs_release_id, musicbrainz_release_group_mbid::text,
      musicbrainz_release_mbid::text, musicbrainz_recording_mbid::text, wikidata_qid, spotify_id,
      apple_music_id, discogs_artist_id, musicbrainz_artist_id, bandcamp_id, method, confidence,
      agreement_sources, notes, distinct_unresolved_sources
    FROM ${t.identity} ORDER BY library_id`
})

export const dumpSources = Effect.gen(function* () {
  const { sql, t } = yield* tables
  return yield* sql<SourceRow>`
    SELECT library_id, source, external_id, method, confidence, boost_sources, notes
    FROM ${t.identitySource} ORDER BY library_id, source`
})

export const dumpAll = Effect.all({ identity: dumpIdentity, sources: dumpSources })

export const countRows = Effect.gen(function* () {
  const { sql, t } = yield* tables
  const [row] = yield* sql<{ identity: number; sources: number }>`
    SELECT (SELECT count(*)::int FROM ${t.identity}) AS identity,
           (SELECT count(*)::int FROM ${t.identitySource}) AS sources`
  return row ?? { identity: 0, sources: 0 }
})

/** Runs raw SQL against the test schema's tables, for arranging edge cases. */
export const withTables = <A, E, R>(
  f: (sql: SqlClient.SqlClient, t: ReturnType<typeof catalogTables>) => Effect.Effect<A, E, R>
) => Effect.flatMap(tables, ({ sql, t }) => f(sql, t))
