/**
 * A fresh catalog of N libraries in its own schema: dropped, created by the CLI's own `migrate`,
 * filled by one `INSERT ... SELECT FROM generate_series`, then vacuumed and analysed so every
 * run starts from the same settled table. Row `id` is artist `Synthetic Artist <id>`, except
 * one id in twenty, which gets a various-artists name that LML answers as a compilation.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { Effect } from "effect"
import { catalogTables } from "../src/CatalogSchema.js"
import { DATABASE_URL, dropSchema, withSql } from "./db.js"

const execFileAsync = promisify(execFile)

export const VARIOUS_ARTISTS_NAMES = ["Various Artists", "V/A", "Various Artists - Soul Jazz", "Soundtrack"]

/** Runs `node dist/cli.mjs migrate` against `schema`. */
export const migrateSchema = async (schema: string): Promise<void> => {
  await execFileAsync(process.execPath, ["dist/cli.mjs", "migrate"], {
    env: { ...process.env, DATABASE_URL, WXYC_SCHEMA_NAME: schema, LOG_LEVEL: "warning", LOG_FORMAT: "json" },
    timeout: 60_000
  })
}

export const seedCatalog = async (schema: string, n: number): Promise<void> => {
  await dropSchema(schema)
  await migrateSchema(schema)
  await withSql((sql) => {
    const t = catalogTables(sql, schema)
    return Effect.all(
      [
        sql`INSERT INTO ${t.library} (id, artist_name, album_title, canonical_entity_id, legacy_release_id)
          SELECT g,
            CASE WHEN g % 20 = 7
              THEN (${VARIOUS_ARTISTS_NAMES}::text[])[1 + (g / 20) % ${VARIOUS_ARTISTS_NAMES.length}]
              ELSE 'Synthetic Artist ' || g END,
            'Synthetic Album ' || g,
            'bench-entity-' || g,
            g
          FROM generate_series(1, ${n}::int) AS g`,
        sql`VACUUM (ANALYZE) ${t.library}`,
        sql`ANALYZE ${t.identity}`,
        sql`ANALYZE ${t.identitySource}`,
        // Seeding writes a lot of WAL; flush it now rather than during the timed run.
        sql`CHECKPOINT`
      ],
      { discard: true }
    )
  })
}
