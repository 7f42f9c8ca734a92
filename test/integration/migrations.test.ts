/**
 * The migrations against a real PostgreSQL, from three starting points: nothing (a fresh
 * install gets every table, column, index and the folding function as specified), a
 * production-shaped catalog (it gets the three artist-id columns and nothing else), and a schema
 * an earlier version migrated (its duplicate audit index is renamed or dropped). "Nothing else"
 * is checked by diffing snapshots of the schema's columns, constraints, indexes, functions and
 * triggers taken before and after.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Logger, Redacted } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"
import { migrate } from "../../src/Migrations.js"

const MIGRATIONS = [
  "0001_catalog_tables",
  "0002_artist_identity_columns",
  "0003_audit_index_name",
  "0004_library_columns",
  "0005_fold_artist_name",
  "0006_artists",
  "0007_compilation_track_artist"
]

/** SqlClient and CatalogSchema for a schema name nobody has used, not created; dropped afterwards. */
const unmigratedSchema = (prefix: string) => {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const schema = CatalogSchema.make(name)
  const cleanup = Layer.scopedDiscard(
    Effect.addFinalizer(() =>
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DROP SCHEMA IF EXISTS ${sql(name)} CASCADE`).pipe(
        Effect.orDie
      )
    )
  )
  return Layer.merge(cleanup, schema).pipe(
    Layer.provideMerge(Layer.merge(TestDatabase.client, schema)),
    Layer.orDie
  )
}

/** Runs statements written with `S` for the test's schema, e.g. `CREATE TABLE S.library (...)`. */
const runDdl = (ddl: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    yield* sql.unsafe(ddl.replace(/\bS\./g, `${name}.`).replace(/\bSCHEMA S\b/g, `SCHEMA ${name}`))
  })

/** Runs `migrate`; returns the messages it logged (and prints none). */
const migrateLogging = Effect.gen(function* () {
  const messages: Array<string> = []
  const collect = Logger.make(({ message }) => {
    messages.push(Array.isArray(message) ? message.join(" ") : String(message))
  })
  yield* migrate.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, collect)))
  return messages
})

const reports = (applied: ReadonlyArray<string>) =>
  MIGRATIONS.map((id) => `migration ${id} ${applied.includes(id) ? "applied" : "already in place"}`)

/**
 * One line per column (type, nullability, default, generation), constraint, index, function
 * (definition, and the catalog row's version, which a `CREATE OR REPLACE` changes even when the
 * definition stays the same) and trigger of the schema, with the schema's name as `S`.
 */
const snapshot = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const rows = yield* sql<{ readonly entry: string }>`
    SELECT concat_ws(' ', 'column', table_name || '.' || column_name,
        data_type || coalesce('(' || character_maximum_length || ')', ''),
        CASE WHEN is_nullable = 'NO' THEN 'NOT NULL' END,
        'DEFAULT ' || column_default, 'GENERATED ' || generation_expression) AS entry
      FROM information_schema.columns WHERE table_schema = ${name}
    UNION ALL
    SELECT concat_ws(' ', 'constraint', c.relname || '.' || k.conname, pg_get_constraintdef(k.oid))
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${name}
    UNION ALL
    SELECT concat_ws(' ', 'index', indexname, indexdef) FROM pg_indexes WHERE schemaname = ${name}
    UNION ALL
    SELECT concat_ws(' ', 'function', p.proname, 'row version', p.xmin::text, pg_get_functiondef(p.oid))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = ${name}
    UNION ALL
    SELECT concat_ws(' ', 'trigger', c.relname || '.' || g.tgname, pg_get_triggerdef(g.oid))
      FROM pg_trigger g
      JOIN pg_class c ON c.oid = g.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${name} AND NOT g.tgisinternal`
  return rows.map((row) => row.entry.replaceAll(name, "S")).sort()
})

const diff = (before: ReadonlyArray<string>, after: ReadonlyArray<string>) => ({
  added: after.filter((entry) => !before.includes(entry)),
  removed: before.filter((entry) => !after.includes(entry))
})

/** table → column → `type[ NOT NULL]`. */
const columnTypes = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const rows = yield* sql<{
    readonly table_name: string
    readonly column_name: string
    readonly type: string
  }>`
    SELECT table_name, column_name,
      data_type || coalesce('(' || character_maximum_length || ')', '')
        || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END AS type
    FROM information_schema.columns WHERE table_schema = ${name}`
  const tables: Record<string, Record<string, string>> = {}
  for (const row of rows) (tables[row.table_name] ??= {})[row.column_name] = row.type
  return tables
})

/** index name → definition, the schema's name left out. */
const indexDefinitions = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  const rows = yield* sql<{ readonly indexname: string; readonly indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ${name}`
  return Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef.replaceAll(`${name}.`, "")]))
})

