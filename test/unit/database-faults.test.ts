import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import {
  databaseFailure,
  isLockWait,
  isLockWaitOrTimeout,
  isTransientDatabaseError
} from "../../src/DatabaseFaults.js"

/** A driver error as `pg` raises it, wrapped the way `@effect/sql` wraps it. */
const failed = (code: string, message: string) =>
  new SqlError({ message: "Failed to execute statement", cause: Object.assign(new Error(message), { code }) })

const lockTimeout = failed("55P03", "canceling statement due to lock timeout")
const statementTimeout = failed("57014", "canceling statement due to statement timeout")
const uniqueViolation = failed("23505", "duplicate key value violates unique constraint")

describe("database faults", () => {
  it("a lock wait and a statement timeout are transient: a read retries them, then gives up", () => {
    expect(isTransientDatabaseError(lockTimeout)).toBe(true)
    expect(isTransientDatabaseError(statementTimeout)).toBe(true)
    expect(isTransientDatabaseError(uniqueViolation)).toBe(false)
  })

  it("tells a lock wait from a statement timeout, which may be one too", () => {
    expect(isLockWait(lockTimeout)).toBe(true)
    expect(isLockWait(statementTimeout)).toBe(false)
    expect(isLockWaitOrTimeout(statementTimeout)).toBe(true)
    expect(isLockWaitOrTimeout(uniqueViolation)).toBe(false)
  })

  it("a pool with no free connection within its timeout is transient too", () => {
    const exhausted = new SqlError({
      message: "Failed to acquire connection",
      cause: new Error("timeout exceeded when trying to connect")
    })
    expect(isTransientDatabaseError(exhausted)).toBe(true)
  })

  it("the fatal message names what was done, what Postgres said and which limit ran out", () => {
    expect(databaseFailure("reading pending libraries", lockTimeout).message).toBe(
      "reading pending libraries: canceling statement due to lock timeout " +
        "(another session held a lock for longer than DB_LOCK_TIMEOUT_MS)"
    )
    expect(databaseFailure("writing verdicts", statementTimeout).message).toContain("DB_STATEMENT_TIMEOUT_MS")
    expect(databaseFailure("writing verdicts", uniqueViolation).message).toBe(
      "writing verdicts: duplicate key value violates unique constraint"
    )
  })
})
