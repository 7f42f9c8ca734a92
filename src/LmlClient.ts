/**
 * The port to LML's bulk-resolve endpoint. One live implementation speaks HTTP
 * (`layers/LmlHttp.ts`); tests and the demo put the simulator at the far end of the same wire.
 */
import { Context, type Effect } from "effect"
import type { LmlFetchError } from "./domain/Errors.js"
import type { BulkResolveInput, BulkResolveResponse } from "./domain/LmlWire.js"

export interface BatchRequestOptions {
  /** Ask for per-track credits (`include_tracks`); V/A batches do. */
  readonly includeTracks?: boolean
  /** 1 for the first try of a call, 2 for its first retry, …; for the request span. */
  readonly attempt?: number
}

export class LmlClient extends Context.Tag("LmlClient")<
  LmlClient,
  {
    /** One request for the whole batch; results still need matching against the inputs. */
    readonly resolveBatch: (
      inputs: ReadonlyArray<BulkResolveInput>,
      options?: BatchRequestOptions
    ) => Effect.Effect<BulkResolveResponse, LmlFetchError>
  }
>() {}
