/**
 * The bench's own database access: the same driver the app uses (@effect/sql-pg), one short-lived
 * single-connection pool per call, so that statements are timed over one connection.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"

export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test"

export const withSql = <A, E>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, f).pipe(
      Effect.provide(
        PgClient.layer({
          url: Redacted.make(DATABASE_URL),
          maxConnections: 1,
          applicationName: "library-identity-consumer-bench"
        })
      )
    )
  )

export const dropSchema = (schema: string): Promise<void> =>
  withSql((sql) => Effect.asVoid(sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`))
