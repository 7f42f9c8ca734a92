/**
 * What a migration is, and the questions migrations ask the system catalogs so that each one
 * changes only what is absent. Looking first matters on production's busy tables: even an
 * `ALTER TABLE ... ADD COLUMN IF NOT EXISTS` that adds nothing takes an ACCESS EXCLUSIVE lock,
 * which waits for the consumer's writes and holds up everything behind it.
 */
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import type { CatalogTables } from "../CatalogSchema.js"

export interface MigrationTarget {
  readonly sql: SqlClient.SqlClient
  /** The schema's name as it is, for catalog look-ups (`t` has it quoted, for statements). */
  readonly schema: string
  readonly t: CatalogTables
}

/** Makes its change where it is absent, and says whether it changed anything. */
export type Migration = (target: MigrationTarget) => Effect.Effect<boolean, SqlError>

type Check = Effect.Effect<boolean, SqlError>

const exists = (statement: Effect.Effect<ReadonlyArray<{ readonly present: boolean }>, SqlError>): Check =>
  Effect.map(statement, ([row]) => row?.present === true)

export const schemaExists = ({ sql, schema }: MigrationTarget): Check =>
  exists(sql`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${schema}) AS present`)

/** A table, index or sequence named `name` in the schema. */
export const relationExists = ({ sql, schema }: MigrationTarget, name: string): Check =>
  exists(sql`SELECT to_regclass(format('%I.%I', ${schema}::text, ${name}::text)) IS NOT NULL AS present`)

/** A function of the schema by name and argument types, e.g. `fold_artist_name(text)`. */
export const functionExists = ({ sql, schema }: MigrationTarget, signature: string): Check =>
  exists(sql`SELECT to_regprocedure(format('%I.', ${schema}::text) || ${signature}) IS NOT NULL AS present`)

/** Runs `create` only when `present` says no; says whether it ran. */
export const unlessPresent = (present: Check, create: Effect.Effect<unknown, SqlError>): Check =>
  Effect.flatMap(present, (found) => (found ? Effect.succeed(false) : Effect.as(create, true)))

/** Runs the steps in order; says whether any of them changed something. */
export const inOrder = (steps: ReadonlyArray<Check>): Check =>
  Effect.map(Effect.all(steps), (changed) => changed.some(Boolean))

/**
 * Adds those of `columns` (name → type) that the existing table `table` lacks, in one
 * `ALTER TABLE`, and issues none when it lacks nothing.
 */
export const addMissingColumns = (
  target: MigrationTarget,
  table: string,
  columns: Readonly<Record<string, string>>
): Check =>
  Effect.gen(function* () {
    const { sql, schema } = target
    const present = yield* sql<{ readonly attname: string }>`
      SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass(format('%I.%I', ${schema}::text, ${table}::text))
        AND attnum > 0 AND NOT attisdropped`
    const have = new Set(present.map((row) => row.attname))
    const missing = Object.entries(columns).filter(([name]) => !have.has(name))
    if (missing.length === 0) return false
    yield* sql`ALTER TABLE ${sql(`${schema}.${table}`)} ${sql.csv(
      missing.map(([name, type]) => sql`ADD COLUMN ${sql(name)} ${sql.literal(type)}`)
    )}`
    return true
  })