const VARCHAR = (length: number) => `character varying(${length})`
const TIMESTAMPTZ = "timestamp with time zone"

const FRESH_COLUMNS = {
  library: {
    id: "integer NOT NULL",
    artist_name: VARCHAR(128),
    album_title: `${VARCHAR(128)} NOT NULL`,
    canonical_entity_id: "text",
    legacy_release_id: "integer",
    code_volume_letters: VARCHAR(4),
    unresolved_attempted_at: TIMESTAMPTZ
  },
  library_identity: {
    library_id: "integer NOT NULL",
    discogs_master_id: "integer",
    discogs_release_id: "integer",
    musicbrainz_release_group_mbid: "uuid",
    musicbrainz_release_mbid: "uuid",
    musicbrainz_recording_mbid: "uuid",
    wikidata_qid: "text",
    spotify_id: "text",
    apple_music_id: "text",
    last_verified_at: `${TIMESTAMPTZ} NOT NULL`,
    method: "text NOT NULL",
    confidence: "real NOT NULL",
    agreement_sources: "text",
    notes: "text",
    distinct_unresolved_sources: "integer",
    discogs_artist_id: "integer",
    musicbrainz_artist_id: "text",
    bandcamp_id: "text"
  },
  library_identity_source: {
    library_id: "integer NOT NULL",
    source: "text NOT NULL",
    external_id: "text NOT NULL",
    method: "text NOT NULL",
    confidence: "real NOT NULL",
    last_verified_at: `${TIMESTAMPTZ} NOT NULL`,
    boost_sources: "text",
    notes: "text"
  },
  artists: {
    id: "integer NOT NULL",
    artist_name: `${VARCHAR(128)} NOT NULL`,
    alphabetical_name: `${VARCHAR(128)} NOT NULL`,
    code_letters: `${VARCHAR(4)} NOT NULL`
  },
  compilation_track_artist: {
    id: "integer NOT NULL",
    library_id: "integer NOT NULL",
    artist_name: `${VARCHAR(255)} NOT NULL`,
    track_title: VARCHAR(255),
    track_position: VARCHAR(20),
    track_artist_id: "integer",
    track_artist_link_confidence: "real",
    track_artist_link_method: "text"
  }
}

const FRESH_INDEXES = {
  library_pkey: "CREATE UNIQUE INDEX library_pkey ON library USING btree (id)",
  library_legacy_release_id_key:
    "CREATE UNIQUE INDEX library_legacy_release_id_key ON library USING btree (legacy_release_id)",
  library_canonical_entity_id_idx:
    "CREATE INDEX library_canonical_entity_id_idx ON library USING btree (canonical_entity_id)",
  library_identity_pkey:
    "CREATE UNIQUE INDEX library_identity_pkey ON library_identity USING btree (library_id)",
  library_identity_audit_idx:
    "CREATE INDEX library_identity_audit_idx ON library_identity USING btree (confidence, distinct_unresolved_sources DESC)",
  library_identity_source_pkey:
    "CREATE UNIQUE INDEX library_identity_source_pkey ON library_identity_source USING btree (library_id, source)",
  artists_pkey: "CREATE UNIQUE INDEX artists_pkey ON artists USING btree (id)",
  artists_fold_name_idx:
    "CREATE INDEX artists_fold_name_idx ON artists USING btree (fold_artist_name((artist_name)::text))",
  compilation_track_artist_pkey:
    "CREATE UNIQUE INDEX compilation_track_artist_pkey ON compilation_track_artist USING btree (id)",
  cta_library_id_idx: "CREATE INDEX cta_library_id_idx ON compilation_track_artist USING btree (library_id)",
  cta_track_artist_id_idx:
    "CREATE INDEX cta_track_artist_id_idx ON compilation_track_artist USING btree (track_artist_id)",
  cta_artist_name_idx:
    "CREATE INDEX cta_artist_name_idx ON compilation_track_artist USING btree (artist_name)",
  cta_unique_idx:
    "CREATE UNIQUE INDEX cta_unique_idx ON compilation_track_artist USING btree (library_id, artist_name, track_title)",
  cta_unique_null_track_idx:
    "CREATE UNIQUE INDEX cta_unique_null_track_idx ON compilation_track_artist USING btree (library_id, artist_name) WHERE (track_title IS NULL)"
}

