/** Seeding and reading the catalog tables of a test schema. */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "../../src/CatalogSchema.js"

export interface SeedRow {
  readonly id: number
  readonly artist_name: string | null
  readonly album_title?: string
  /** `ce-<id>` unless given. */
  readonly canonical_entity_id?: string | null
  /** `100000 + id` unless given. */
  readonly legacy_release_id?: number | null
  readonly code_volume_letters?: string | null
}

const tables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  return { sql, t: catalogTables(sql, name) }
})

/**
 * Six rows the demo simulator answers: three artists it knows (4 and 5 the same one, 5 through
 * case drift), one named like a compilation, one it has never heard of, one through `&` drift.
 */
export const mixedCatalog: ReadonlyArray<SeedRow> = [
  { id: 1, artist_name: "Stereolab" },
  { id: 2, artist_name: "Various Artists" },
  { id: 3, artist_name: "Nobody Artist" },
  { id: 4, artist_name: "Juana Molina" },
  { id: 5, artist_name: "JUANA MOLINA" },
  { id: 6, artist_name: "Sleater & Kinney" }
]

/** The `legacy_release_id` `seedLibrary` gives row `id` unless told otherwise. */
export const legacyReleaseId = (id: number) => 100_000 + id

export const seedLibrary = (rows: ReadonlyArray<SeedRow>) =>
  Effect.gen(function* () {
    const { sql, t } = yield* tables
    yield* sql`INSERT INTO ${t.library} ${sql.insert(
      rows.map((row) => ({
        id: row.id,
        artist_name: row.artist_name,
        album_title: row.album_title ?? `Album ${row.id}`,
        canonical_entity_id: row.canonical_entity_id === undefined ? `ce-${row.id}` : row.canonical_entity_id,
        legacy_release_id:
          row.legacy_release_id === undefined ? legacyReleaseId(row.id) : row.legacy_release_id,
        code_volume_letters: row.code_volume_letters ?? null
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

export interface TrackRow {
  readonly library_id: number
  readonly artist_name: string
  readonly track_title: string | null
  readonly track_position?: string | null
  readonly track_artist_id?: number | null
  readonly track_artist_link_confidence?: number | null
  readonly track_artist_link_method?: string | null
}

/** Credited tracks, as librarians catalogue them. */
export const seedTrackRows = (rows: ReadonlyArray<TrackRow>) =>
  Effect.gen(function* () {
    const { sql, t } = yield* tables
    yield* sql`INSERT INTO ${t.trackArtists} ${sql.insert(
      rows.map((row) => ({
        track_position: null,
        track_artist_id: null,
        track_artist_link_confidence: null,
        track_artist_link_method: null,
        ...row
      }))
    )}`
  })

/** Rows of the catalog's `artists` table, ids in the order given; returns the ids. */
export const seedCatalogArtists = (names: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { sql, t } = yield* tables
    const rows = yield* sql<{ readonly id: number }>`INSERT INTO ${t.artists} ${sql.insert(
      names.map((name) => ({ artist_name: name, alphabetical_name: name, code_letters: "RO" }))
    )} RETURNING id`
    return rows.map((row) => row.id)
  })

/** Every track row, by id. */
export const dumpTrackRows = Effect.gen(function* () {
  const { sql, t } = yield* tables
  return yield* sql<Required<TrackRow> & { readonly id: number }>`
    SELECT id, library_id, artist_name, track_title, track_position, track_artist_id,
      track_artist_link_confidence, track_artist_link_method
    FROM ${t.trackArtists} ORDER BY id`
})

/** The ids of the library rows that carry a no-match marker. */
export const markedIds = Effect.gen(function* () {
  const { sql, t } = yield* tables
  const rows = yield* sql<{ readonly id: number }>`
    SELECT id FROM ${t.library} WHERE unresolved_attempted_at IS NOT NULL ORDER BY id`
  return rows.map((row) => row.id)
})

/** Moves every marker `days` days into the past, as if the run had happened then. */
export const ageMarkers = (days: number) =>
  withTables(
    (sql, t) => sql`UPDATE ${t.library}
      SET unresolved_attempted_at = unresolved_attempted_at - make_interval(days => ${days}::int)
      WHERE unresolved_attempted_at IS NOT NULL`
  )

export interface RowUpdate {
  readonly id: number
  /** The columns whose values the UPDATE changed. */
  readonly changed: ReadonlyArray<string>
}

/**
 * Records every row UPDATE on `table` from now on, as a production trigger would see it: the
 * row's id and the columns whose values changed (none, for an UPDATE that changed nothing).
 */
export const recordUpdates = (table: "library" | "compilation_track_artist") =>
  withTables((sql, t) =>
    Effect.all(
      [
        sql`CREATE TABLE IF NOT EXISTS ${t.schema}.row_updates (
          seq serial PRIMARY KEY, tbl text NOT NULL, id integer NOT NULL, changed text[] NOT NULL)`,
        sql`CREATE OR REPLACE FUNCTION ${t.schema}.record_update() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO ${t.schema}.row_updates (tbl, id, changed)
            SELECT TG_TABLE_NAME, NEW.id, coalesce(array_agg(n.key ORDER BY n.key), '{}')
            FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
            WHERE n.value IS DISTINCT FROM o.value;
            RETURN NEW;
          END $$`,
        sql`CREATE TRIGGER record_update AFTER UPDATE ON ${table === "library" ? t.library : t.trackArtists}
          FOR EACH ROW EXECUTE FUNCTION ${t.schema}.record_update()`
      ],
      { discard: true }
    )
  )

/** The updates `recordUpdates` saw on `table`, in order. */
export const updatesOf = (table: "library" | "compilation_track_artist") =>
  withTables(
    (sql, t) =>
      sql<RowUpdate>`SELECT id, changed FROM ${t.schema}.row_updates WHERE tbl = ${table} ORDER BY seq`
  )

/**
 * Makes every UPDATE of `library_id`'s rows in `table` fail, as a constraint or a trigger of
 * the real catalog might: the library's own write fails, its batch-mates' must not.
 */
export const refuseUpdatesOf = (table: "library" | "compilation_track_artist", libraryId: number) =>
  withTables((sql, t) => {
    const column = sql(table === "library" ? "id" : "library_id")
    return Effect.all(
      [
        sql`CREATE OR REPLACE FUNCTION ${t.schema}.refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'this row is read-only'; END $$`,
        sql`CREATE TRIGGER ${sql(`refuse_${table}_${libraryId}`)} BEFORE UPDATE
          ON ${table === "library" ? t.library : t.trackArtists}
          FOR EACH ROW WHEN (OLD.${column} = ${sql.literal(String(libraryId))})
          EXECUTE FUNCTION ${t.schema}.refuse_update()`
      ],
      { discard: true }
    )
  })
