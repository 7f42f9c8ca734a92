/**
 * "How much of the catalog has an identity, and what is waiting?": one consistent read of the
 * catalog with the settings a run would use, built from the same selection fragments, so that `due_now` is
 * what the next run selects. It writes nothing and needs no LML.
 *
 * Five of its counts split the catalog, each row in the first that applies:
 * `not_selectable.*`, `identities.manual`, `identities.fresh`, `waiting_on_marker`, `due_now.*`.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "./CatalogSchema.js"
import { makeSelectionSql, type SelectionRules } from "./CatalogSelection.js"
import { CatalogError } from "./domain/Errors.js"
import { databaseFailure } from "./DatabaseFaults.js"

export interface CatalogStatus {
  readonly catalog_rows: number
  readonly identities: {
    readonly fresh: number
    /** Rows due or waiting whose (non-manual) identity is older than the staleness window. */
    readonly stale: number
    readonly manual: number
    /** Every identity row, by its method. */
    readonly by_method: Readonly<Record<string, number>>
  }
  readonly due_now: { readonly va: number; readonly non_va: number }
  readonly waiting_on_marker: number
  readonly not_selectable: { readonly no_artist_name: number; readonly null_canonical_excluded: number }
  readonly va: {
    readonly rows: number
    readonly track_rows: number
    /** Track rows with an artist, by the method that linked them. */
    readonly track_rows_linked: Readonly<Record<string, number>>
  }
}

interface Counts {
  readonly catalog_rows: number
  readonly no_artist_name: number
  readonly null_canonical_excluded: number
  readonly manual: number
  readonly fresh: number
  readonly waiting_on_marker: number
  readonly due_va: number
  readonly due_non_va: number
  readonly stale: number
  readonly va_rows: number
}

interface Tally {
  readonly key: string
  readonly n: number
}

/** A link whose method was never recorded. */
const UNSPECIFIED_METHOD = "unspecified"

const byKey = (rows: ReadonlyArray<Tally>): Record<string, number> =>
  Object.fromEntries(rows.map((row) => [row.key, row.n]))

