/**
 * At most one run per schema and partition: a session-level advisory lock held on a reserved
 * connection for the whole run. It dies with the connection, so a killed run never leaves a
 * stale lock behind.
 */
import { SqlClient } from "@effect/sql"
import { Data, Effect, Option } from "effect"
import { CatalogSchema } from "./CatalogSchema.js"
import type { Partition } from "./ConsumerConfig.js"
import { databaseFailure } from "./DatabaseFaults.js"

export class RunLockBusy extends Data.TaggedError("RunLockBusy")<{ readonly key: string }> {
  override get message(): string {
    return `another run holds the lock "${this.key}"; this run did nothing`
  }
}

export class RunLock extends Effect.Service<RunLock>()("RunLock", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name: schema } = yield* CatalogSchema

    /** Holds the lock until the surrounding scope closes. */
    const hold = (partition: Option.Option<Partition>) =>
      Effect.gen(function* () {
        const key = Option.match(partition, {
          onNone: () => `library-identity-consumer:${schema}`,
          onSome: ({ count, index }) => `library-identity-consumer:${schema}:${index}/${count}`
        })
        const connection = yield* sql.reserve
        const [[locked]] = (yield* connection.executeValues("SELECT pg_try_advisory_lock(hashtext($1))", [
          key
        ])) as [[boolean]]
        if (!locked) return yield* new RunLockBusy({ key })
        yield* Effect.addFinalizer(() =>
          connection.executeValues("SELECT pg_advisory_unlock(hashtext($1))", [key]).pipe(Effect.ignore)
        )
      }).pipe(
        Effect.catchTag("SqlError", (error) => Effect.fail(databaseFailure("taking the run lock", error)))
      )

    return { hold } as const
  })
}) {}
