/**
 * Which database failures are worth retrying: lost serialization races, deadlocks and lost
 * connections go away on their own; constraint violations and bad SQL do not.
 */
import { Effect, Schedule } from "effect"

const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "57P01", "57P02", "57P03"])
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

const isTransientCause = (error: unknown): boolean => {
  const code = codeOf(error)
  if (code !== undefined) {
    return TRANSIENT_SQLSTATES.has(code) || code.startsWith("08") || TRANSIENT_NODE_CODES.has(code)
  }
  return error instanceof Error && /connection terminated|connection ended|not queryable/i.test(error.message)
}

export const isTransientDatabaseError = (error: unknown): boolean => causeChain(error).some(isTransientCause)

/** Bounded: three more tries over about a second, then the failure is the caller's. */
export const retryTransient = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.retry(effect, {
    schedule: Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(3))),
    while: isTransientDatabaseError
  })
