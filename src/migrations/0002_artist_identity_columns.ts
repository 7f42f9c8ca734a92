/**
 * Gives the artist-level ids of LML's `ReconciledIdentity` a home on the main row; before
 * this they survived only as `library_identity_source.external_id`.
 */
import { addMissingColumns, type Migration } from "./Migration.js"

const migration: Migration = (target) =>
  addMissingColumns(target, "library_identity", {
    discogs_artist_id: "integer",
    musicbrainz_artist_id: "text",
    bandcamp_id: "text"
  })

export default migration
