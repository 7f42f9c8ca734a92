/**
 * The tables the consumer has had from the start (`library`, `library_identity`,
 * `library_identity_source`) as production has them, each created together with its indexes,
 * under production's names, only where the table is absent: tests, the demo, new installs. An
 * existing table is left exactly as it is; in particular no index is added to it, so none can
 * duplicate one that production has under another name.
 */
import { Effect } from "effect"
import { inOrder, relationExists, schemaExists, unlessPresent, type Migration } from "./Migration.js"

const migration: Migration = (target) => {
  const { sql, t } = target
  return inOrder([
    // Looking first: `CREATE SCHEMA IF NOT EXISTS` still wants the CREATE privilege on the database.
    unlessPresent(schemaExists(target), sql`CREATE SCHEMA ${t.schema}`),
    unlessPresent(
      relationExists(target, "library"),
      Effect.all([
        // Production's `legacy_release_id` is NOT NULL; a fresh catalog may have rows without one.
        sql`CREATE TABLE ${t.library} (
          id serial PRIMARY KEY,
          artist_name varchar(128),
          album_title varchar(128) NOT NULL,
          canonical_entity_id text,
          legacy_release_id integer UNIQUE,
          code_volume_letters varchar(4),
          unresolved_attempted_at timestamptz
        )`,
        sql`CREATE INDEX library_canonical_entity_id_idx ON ${t.library} (canonical_entity_id)`
      ])
    ),
    unlessPresent(
      relationExists(target, "library_identity"),
      Effect.all([
        sql`CREATE TABLE ${t.identity} (
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
        sql`CREATE INDEX library_identity_audit_idx
          ON ${t.identity} (confidence, distinct_unresolved_sources DESC)`
      ])
    ),
    unlessPresent(
      relationExists(target, "library_identity_source"),
      sql`CREATE TABLE ${t.identitySource} (
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
    )
  ])
}

export default migration
