/**
 * A few lines a person can read after a demo run, taken from the tables rather than from the
 * run's Totals: so a second run, which resolves nothing new, still shows what the catalog holds.
 * The query and the wording are apart, so the wording is tested without a database.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "../CatalogSchema.js"
import { CatalogError } from "../domain/Errors.js"

export interface MethodCount {
  readonly method: string
  readonly libraries: number
}

export interface SourcesCount {
  /** Source rows a library has. */
  readonly sources: number
  readonly libraries: number
}

export interface ExampleRow {
  readonly library_id: number
  readonly artist_name: string | null
  readonly album_title: string
  readonly method: string
  readonly confidence: number
  /** `source external_id` pairs, by source. */
  readonly ids: ReadonlyArray<string>
}

export interface DemoFacts {
  readonly releases: number
  readonly identified: number
  /** Most used first. */
  readonly methods: ReadonlyArray<MethodCount>
  /** By number of sources, fewest first. */
  readonly sourcesPerLibrary: ReadonlyArray<SourcesCount>
  /** The first library resolved by each of the most used methods, in the same order. */
  readonly examples: ReadonlyArray<ExampleRow>
}

const TOP_METHODS = 5

export const readDemoFacts: Effect.Effect<DemoFacts, CatalogError, SqlClient.SqlClient | CatalogSchema> =
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const t = catalogTables(sql, name)
    const [counts] = yield* sql<{ readonly releases: number; readonly identified: number }>`
      SELECT (SELECT count(*)::int FROM ${t.library}) AS releases,
             (SELECT count(*)::int FROM ${t.identity}) AS identified`
    const methods = yield* sql<MethodCount>`
      SELECT method, count(*)::int AS libraries FROM ${t.identity}
      GROUP BY method ORDER BY libraries DESC, method`
    const sourcesPerLibrary = yield* sql<SourcesCount>`
      SELECT sources, count(*)::int AS libraries FROM (
        SELECT li.library_id, count(s.source)::int AS sources
        FROM ${t.identity} li LEFT JOIN ${t.identitySource} s ON s.library_id = li.library_id
        GROUP BY li.library_id
      ) per_library
      GROUP BY sources ORDER BY sources`
    const examples = yield* sql<Omit<ExampleRow, "ids"> & { readonly ids: ReadonlyArray<string> | null }>`
      WITH firsts AS (
        SELECT DISTINCT ON (method) library_id, method, confidence FROM ${t.identity}
        ORDER BY method, library_id
      ), usage AS (
        SELECT method, count(*) AS libraries FROM ${t.identity} GROUP BY method
      )
      SELECT f.library_id, l.artist_name, l.album_title, f.method, f.confidence,
        (SELECT array_agg(s.source || ' ' || s.external_id ORDER BY s.source)
         FROM ${t.identitySource} s WHERE s.library_id = f.library_id) AS ids
      FROM firsts f
      JOIN usage u USING (method)
      JOIN ${t.library} l ON l.id = f.library_id
      ORDER BY u.libraries DESC, f.method
      LIMIT ${TOP_METHODS}`
    return {
      releases: counts?.releases ?? 0,
      identified: counts?.identified ?? 0,
      methods,
      sourcesPerLibrary,
      examples: examples.map((row) => ({ ...row, ids: row.ids ?? [] }))
    } satisfies DemoFacts
  }).pipe(
    Effect.catchTag("SqlError", (error) =>
      Effect.fail(CatalogError.fromCause("reading the demo summary", error))
    )
  )

const count = (n: number): string => n.toLocaleString("en-US")

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`

const plural = (n: number, one: string, many: string): string => `${count(n)} ${n === 1 ? one : many}`

const exampleLine = (row: ExampleRow): string => {
  const ids = row.ids.length === 0 ? "no source rows" : row.ids.join(", ")
  return (
    `  ${row.artist_name ?? "(no artist)"} – ${row.album_title} (library ${row.library_id}): ` +
    `${row.method} ${row.confidence.toFixed(2)}; ${ids}`
  )
}

/** The summary's lines, without any prefix. */
export const formatDemoSummary = (facts: DemoFacts): ReadonlyArray<string> => {
  const top = facts.methods.slice(0, TOP_METHODS)
  const others = facts.methods.slice(TOP_METHODS).reduce((sum, m) => sum + m.libraries, 0)
  return [
    facts.releases === 0
      ? "the catalog is empty"
      : `${count(facts.identified)} of ${plural(facts.releases, "release", "releases")} have an identity ` +
        `(${percent(facts.identified, facts.releases)})`,
    facts.methods.length === 0
      ? "methods: none yet"
      : "methods: " +
        [
          ...top.map((m) => `${m.method} ${count(m.libraries)}`),
          ...(others > 0 ? [`other ${count(others)}`] : [])
        ].join(", "),
    facts.sourcesPerLibrary.length === 0
      ? "sources per release: none yet"
      : "sources per release: " +
        facts.sourcesPerLibrary.map((s) => `${count(s.libraries)} with ${count(s.sources)}`).join(", "),
    ...(facts.examples.length === 0 ? [] : ["examples:", ...facts.examples.map(exampleLine)])
  ]
}

/** The summary of what the tables hold now, one line per element, for the caller to prefix. */
export const demoSummary: Effect.Effect<
  ReadonlyArray<string>,
  CatalogError,
  SqlClient.SqlClient | CatalogSchema
> = Effect.map(readDemoFacts, formatDemoSummary)
