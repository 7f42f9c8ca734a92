/**
 * Which catalog rows are due for LML, as SQL over `library l` (and, where named, its identity
 * row `li`). The page reads and the `status` report are both built from these fragments, so
 * the report's "due now" is what a run selects.
 *
 * A row is due when it has an artist name, is canonicalised (or NULL-canonical rows are
 * included), has no identity row that is fresh or `manual`, and carries no no-match marker
 * younger than the retry window. A re-check instead re-asks marked rows whatever their age,
 * staleness or canonical id; `manual` rows are never asked.
 */
import type { SqlClient, Statement } from "@effect/sql"
import { Option } from "effect"
import type { CatalogTables } from "./CatalogSchema.js"
import type { Partition, Recheck } from "./ConsumerConfig.js"
import type { Cohort } from "./domain/Totals.js"

export interface SelectionRules {
  readonly staleThresholdDays: number
  readonly unresolvedRetryDays: number
  readonly includeNullCanonical: boolean
  readonly partition: Option.Option<Partition>
}

export const makeSelectionSql = (sql: SqlClient.SqlClient, t: CatalogTables) => {
  // Days of 24 hours: a calendar day in the session's time zone is 23 or 25 hours around a DST switch.
  const daysAgo = (days: number) => sql`now() - make_interval(hours => 24 * ${days}::int)`

  /**
   * A V/A compilation: a `Z` shelf code (NULL letters are not one), or credited tracks. The
   * credits are looked for with one index probe per row: as an `EXISTS` inside `OR`, the
   * planner may hash the whole of `compilation_track_artist` instead, once for every page.
   */
  const isVa = sql`(COALESCE(l.code_volume_letters, '') LIKE 'Z%'
    OR (SELECT 1 FROM ${t.trackArtists} cta WHERE cta.library_id = l.id LIMIT 1) IS NOT NULL)`

  /**
   * The rows of one cohort, for a page after `afterId`. The other cohort is the complement of
   * `isVa`, written as an anti-join the planner estimates well (so it keeps reading the page in
   * id order rather than sorting every row after the cursor) and bounded by the cursor too.
   */
  const inCohort = (cohort: Cohort, afterId: number) =>
    cohort === "va"
      ? isVa
      : sql`COALESCE(l.code_volume_letters, '') NOT LIKE 'Z%'
        AND NOT EXISTS (
          SELECT 1 FROM ${t.trackArtists} cta WHERE cta.library_id = l.id AND cta.library_id > ${afterId})`

  const inPartition = (partition: Option.Option<Partition>) =>
    Option.match(partition, {
      onNone: () => sql`TRUE`,
      onSome: ({ count, index }) => sql`l.id % ${count} = ${index}`
    })

  /** Rows that can ever be sent: they have an artist name, and a canonical id unless told otherwise. */
  const selectable = (rules: SelectionRules) =>
    rules.includeNullCanonical
      ? sql`l.artist_name IS NOT NULL`
      : sql`l.artist_name IS NOT NULL AND l.canonical_entity_id IS NOT NULL`

  const identityIsManual = sql`li.method = 'manual'`
  const identityIsFresh = (rules: SelectionRules) =>
    sql`li.last_verified_at >= ${daysAgo(rules.staleThresholdDays)}`

  /** A marker still inside the retry window: LML said "nothing found" too recently to ask again. */
  const markerWaits = (rules: SelectionRules) =>
    sql`l.unresolved_attempted_at >= ${daysAgo(rules.unresolvedRetryDays)}`

  /**
   * `afterId` repeats the keyset bound inside the anti-join, so the planner can start the
   * identity probe there rather than at the first library.
   */
  const identityHolds = (afterId: number, condition: Statement.Fragment) =>
    sql`EXISTS (
      SELECT 1 FROM ${t.identity} li
      WHERE li.library_id = l.id AND li.library_id > ${afterId} AND (${condition}))`

  const due = (rules: SelectionRules, recheck: Recheck, afterId: number) =>
    recheck === "off"
      ? sql`${selectable(rules)}
        AND NOT ${identityHolds(afterId, sql`${identityIsFresh(rules)} OR ${identityIsManual}`)}
        AND (l.unresolved_attempted_at IS NULL
             OR l.unresolved_attempted_at < ${daysAgo(rules.unresolvedRetryDays)})`
      : sql`l.artist_name IS NOT NULL
        AND l.unresolved_attempted_at IS NOT NULL
        AND NOT ${identityHolds(afterId, identityIsManual)}`

  /** The cohorts a run resolves: a V/A re-check leaves the others alone. */
  const cohortsFor = (recheck: Recheck): ReadonlyArray<Cohort> =>
    recheck === "va" ? ["va"] : ["va", "non_va"]

  return {
    isVa,
    inCohort,
    inPartition,
    selectable,
    identityIsManual,
    identityIsFresh,
    markerWaits,
    due,
    cohortsFor
  } as const
}
