/**
 * The catalog tables as production has them, created only where absent (tests, the demo,
 * new installs). Against an existing catalog database every statement is a no-op.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"

export default (sql: SqlClient.SqlClient, t: CatalogTables) =>
  Effect.all(
    [
      sql`CREATE SCHEMA IF NOT EXISTS ${t.schema}`,
      sql`CREATE TABLE IF NOT EXISTS ${t.library} (
      id serial PRIMARY KEY,
      artist_name varchar(128),
      album_title varchar(128) NOT NULL,
      canonical_entity_id text,
      legacy_release_id integer UNIQUE,
      code_volume_letters varchar(4),
      unresolved_attempted_at timestamptz
    )`,
      sql`CREATE INDEX IF NOT EXISTS library_canonical_entity_id_idx ON ${t.library} (canonical_entity_id)`,
      sql`CREATE TABLE IF NOT EXISTS ${t.identity} (
      library_id integer PRIMARY KEY REFERENCES ${t.library} (id),
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
    )`,
      sql`CREATE INDEX IF NOT EXISTS library_identity_confidence_unresolved_idx
      ON ${t.identity} (confidence, distinct_unresolved_sources DESC)`,
      sql`CREATE TABLE IF NOT EXISTS ${t.identitySource} (
      library_id integer NOT NULL REFERENCES ${t.library} (id),
      source text NOT NULL,
      external_id text NOT NULL,
      method text NOT NULL,
      confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
      last_verified_at timestamptz NOT NULL,
      boost_sources text,
      notes text,
      PRIMARY KEY (library_id, source)
    )`
    ],
    { discard: true }
  )
