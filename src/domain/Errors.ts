/**
 * The tagged errors that cross service boundaries. Raw `HttpClientError`s and `SqlError`s
 * never leave the layer that produced them.
 */
import { Data } from "effect"

export type LmlFailureReason = "Status" | "Timeout" | "Transport" | "Decode"

/** A bulk-resolve call that produced no usable envelope. */
export class LmlFetchError extends Data.TaggedError("LmlFetchError")<{
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null
  /** 5xx, 429, timeouts and network failures may succeed on a later attempt; other 4xx will not. */
  readonly retryable: boolean
  readonly reason: LmlFailureReason
  readonly detail: string
  /** The server's `Retry-After` (429/503), as a delay in milliseconds. */
  readonly retryAfterMs?: number | undefined
}> {
  override get message(): string {
    const status = this.status === null ? "no response" : `HTTP ${this.status}`
    return `LML bulk-resolve failed (${this.reason}, ${status}): ${this.detail}`
  }
}

/** LML refused our credentials (401/403): every later batch would fail the same way. */
export class LmlAuthError extends Data.TaggedError("LmlAuthError")<{ readonly status: number }> {
  override get message(): string {
    return this.status === 401
      ? "LML answered 401: it requires an API key; set LML_API_KEY"
      : "LML answered 403: it rejected the API key; check LML_API_KEY"
  }
}

/** The catalog database could not be read or is not in the shape the job needs. */
export class CatalogError extends Data.TaggedError("CatalogError")<{
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }

  /** Names what was being done and what Postgres said, e.g. "reading a page: relation … does not exist". */
  static fromCause(doing: string, cause: unknown): CatalogError {
    return new CatalogError({ detail: `${doing}: ${causeMessage(cause)}`, cause })
  }
}

/** The innermost message: an SqlError's own message is generic, the driver's is the useful one. */
export const causeMessage = (error: unknown): string => {
  if (error instanceof Error) {
    return error.cause !== undefined && error.cause !== null ? causeMessage(error.cause) : error.message
  }
  return String(error)
}
