/**
 * A compilation's per-track credits, as LML sent them, turned into one proposal per
 * `compilation_track_artist` row they name. Credits without a resolved artist say nothing and
 * are dropped; the credits that name the same row (same artist and title, a NULL title matching
 * a NULL title) are merged: the last one gives the artist and confidence, all of them together
 * offer positions. What happens to each proposal against the table is `TrackLinks`' business.
 */
import type { LibraryId } from "./LmlWire.js"

/** The fields of a wire `TrackIdentity` that the catalog can use. */
export interface CreditEntry {
  readonly track_position: string | null
  readonly artist_name: string
  readonly track_title: string | null
  readonly resolved_artist_name: string | null
  readonly confidence: number | null
}

/** What LML proposes for one `compilation_track_artist` row. */
export interface TrackLink {
  readonly artist_name: string
  readonly track_title: string | null
  readonly resolved_artist_name: string
  /** The last credit's confidence; null when it had none or one outside [0, 1]. */
  readonly confidence: number | null
  /** The one position the credits offer, when there is exactly one and it fits `varchar(20)`. */
  readonly position: string | null
  /** The credits offered several positions, or one longer than the column holds. */
  readonly positionAmbiguous: boolean
  /** Every distinct position offered, for the log. */
  readonly offeredPositions: ReadonlyArray<string>
}

export interface CompilationCredits {
  readonly library_id: LibraryId
  readonly links: ReadonlyArray<TrackLink>
  /** Links whose confidence was a number outside [0, 1], which is stored as NULL. */
  readonly confidencesOutOfRange: number
}

/** `compilation_track_artist.track_position` is `varchar(20)`: characters, not bytes. */
export const POSITION_MAX_CHARACTERS = 20

const fitsPositionColumn = (position: string): boolean => [...position].length <= POSITION_MAX_CHARACTERS

const isConfidence = (value: number): boolean => value >= 0 && value <= 1

interface Merged {
  readonly artist_name: string
  readonly track_title: string | null
  last: CreditEntry & { readonly resolved_artist_name: string }
  readonly positions: Set<string>
}

export const toCompilationCredits = (
  library_id: LibraryId,
  entries: ReadonlyArray<CreditEntry>
): CompilationCredits => {
  const byRow = new Map<string, Merged>()
  for (const entry of entries) {
    const resolved = entry.resolved_artist_name
    if (resolved === null) continue
    const key = JSON.stringify([entry.artist_name, entry.track_title])
    const merged = byRow.get(key) ?? {
      artist_name: entry.artist_name,
      track_title: entry.track_title,
      last: { ...entry, resolved_artist_name: resolved },
      positions: new Set<string>()
    }
    merged.last = { ...entry, resolved_artist_name: resolved }
    if (entry.track_position !== null) merged.positions.add(entry.track_position)
    byRow.set(key, merged)
  }
  let confidencesOutOfRange = 0
  const links = Array.from(byRow.values(), ({ artist_name, track_title, last, positions }): TrackLink => {
    const offered = [...positions]
    const [only] = offered
    const position = offered.length === 1 && only !== undefined && fitsPositionColumn(only) ? only : null
    const confidence = last.confidence !== null && isConfidence(last.confidence) ? last.confidence : null
    if (last.confidence !== null && confidence === null) confidencesOutOfRange++
    return {
      artist_name,
      track_title,
      resolved_artist_name: last.resolved_artist_name,
      confidence,
      position,
      positionAmbiguous: offered.length > 0 && position === null,
      offeredPositions: offered
    }
  })
  return { library_id, links, confidencesOutOfRange }
}
