/**
 * Which Postgres schema holds the catalog tables (`WXYC_SCHEMA_NAME`, default `wxyc_schema`),
 * and the quoted table identifiers every query uses.
 */
import type { SqlClient } from "@effect/sql"
import { Config, ConfigError, Context, Either, Layer } from "effect"
import { optionalString } from "./config/EnvValues.js"

/** Postgres truncates identifiers at 63 bytes; the SQL client splits quoted identifiers on dots. */
const isUsableSchemaName = (name: string) =>
  name.length > 0 && Buffer.byteLength(name) <= 63 && !name.includes(".") && !name.includes("\u0000")

export const schemaName: Config.Config<string> = optionalString("WXYC_SCHEMA_NAME").pipe(
  Config.map((name) => (name._tag === "Some" ? name.value : "wxyc_schema")),
  Config.mapOrFail((name) =>
    isUsableSchemaName(name)
      ? Either.right(name)
      : Either.left(
          ConfigError.InvalidData(
            [],
            `WXYC_SCHEMA_NAME='${name}' is invalid: expected a Postgres schema name of 1-63 bytes without dots`
          )
        )
  )
)

export class CatalogSchema extends Context.Tag("CatalogSchema")<CatalogSchema, { readonly name: string }>() {
  static readonly layer = Layer.effect(
    CatalogSchema,
    Config.map(schemaName, (name) => ({ name }))
  )
  static readonly make = (name: string) => Layer.succeed(CatalogSchema, { name })
}

/** Quoted, schema-qualified identifiers for the catalog's tables and its name-folding function. */
export const catalogTables = (sql: SqlClient.SqlClient, schema: string) => ({
  schema: sql(schema),
  library: sql(`${schema}.library`),
  identity: sql(`${schema}.library_identity`),
  identitySource: sql(`${schema}.library_identity_source`),
  artists: sql(`${schema}.artists`),
  trackArtists: sql(`${schema}.compilation_track_artist`),
  /** `fold_artist_name(text)`: NFD, combining marks stripped, lower case; `artists` is indexed on it. */
  foldArtistName: sql(`${schema}.fold_artist_name`)
})
export type CatalogTables = ReturnType<typeof catalogTables>
