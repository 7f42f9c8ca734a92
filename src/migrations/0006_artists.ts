/**
 * The catalog's `artists` table, which track credits link to, created together with
 * production's `artists_fold_name_idx` on the folded name (the link's look-up) only where the
 * table is absent. Runs after 0005: the index needs the function.
 */
import { Effect } from "effect"
import { relationExists, unlessPresent, type Migration } from "./Migration.js"

const migration: Migration = (target) => {
  const { sql, t } = target
  return unlessPresent(
    relationExists(target, "artists"),
    Effect.all([
      sql`CREATE TABLE ${t.artists} (
        id serial PRIMARY KEY,
        artist_name varchar(128) NOT NULL,
        alphabetical_name varchar(128) NOT NULL,
        code_letters varchar(4) NOT NULL
      )`,
      sql`CREATE INDEX artists_fold_name_idx ON ${t.artists} (${t.foldArtistName}(artist_name))`
    ])
  )
}

export default migration
