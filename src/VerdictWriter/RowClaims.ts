/**
 * Finds a library whose rows another session holds without waiting `DB_LOCK_TIMEOUT_MS` for
 * each. Before a library is written on its own, its transaction locks the rows its statements
 * would change, skipping those another session holds (`SKIP LOCKED`). If any was skipped, the
 * library is left for the next run at once; if none was, its statements find every row they
 * change already held by this transaction.
 *
 * Each claim takes the lock its statement would: `NO KEY UPDATE` for rows updated in place,
 * `UPDATE` for source rows, which may be deleted. `SKIP LOCKED` skips rows, never tables: a
 * table another session holds is still waited for, and that wait's timeout is a database
 * failure, not a locked library.
 */
import type { SqlClient } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import { Effect } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"
import { libraryIdOf, type Writable } from "../domain/Verdict.js"

export const makeRowClaims = (sql: SqlClient.SqlClient, t: CatalogTables) => {
  /** True when every row `rows` (a FROM … WHERE …) selects could be locked with `strength`. */
  const allClaimed = (rows: Fragment, strength: "NO KEY UPDATE" | "UPDATE") =>
    sql`(SELECT count(*) ${rows}) = (SELECT count(*) FROM (
          SELECT 1 ${rows} FOR ${sql.literal(strength)} SKIP LOCKED) AS claimed)`

  /** The rows the verdict's write would change, each as a claim. */
  const claimsFor = (verdict: Writable): ReadonlyArray<Fragment> => {
    const id = libraryIdOf(verdict)
    if (verdict._tag !== "Resolved") {
      // The no-match marker is stamped on every verdict that is not a single artist.
      return [allClaimed(sql`FROM ${t.library} WHERE id = ${id}`, "NO KEY UPDATE")]
    }
    const sources = verdict.resolution.sources.map((s) => s.source)
    return [
      // The upsert locks an existing main row even when it is manual and stays as it is.
      allClaimed(sql`FROM ${t.identity} WHERE library_id = ${id}`, "NO KEY UPDATE"),
      // Under a non-manual main row: the non-manual rows may be replaced or deleted, and any
      // row of a source the verdict carries is locked by the upsert.
      allClaimed(
        sql`FROM ${t.identitySource} s
          WHERE s.library_id = ${id}
            AND (s.method <> 'manual' OR s.source = ANY(${sources}::text[]))
            AND NOT EXISTS (SELECT 1 FROM ${t.identity} m WHERE m.library_id = ${id} AND m.method = 'manual')`,
        "UPDATE"
      ),
      // Its marker is cleared, if it has one.
      allClaimed(
        sql`FROM ${t.library} WHERE id = ${id} AND unresolved_attempted_at IS NOT NULL`,
        "NO KEY UPDATE"
      )
    ]
  }

  /** Locks the verdict's rows for the current transaction; false if another session holds one. */
  const claim = (verdict: Writable) =>
    Effect.map(
      sql<{ readonly claimed: boolean }>`SELECT ${sql.and(claimsFor(verdict))} AS claimed`,
      ([row]) => row?.claimed === true
    )

  return { claim } as const
}