/** The identity table as every version has created it, before the artist-id columns. */
const IDENTITY_TABLE = `
  CREATE TABLE S.library_identity (
    library_id integer PRIMARY KEY REFERENCES S.library (id),
    discogs_master_id integer,
    discogs_release_id integer,
    musicbrainz_release_group_mbid uuid,
    musicbrainz_release_mbid uuid,
    musicbrainz_recording_mbid uuid,
    wikidata_qid text,
    spotify_id text,
    apple_music_id text,
    last_verified_at timestamptz NOT NULL,
    method text NOT NULL,
    confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    agreement_sources text,
    notes text,
    distinct_unresolved_sources integer GENERATED ALWAYS AS (
      (discogs_master_id IS NULL)::int + (discogs_release_id IS NULL)::int
      + (musicbrainz_release_group_mbid IS NULL)::int + (musicbrainz_release_mbid IS NULL)::int
      + (musicbrainz_recording_mbid IS NULL)::int + (wikidata_qid IS NULL)::int
      + (spotify_id IS NULL)::int + (apple_music_id IS NULL)::int
    ) STORED
  );
  CREATE TABLE S.library_identity_source (
    library_id integer NOT NULL REFERENCES S.library (id),
    source text NOT NULL,
    external_id text NOT NULL,
    method text NOT NULL,
    confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    last_verified_at timestamptz NOT NULL,
    boost_sources text,
    notes text,
    PRIMARY KEY (library_id, source)
  );`

/**
 * The catalog as production has it: columns the consumer does not use, `legacy_release_id`
 * NOT NULL, change-notification and watermark triggers, production's index names, and its own
 * `fold_artist_name` (no PARALLEL SAFE), but not yet the three artist-id columns.
 */
const PRODUCTION_DDL = `
  CREATE SCHEMA S;
  CREATE TABLE S.library (
    id serial PRIMARY KEY,
    artist_name varchar(128),
    album_title varchar(128) NOT NULL,
    label varchar(128),
    release_year smallint,
    date_added timestamptz NOT NULL DEFAULT now(),
    canonical_entity_id text,
    legacy_release_id integer NOT NULL UNIQUE,
    code_letters varchar(4),
    code_volume_letters varchar(4),
    code_number integer,
    unresolved_attempted_at timestamptz
  );
  CREATE INDEX library_canonical_entity_id_idx ON S.library (canonical_entity_id);
  CREATE TABLE S.export_watermark (
    table_name text PRIMARY KEY,
    advanced_at timestamptz NOT NULL
  );
  CREATE FUNCTION S.notify_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify(TG_TABLE_NAME || '_changed', TG_OP);
    RETURN NULL;
  END $$;
  CREATE FUNCTION S.advance_export_watermark() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO S.export_watermark VALUES (TG_TABLE_NAME, now())
      ON CONFLICT (table_name) DO UPDATE SET advanced_at = excluded.advanced_at;
    RETURN NULL;
  END $$;
  CREATE TRIGGER library_notify AFTER INSERT OR UPDATE OR DELETE ON S.library
    FOR EACH ROW EXECUTE FUNCTION S.notify_row_change();
  CREATE TRIGGER library_watermark
    AFTER UPDATE OF artist_name, album_title, label, code_letters, code_volume_letters, code_number
    ON S.library FOR EACH STATEMENT EXECUTE FUNCTION S.advance_export_watermark();
  ${IDENTITY_TABLE}
  CREATE INDEX library_identity_audit_idx ON S.library_identity (confidence, distinct_unresolved_sources DESC);
  CREATE FUNCTION S.fold_artist_name(input text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT lower(regexp_replace(normalize(coalesce(input, ''), NFD), '[\\u0300-\\u036f]', '', 'g'))
  $$;
  CREATE TABLE S.artists (
    id serial PRIMARY KEY,
    artist_name varchar(128) NOT NULL,
    alphabetical_name varchar(128) NOT NULL,
    code_letters varchar(4) NOT NULL
  );
  CREATE INDEX artists_fold_name_idx ON S.artists (S.fold_artist_name(artist_name));
  CREATE TABLE S.compilation_track_artist (
    id serial PRIMARY KEY,
    library_id integer NOT NULL REFERENCES S.library (id) ON DELETE CASCADE,
    artist_name varchar(255) NOT NULL,
    track_title varchar(255),
    track_position varchar(20),
    track_artist_id integer REFERENCES S.artists (id) ON DELETE SET NULL,
    track_artist_link_confidence real CHECK (track_artist_link_confidence BETWEEN 0 AND 1),
    track_artist_link_method text
  );
  CREATE INDEX cta_library_id_idx ON S.compilation_track_artist (library_id);
  CREATE INDEX cta_track_artist_id_idx ON S.compilation_track_artist (track_artist_id);
  CREATE UNIQUE INDEX cta_unique_idx ON S.compilation_track_artist (library_id, artist_name, track_title);
  CREATE UNIQUE INDEX cta_unique_null_track_idx ON S.compilation_track_artist (library_id, artist_name)
    WHERE track_title IS NULL;
  CREATE INDEX cta_artist_name_idx ON S.compilation_track_artist (artist_name);
  CREATE TRIGGER compilation_track_artist_notify AFTER INSERT OR UPDATE OR DELETE ON S.compilation_track_artist
    FOR EACH ROW EXECUTE FUNCTION S.notify_row_change();
  CREATE TRIGGER compilation_track_artist_watermark
    AFTER UPDATE OF id, library_id, artist_name, track_title ON S.compilation_track_artist
    FOR EACH STATEMENT EXECUTE FUNCTION S.advance_export_watermark();`