export const readCatalogStatus = (
  rules: SelectionRules
): Effect.Effect<CatalogStatus, CatalogError, SqlClient.SqlClient | CatalogSchema> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const t = catalogTables(sql, name)
    const select = makeSelectionSql(sql, t)
    const inPartition = select.inPartition(rules.partition)

    // One snapshot for every count, so that they agree with each other however busy the catalog.
    const { counts, methods, tracks, links } = yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`
        const [counts] = yield* sql<Counts>`
          SELECT count(*)::int AS catalog_rows,
            count(*) FILTER (WHERE bucket = 'no_artist_name')::int AS no_artist_name,
            count(*) FILTER (WHERE bucket = 'null_canonical_excluded')::int AS null_canonical_excluded,
            count(*) FILTER (WHERE bucket = 'manual')::int AS manual,
            count(*) FILTER (WHERE bucket = 'fresh')::int AS fresh,
            count(*) FILTER (WHERE bucket = 'waiting')::int AS waiting_on_marker,
            count(*) FILTER (WHERE bucket = 'due' AND va)::int AS due_va,
            count(*) FILTER (WHERE bucket = 'due' AND NOT va)::int AS due_non_va,
            count(*) FILTER (WHERE bucket IN ('waiting', 'due') AND has_identity)::int AS stale,
            count(*) FILTER (WHERE va)::int AS va_rows
          FROM (
            SELECT ${select.isVa} AS va,
              li.library_id IS NOT NULL AS has_identity,
              CASE WHEN l.artist_name IS NULL THEN 'no_artist_name'
                   WHEN NOT (${select.selectable(rules)}) THEN 'null_canonical_excluded'
                   WHEN ${select.identityIsManual} THEN 'manual'
                   WHEN ${select.identityIsFresh(rules)} THEN 'fresh'
                   WHEN ${select.markerWaits(rules)} THEN 'waiting'
                   ELSE 'due' END AS bucket
            FROM ${t.library} l LEFT JOIN ${t.identity} li ON li.library_id = l.id
            WHERE ${inPartition}
          ) rows`
        const methods = yield* sql<Tally>`
          SELECT li.method AS key, count(*)::int AS n
          FROM ${t.identity} li JOIN ${t.library} l ON l.id = li.library_id
          WHERE ${inPartition}
          GROUP BY li.method ORDER BY n DESC, key`
        const [tracks] = yield* sql<{ readonly track_rows: number }>`
          SELECT count(*)::int AS track_rows
          FROM ${t.trackArtists} cta JOIN ${t.library} l ON l.id = cta.library_id
          WHERE ${inPartition}`
        const links = yield* sql<Tally>`
          SELECT COALESCE(cta.track_artist_link_method, ${UNSPECIFIED_METHOD}) AS key, count(*)::int AS n
          FROM ${t.trackArtists} cta JOIN ${t.library} l ON l.id = cta.library_id
          WHERE cta.track_artist_id IS NOT NULL AND ${inPartition}
          GROUP BY 1 ORDER BY n DESC, key`
        return { counts, methods, tracks, links }
      })
    )
    if (counts === undefined) return yield* Effect.dieMessage("an aggregate query returned no row")
    return {
      catalog_rows: counts.catalog_rows,
      identities: {
        fresh: counts.fresh,
        stale: counts.stale,
        manual: counts.manual,
        by_method: byKey(methods)
      },
      due_now: { va: counts.due_va, non_va: counts.due_non_va },
      waiting_on_marker: counts.waiting_on_marker,
      not_selectable: {
        no_artist_name: counts.no_artist_name,
        null_canonical_excluded: counts.null_canonical_excluded
      },
      va: { rows: counts.va_rows, track_rows: tracks?.track_rows ?? 0, track_rows_linked: byKey(links) }
    } satisfies CatalogStatus
  }).pipe(
    Effect.catchTag("SqlError", (error) => Effect.fail(databaseFailure("reading the catalog status", error))),
    Effect.withSpan("CatalogStatus.read")
  )

// --- The same report for a person at a terminal

const count = (n: number): string => n.toLocaleString("en-US")

const tallies = (record: Readonly<Record<string, number>>): string => {
  const entries = Object.entries(record)
  return entries.length === 0 ? "none" : entries.map(([key, n]) => `${key} ${count(n)}`).join(", ")
}

const percentOf = (part: number, whole: number): string =>
  whole === 0 ? "" : ` (${((100 * part) / whole).toFixed(1)}%)`

/** The report as aligned lines, without a trailing newline. */
export const formatCatalogStatus = (status: CatalogStatus): ReadonlyArray<string> => {
  const { identities, due_now, not_selectable, va } = status
  const linked = Object.values(va.track_rows_linked).reduce((sum, n) => sum + n, 0)
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["catalog rows", count(status.catalog_rows)],
    ["identity, fresh", `${count(identities.fresh)}${percentOf(identities.fresh, status.catalog_rows)}`],
    ["identity, manual", count(identities.manual)],
    ["identity, stale", `${count(identities.stale)} (due or waiting)`],
    ["identities by method", tallies(identities.by_method)],
    [
      "due now",
      `${count(due_now.va + due_now.non_va)} (V/A ${count(due_now.va)}, other ${count(due_now.non_va)})`
    ],
    ["waiting on a no-match marker", count(status.waiting_on_marker)],
    ["no artist name", count(not_selectable.no_artist_name)],
    ["never canonicalised, excluded", count(not_selectable.null_canonical_excluded)],
    ["V/A releases", count(va.rows)],
    ["V/A track rows", `${count(va.track_rows)}, ${count(linked)} linked${percentOf(linked, va.track_rows)}`],
    ["V/A track links by method", tallies(va.track_rows_linked)]
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`)
}
