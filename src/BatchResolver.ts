/**
 * Gets LML's answer for one batch, however many calls that takes: retryable failures are
 * retried with backoff; a batch LML refuses as malformed (400/413/422) is split in halves,
 * recursively, so only the inputs LML really refuses go without an answer; refused
 * credentials end the run, since every later batch would be refused too.
 */
import { Clock, Effect, Either, Random } from "effect"
import { fullJitterMs } from "./domain/Backoff.js"
import { LmlAuthError, type LmlFetchError } from "./domain/Errors.js"
import type { BulkResolveInput, BulkResolveResponse } from "./domain/LmlWire.js"
import type { LmlClient } from "./LmlClient.js"

export interface RetryPolicy {
  readonly maxRetries: number
  readonly baseMs: number
  readonly capMs: number
}

/** Part of a batch and what LML finally said about it. */
export interface Segment {
  readonly inputs: ReadonlyArray<BulkResolveInput>
  readonly answer: Either.Either<BulkResolveResponse, LmlFetchError>
}

export interface BatchAnswer {
  readonly segments: ReadonlyArray<Segment>
  readonly calls: number
  readonly retries: number
  /** Time spent waiting for LML, backoff excluded. */
  readonly latencyMs: number
}

const REFUSED_AS_MALFORMED = new Set([400, 413, 422])

export const makeBatchResolver = (
  lml: LmlClient["Type"],
  policy: RetryPolicy,
  awaitRequestSlot: Effect.Effect<void>
) => {
  /** One logical call: the first attempt and up to `maxRetries` retries. */
  const callWithRetries = (inputs: ReadonlyArray<BulkResolveInput>, includeTracks: boolean) =>
    Effect.gen(function* () {
      let retries = 0
      let latencyMs = 0
      for (;;) {
        yield* awaitRequestSlot
        const started = yield* Clock.currentTimeMillis
        const answer = yield* Effect.either(lml.resolveBatch(inputs, { includeTracks, attempt: retries + 1 }))
        latencyMs += (yield* Clock.currentTimeMillis) - started
        if (Either.isRight(answer) || !answer.left.retryable || retries >= policy.maxRetries) {
          return { answer, calls: retries + 1, retries, latencyMs }
        }
        retries++
        const jitter = fullJitterMs(retries, policy.baseMs, policy.capMs, yield* Random.next)
        const delayMs = Math.min(policy.capMs, answer.left.retryAfterMs ?? jitter)
        yield* Effect.logWarning("LML call failed; retrying").pipe(
          Effect.annotateLogs({
            status: answer.left.status,
            reason: answer.left.reason,
            retry: retries,
            delay_ms: delayMs,
            libraries: inputs.length
          })
        )
        yield* Effect.sleep(delayMs)
      }
    })

  /** `includeTracks` asks for per-track credits, for every part of the batch. */
  const resolve = (
    inputs: ReadonlyArray<BulkResolveInput>,
    includeTracks: boolean
  ): Effect.Effect<BatchAnswer, LmlAuthError> =>
    Effect.gen(function* () {
      const call = yield* callWithRetries(inputs, includeTracks)
      const failure = Either.isLeft(call.answer) ? call.answer.left : undefined
      if (failure?.status === 401 || failure?.status === 403) {
        return yield* new LmlAuthError({ status: failure.status })
      }
      if (failure?.status == null || !REFUSED_AS_MALFORMED.has(failure.status) || inputs.length === 1) {
        return { segments: [{ inputs, answer: call.answer }], ...call }
      }
      const middle = Math.ceil(inputs.length / 2)
      const halves = yield* Effect.all([
        resolve(inputs.slice(0, middle), includeTracks),
        resolve(inputs.slice(middle), includeTracks)
      ])
      return {
        segments: halves.flatMap((half) => half.segments),
        calls: call.calls + halves[0].calls + halves[1].calls,
        retries: call.retries + halves[0].retries + halves[1].retries,
        latencyMs: call.latencyMs + halves[0].latencyMs + halves[1].latencyMs
      }
    })

  return resolve
}