/** What the first version's migrations (0001 and 0002) made of an empty schema. */
const EARLIER_VERSION_DDL = `
  CREATE SCHEMA S;
  CREATE TABLE S.library (
    id serial PRIMARY KEY,
    artist_name varchar(128),
    album_title varchar(128) NOT NULL,
    canonical_entity_id text,
    legacy_release_id integer UNIQUE,
    code_volume_letters varchar(4),
    unresolved_attempted_at timestamptz
  );
  CREATE INDEX library_canonical_entity_id_idx ON S.library (canonical_entity_id);
  ${IDENTITY_TABLE}
  CREATE INDEX library_identity_confidence_unresolved_idx
    ON S.library_identity (confidence, distinct_unresolved_sources DESC);
  ALTER TABLE S.library_identity
    ADD COLUMN discogs_artist_id integer,
    ADD COLUMN musicbrainz_artist_id text,
    ADD COLUMN bandcamp_id text;`

const ARTIST_ID_COLUMNS = [
  "column library_identity.bandcamp_id text",
  "column library_identity.discogs_artist_id integer",
  "column library_identity.musicbrainz_artist_id text"
]

/**
 * Runs `effect` while another connection holds, in an open transaction, the lock the
 * consumer's writes take on every catalog table; fails if `effect` waits on it.
 */
const whileTablesAreWritten = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { name } = yield* CatalogSchema
    const url = yield* TestDatabase.testDatabaseUrl
    const locked = yield* Deferred.make<void>()
    const finished = yield* Deferred.make<void>()
    const writer = yield* Effect.flatMap(SqlClient.SqlClient, (other) =>
      other.withTransaction(
        Effect.all([
          other`LOCK TABLE ${other(`${name}.library`)}, ${other(`${name}.library_identity`)},
            ${other(`${name}.library_identity_source`)}, ${other(`${name}.artists`)},
            ${other(`${name}.compilation_track_artist`)} IN ROW EXCLUSIVE MODE`,
          Deferred.succeed(locked, undefined),
          Deferred.await(finished)
        ])
      )
    ).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), Effect.fork)
    yield* Deferred.await(locked)
    const result = yield* effect.pipe(
      Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("waited for a writer's lock") }),
      Effect.ensuring(Deferred.succeed(finished, undefined))
    )
    yield* Fiber.join(writer)
    return result
  })

