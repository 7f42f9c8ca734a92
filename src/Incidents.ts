/**
 * What is reported beyond the log, to an error tracker: one event per failed LML segment, per
 * failed library write and per fatal error (with the batch index and library ids), and the
 * check-ins that let a cron monitor notice a missed or failed run.
 */
import { Context, Effect, type Exit, Layer } from "effect"
import type { LmlFetchError } from "./domain/Errors.js"
import type { LibraryId } from "./domain/LmlWire.js"

export interface LmlIncident {
  readonly batchIndex: number
  readonly libraryIds: ReadonlyArray<LibraryId>
  readonly error: LmlFetchError
}

export interface WriteIncident {
  readonly batchIndex: number
  readonly libraryId: LibraryId
  readonly reason: string
}

export interface Incidents {
  readonly lmlFailed: (incident: LmlIncident) => Effect.Effect<void>
  readonly writeFailed: (incident: WriteIncident) => Effect.Effect<void>
  readonly fatal: (message: string) => Effect.Effect<void>
  /** Wraps one run in check-ins: in progress, then ok or error as `failed` judges its exit. */
  readonly monitorRun: <A, E, R>(
    run: Effect.Effect<A, E, R>,
    failed: (exit: Exit.Exit<A, E>) => boolean
  ) => Effect.Effect<A, E, R>
}

export const Incidents = Context.GenericTag<Incidents>("Incidents")

/** Nothing beyond the log lines the job writes anyway. */
export const none = Layer.succeed(Incidents, {
  lmlFailed: () => Effect.void,
  writeFailed: () => Effect.void,
  fatal: () => Effect.void,
  monitorRun: (run) => run
})
