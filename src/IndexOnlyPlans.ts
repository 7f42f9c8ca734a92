/**
 * The job's hot statements touch a page or a batch of rows by primary key, and must stay
 * cheap however stale the table statistics are. On a first run they are at their worst: the
 * identity tables were analysed empty, so the planner happily scans them sequentially — once
 * per batch, over every row written so far (measured: 181 M rows read for 300 k libraries).
 * Turning sequential scans off for the current transaction keeps those statements on their
 * indexes; nothing else is affected.
 *
 * JIT is off for the same statements: a keyset page that must read far past its cursor (the
 * V/A cohort is 6% of the catalog) is estimated dear enough to be compiled, and compiling costs
 * more than the page itself, on every page (measured: W1 took 15 s instead of 7.5 s).
 */
import type { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option } from "effect"

/**
 * Runs `statements` in a transaction with sequential scans and JIT off. The SQL client turns a failed
 * COMMIT or ROLLBACK (a connection lost mid-transaction) into a defect; it is a failure here,
 * so callers can retry it like any other lost connection (every statement here is idempotent).
 */
export const withIndexOnlyPlans = <A, E, R>(sql: SqlClient.SqlClient, statements: Effect.Effect<A, E, R>) =>
  sql
    .withTransaction(
      Effect.zipRight(
        sql`SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`,
        statements
      )
    )
    .pipe(
      Effect.catchSomeDefect((defect) =>
        defect instanceof SqlError ? Option.some(Effect.fail(defect)) : Option.none()
      )
    )
