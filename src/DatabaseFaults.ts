/**
 * Which database failures are worth retrying, and which are a wait on another session. Lost
 * serialization races, deadlocks and lost connections go away on their own; so may a lock
 * wait or a statement that ran out of time. Constraint violations and bad SQL do not.
 */
import { Effect, Schedule } from "effect"
import { CatalogError, causeMessage } from "./domain/Errors.js"

/** `lock_not_available`: `lock_timeout` ran out (or a `NOWAIT` found the row taken). */
const LOCK_NOT_AVAILABLE = "55P03"
/** `query_canceled`: `statement_timeout` ran out, or the statement was cancelled. */
const QUERY_CANCELED = "57014"

const TRANSIENT_SQLSTATES = new Set([
  "40001",
  "40P01",
  "57P01",
  "57P02",
  "57P03",
  LOCK_NOT_AVAILABLE,
  QUERY_CANCELED
])
const TRANSIENT_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND"])

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

/** The error and the errors it wraps (`SqlError.cause`, down to the driver's). */
const causeChain = (error: unknown): ReadonlyArray<unknown> => {
  const chain: Array<unknown> = []
  for (let current = error; current != null && chain.length < 5;) {
    chain.push(current)
    current = typeof current === "object" && "cause" in current ? current.cause : undefined
  }
  return chain
}

const hasCode = (error: unknown, codes: ReadonlyArray<string>) =>
  causeChain(error).some((cause) => {
    const code = codeOf(cause)
    return code !== undefined && codes.includes(code)
  })

const isTransientCause = (error: unknown): boolean => {
  const code = codeOf(error)
  if (code !== undefined) {
    return TRANSIENT_SQLSTATES.has(code) || code.startsWith("08") || TRANSIENT_NODE_CODES.has(code)
  }
  // The pool's own words for a lost connection, or for no free one within DB_CONNECT_TIMEOUT_MS.
  return (
    error instanceof Error &&
    /connection terminated|connection ended|not queryable|timeout exceeded when trying to connect/i.test(
      error.message
    )
  )
}

export const isTransientDatabaseError = (error: unknown): boolean => causeChain(error).some(isTransientCause)

/** `lock_timeout` ran out: another session held what the statement needed. */
export const isLockWait = (error: unknown): boolean => hasCode(error, [LOCK_NOT_AVAILABLE])

/** A statement that waited on another session, or ran out of time, which may be the same wait. */
export const isLockWaitOrTimeout = (error: unknown): boolean =>
  hasCode(error, [LOCK_NOT_AVAILABLE, QUERY_CANCELED])

/** Bounded: three more tries over about a second, then the failure is the caller's. */
export const retryTransient = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  retryable: (error: E) => boolean = isTransientDatabaseError
) =>
  Effect.retry(effect, {
    schedule: Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(3))),
    while: retryable
  })

/** Which limit ended the wait, so the operator knows which setting they are looking at. */
const limitHint = (error: unknown): string =>
  hasCode(error, [LOCK_NOT_AVAILABLE])
    ? " (another session held a lock for longer than DB_LOCK_TIMEOUT_MS)"
    : hasCode(error, [QUERY_CANCELED])
      ? " (the statement ran longer than DB_STATEMENT_TIMEOUT_MS, or was cancelled)"
      : ""

/** A failure the run cannot go on from: what was being done, what Postgres said, and which limit ran out. */
export const databaseFailure = (doing: string, error: unknown): CatalogError =>
  new CatalogError({ detail: `${doing}: ${causeMessage(error)}${limitHint(error)}`, cause: error })
