/**
 * The job's hot statements touch a page or a batch of rows by primary key, and must stay
 * cheap however stale the table statistics are. On a first run they are at their worst: the
 * identity tables were analysed empty, so the planner happily scans them sequentially — once
 * per batch, over every row written so far (measured: 181 M rows read for 300 k libraries).
 * Turning sequential scans off for the current transaction keeps those statements on their
 * indexes; nothing else is affected. ANALYZE cannot stand in for it: only a table's owner may
 * run it, and the job is meant to run as a role that owns nothing (see the README's grants).
 *
 * JIT is off for the same statements: a keyset page that must read far past its cursor (the
 * V/A cohort is 6% of the catalog) is estimated dear enough to be compiled, and compiling costs
 * more than the page itself, on every page (measured: W1 took 15 s instead of 7.5 s).
 */
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Scope } from "effect"

/**
 * Sent as one message with BEGIN: each statement the job sends costs a socket write and a wake-up
 * of the backend, which on this job's scale is a measurable share of its CPU.
 */
const BEGIN_WITH_INDEX_ONLY_PLANS =
  "BEGIN; SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"

/**
 * `sql.withTransaction`, with sequential scans and JIT off for the transaction. The SQL client
 * turns a failed COMMIT or ROLLBACK (a connection lost mid-transaction) into a defect; it is a
 * failure here, so callers can retry it like any other lost connection (every statement here is
 * idempotent).
 */
export const indexOnlyTransaction = (sql: SqlClient.SqlClient) => {
  const withTransaction = SqlClient.makeWithTransaction({
    transactionTag: SqlClient.TransactionConnection,
    spanAttributes: [],
    acquireConnection: Effect.flatMap(Scope.make(), (scope) =>
      Effect.map(Scope.extend(sql.reserve, scope), (connection) => [scope, connection] as const)
    ),
    begin: (connection) => connection.executeUnprepared(BEGIN_WITH_INDEX_ONLY_PLANS, [], undefined),
    savepoint: (connection, id) => connection.executeUnprepared(`SAVEPOINT effect_sql_${id}`, [], undefined),
    commit: (connection) => connection.executeUnprepared("COMMIT", [], undefined),
    rollback: (connection) => connection.executeUnprepared("ROLLBACK", [], undefined),
    rollbackSavepoint: (connection, id) =>
      connection.executeUnprepared(`ROLLBACK TO SAVEPOINT effect_sql_${id}`, [], undefined)
  })
  return <A, E, R>(statements: Effect.Effect<A, E, R>) =>
    withTransaction(statements).pipe(
      Effect.catchSomeDefect((defect) =>
        defect instanceof SqlError ? Option.some(Effect.fail(defect)) : Option.none()
      )
    )
}
