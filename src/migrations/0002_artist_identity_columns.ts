/**
 * Gives the artist-level ids of LML's `ReconciledIdentity` a home on the main row; before
 * this they survived only as `library_identity_source.external_id`.
 */
import type { SqlClient } from "@effect/sql"
import type { CatalogTables } from "../CatalogSchema.js"

export default (sql: SqlClient.SqlClient, t: CatalogTables) =>
  sql`ALTER TABLE ${t.identity}
    ADD COLUMN IF NOT EXISTS discogs_artist_id integer,
    ADD COLUMN IF NOT EXISTS musicbrainz_artist_id text,
    ADD COLUMN IF NOT EXISTS bandcamp_id text`