describe("migrate", () => {
  it.effect("creates every table, column, index and the folding function on a fresh install", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const { name } = yield* CatalogSchema
      expect(yield* columnTypes).toEqual(FRESH_COLUMNS)
      expect(yield* indexDefinitions).toEqual(FRESH_INDEXES)

      const constraints = yield* sql<{ readonly definition: string }>`
        SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = to_regclass(${`${name}.compilation_track_artist`}) AND contype IN ('c', 'f')
        ORDER BY contype, conname`
      expect(constraints.map((row) => row.definition.replaceAll(`${name}.`, ""))).toEqual([
        "CHECK (((track_artist_link_confidence >= (0)::double precision) AND (track_artist_link_confidence <= (1)::double precision)))",
        "FOREIGN KEY (library_id) REFERENCES library(id) ON DELETE CASCADE",
        "FOREIGN KEY (track_artist_id) REFERENCES artists(id) ON DELETE SET NULL"
      ])

      const fold = sql(`${name}.fold_artist_name`)
      const [folded] = yield* sql<Record<string, string>>`
        SELECT ${fold}('Sigur Rós') AS precomposed, ${fold}(${"Sigur Ro\u0301s"}) AS decomposed,
          ${fold}('NILÜFER Yanya') AS capitals, ${fold}(NULL) AS missing`
      expect(folded).toEqual({
        precomposed: "sigur ros",
        decomposed: "sigur ros",
        capitals: "nilufer yanya",
        missing: ""
      })
      const [definition] = yield* sql<{ readonly volatility: string; readonly body: string }>`
        SELECT provolatile AS volatility, prosrc AS body FROM pg_proc
        WHERE oid = to_regprocedure(${`${name}.fold_artist_name(text)`})`
      expect(definition?.volatility).toBe("i")
      // The escape itself, not the character JavaScript would have made of it.
      expect(definition?.body).toContain("'[\\u0300-\\u036f]'")

      const before = yield* snapshot
      expect(yield* migrateLogging).toEqual(reports([]))
      expect(yield* snapshot).toEqual(before)
    }).pipe(Effect.provide(TestDatabase.layer("mig_fresh")))
  )

  it.effect("adds only the three artist-id columns to a production-shaped catalog", () =>
    Effect.gen(function* () {
      yield* runDdl(PRODUCTION_DDL)
      const production = yield* snapshot

      expect(yield* migrateLogging).toEqual(reports(["0002_artist_identity_columns"]))
      const migrated = yield* snapshot
      expect(diff(production, migrated)).toEqual({ added: ARTIST_ID_COLUMNS, removed: [] })

      expect(yield* migrateLogging).toEqual(reports([]))
      expect(diff(migrated, yield* snapshot)).toEqual({ added: [], removed: [] })
    }).pipe(Effect.provide(unmigratedSchema("mig_prod")))
  )

  // The embedded database has one session for every connection: its locks exclude nothing.
  it.live.skipIf(TestDatabase.usesEmbeddedDatabase())(
    "with nothing to do, waits for no lock the consumer's writes hold",
    () =>
      Effect.gen(function* () {
        yield* runDdl(PRODUCTION_DDL)
        yield* migrateLogging
        expect(yield* whileTablesAreWritten(migrateLogging)).toEqual(reports([]))
      }).pipe(Effect.provide(unmigratedSchema("mig_locks")))
  )

  it.effect("gives an earlier version's audit index production's name, and adds what is new", () =>
    Effect.gen(function* () {
      yield* runDdl(EARLIER_VERSION_DDL)
      expect(yield* migrateLogging).toEqual(
        reports([
          "0003_audit_index_name",
          "0005_fold_artist_name",
          "0006_artists",
          "0007_compilation_track_artist"
        ])
      )
      expect(yield* columnTypes).toEqual(FRESH_COLUMNS)
      expect(yield* indexDefinitions).toEqual(FRESH_INDEXES)

      const migrated = yield* snapshot
      expect(yield* migrateLogging).toEqual(reports([]))
      expect(yield* snapshot).toEqual(migrated)
    }).pipe(Effect.provide(unmigratedSchema("mig_earlier")))
  )

  it.effect("drops an earlier version's copy of production's audit index", () =>
    Effect.gen(function* () {
      yield* runDdl(`${EARLIER_VERSION_DDL}
        CREATE INDEX library_identity_audit_idx
          ON S.library_identity (confidence, distinct_unresolved_sources DESC);`)
      yield* migrateLogging
      expect(yield* indexDefinitions).toEqual(FRESH_INDEXES)
    }).pipe(Effect.provide(unmigratedSchema("mig_both")))
  )
})
