/**
 * Matches a batch's results to its inputs by the `library_id` each result echoes, never by
 * position, so that every input ends in exactly one outcome (the Totals invariant).
 */
import { Option } from "effect"
import type { LibraryId } from "./LmlWire.js"
import { claimedLibraryId, toVerdict, type Verdict } from "./Verdict.js"

export interface BatchVerdicts {
  /** One per input that a trustworthy result answered. */
  readonly verdicts: ReadonlyArray<Verdict>
  /** Inputs left unanswered because a result in their place named a foreign or repeated id. */
  readonly untrusted: ReadonlyArray<LibraryId>
  /** Inputs left unanswered because LML returned fewer results than inputs. */
  readonly missing: ReadonlyArray<LibraryId>
  /** Results beyond the number of inputs that no input could be charged with; logged, not counted. */
  readonly strayResults: number
}

/** `tracksContractV1`: the envelope's `tracks_contract_version` is exactly 1 (see `toVerdict`). */
export const matchResults = (
  inputs: ReadonlyArray<LibraryId>,
  results: ReadonlyArray<unknown>,
  tracksContractV1 = false
): BatchVerdicts => {
  const pending = new Set(inputs)
  const verdicts: Array<Verdict> = []
  let untrustedResults = 0
  for (const raw of results) {
    const claimed = claimedLibraryId(raw)
    if (Option.isSome(claimed) && pending.delete(claimed.value)) {
      verdicts.push(toVerdict(claimed.value, raw, tracksContractV1))
    } else {
      untrustedResults++
    }
  }
  // Unanswered inputs are charged first to the untrusted results that stood in their place,
  // the remainder to missing results; ids keep input order so logs read naturally.
  const unanswered = inputs.filter((id) => pending.has(id))
  const chargedToUntrusted = Math.min(untrustedResults, unanswered.length)
  return {
    verdicts,
    untrusted: unanswered.slice(0, chargedToUntrusted),
    missing: unanswered.slice(chargedToUntrusted),
    strayResults: untrustedResults - chargedToUntrusted
  }
}
