/**
 * The `library` columns the consumer relies on beyond the catalog's core, added to an existing
 * table that lacks them. `legacy_release_id` comes plain: production's is NOT NULL and unique,
 * but a populated table cannot take NOT NULL without a backfill, and an index is created only
 * together with its table.
 */
import { addMissingColumns, type Migration } from "./Migration.js"

const migration: Migration = (target) =>
  addMissingColumns(target, "library", {
    legacy_release_id: "integer",
    code_volume_letters: "varchar(4)",
    unresolved_attempted_at: "timestamptz"
  })

export default migration
