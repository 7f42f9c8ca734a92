/**
 * The no-match marker, `library.unresolved_attempted_at`: when LML last found nothing for a
 * row, so the selection can leave it alone until the retry window has passed. `library`
 * carries triggers that fire for every updated row, so neither statement updates a row it
 * would not change, and neither touches another column.
 */
import type { SqlClient } from "@effect/sql"
import type { CatalogTables } from "../CatalogSchema.js"
import type { LibraryId } from "../domain/LmlWire.js"

export const makeNoMatchMarkers = (sql: SqlClient.SqlClient, t: CatalogTables) => ({
  /** LML answered "nothing found" (or a compilation) for these rows: mark them, by the database's clock. */
  stamp: (ids: ReadonlyArray<LibraryId>) =>
    sql`UPDATE ${t.library} SET unresolved_attempted_at = now()
      WHERE id = ANY(${ids}::int[]) AND unresolved_attempted_at IS DISTINCT FROM now()`,

  /** These rows resolved: their identity row carries their freshness now. */
  clear: (ids: ReadonlyArray<LibraryId>) =>
    sql`UPDATE ${t.library} SET unresolved_attempted_at = NULL
      WHERE id = ANY(${ids}::int[]) AND unresolved_attempted_at IS NOT NULL`
})
