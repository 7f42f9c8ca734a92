/**
 * `compilation_track_artist`, one row per credited track of a V/A release, created together
 * with production's indexes only where the table is absent. Runs after 0006: credits link to
 * `artists`.
 */
import { Effect } from "effect"
import { relationExists, unlessPresent, type Migration } from "./Migration.js"

const migration: Migration = (target) => {
  const { sql, t } = target
  return unlessPresent(
    relationExists(target, "compilation_track_artist"),
    Effect.all([
      sql`CREATE TABLE ${t.trackArtists} (
        id serial PRIMARY KEY,
        library_id integer NOT NULL REFERENCES ${t.library} (id) ON DELETE CASCADE,
        artist_name varchar(255) NOT NULL,
        track_title varchar(255),
        track_position varchar(20),
        track_artist_id integer REFERENCES ${t.artists} (id) ON DELETE SET NULL,
        track_artist_link_confidence real CHECK (track_artist_link_confidence BETWEEN 0 AND 1),
        track_artist_link_method text
      )`,
      sql`CREATE INDEX cta_library_id_idx ON ${t.trackArtists} (library_id)`,
      sql`CREATE INDEX cta_track_artist_id_idx ON ${t.trackArtists} (track_artist_id)`,
      sql`CREATE INDEX cta_artist_name_idx ON ${t.trackArtists} (artist_name)`,
      // Two, because a unique index treats NULL titles as distinct (and PG 14 has no NULLS NOT DISTINCT).
      sql`CREATE UNIQUE INDEX cta_unique_idx ON ${t.trackArtists} (library_id, artist_name, track_title)`,
      sql`CREATE UNIQUE INDEX cta_unique_null_track_idx ON ${t.trackArtists} (library_id, artist_name)
        WHERE track_title IS NULL`
    ])
  )
}

export default migration
