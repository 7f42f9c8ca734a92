/**
 * LML's per-track store: the credits its matcher holds for a release, keyed by the catalog's
 * `legacy_release_id`. A release the matcher has not visited has no entry at all, which is
 * not the same as a visited release with no credits; the wire tells the two apart.
 */
import { drawsFor } from "./draws.js"
import { syntheticArtistName } from "./EntityStore.js"

/** One credited track, as LML holds it before composing the credit's artist. */
export interface TrackCredit {
  readonly track_position: string | null
  readonly artist_name: string
  readonly track_title: string | null
}

export interface TrackStore {
  /** The credits LML's matcher holds for a legacy release id; `undefined` when the matcher has not visited it. */
  credits(legacyReleaseId: number): ReadonlyArray<TrackCredit> | undefined
}

export const makeTrackStore = (byRelease: ReadonlyMap<number, ReadonlyArray<TrackCredit>>): TrackStore => ({
  credits: (legacyReleaseId) => byRelease.get(legacyReleaseId)
})

/** The matcher has visited nothing, as for a deployment that predates per-track credits. */
export const noTracks: TrackStore = { credits: () => undefined }

// --- The synthetic track store: credits for any release id, as a pure function of the id.

const CREDITS = 0x7c

/** 16–24 credits per release: about 20, the size the benchmark's compilation rows should have. */
const FEWEST_CREDITS = 16
const CREDIT_COUNTS = 9

/**
 * Credited artists are numbered 1..this. Most credits draw from the whole range; the rest from
 * a small popular pool, so that artists recur across releases as they do on real compilations.
 */
export const SYNTHETIC_TRACK_ARTISTS = 2_000_000
const POPULAR_ARTISTS = 5_000
const POPULAR_PERCENT = 30

/**
 * The credits of release `legacyReleaseId` (none for an id below 1). Each artist is a
 * `Synthetic Artist <k>`, so `syntheticStore()` composes it like any synthetic artist and about
 * 85% resolve. The benchmark seeds `compilation_track_artist` from this same function.
 */
export const syntheticCredits = (legacyReleaseId: number): ReadonlyArray<TrackCredit> => {
  if (!Number.isSafeInteger(legacyReleaseId) || legacyReleaseId < 1) return []
  const draw = drawsFor(legacyReleaseId, CREDITS)
  const count = FEWEST_CREDITS + (draw() % CREDIT_COUNTS)
  return Array.from({ length: count }, (_, index) => {
    const pool = draw() % 100 < POPULAR_PERCENT ? POPULAR_ARTISTS : SYNTHETIC_TRACK_ARTISTS
    const track = index + 1
    return {
      track_position: String(track),
      artist_name: syntheticArtistName(1 + (draw() % pool)),
      track_title: `Synthetic Track ${legacyReleaseId}-${track}`
    }
  })
}

/** The benchmark's track store: the matcher has visited every release id from 1 up. */
export const syntheticTrackStore = (): TrackStore => ({
  credits: (legacyReleaseId) =>
    Number.isSafeInteger(legacyReleaseId) && legacyReleaseId >= 1
      ? syntheticCredits(legacyReleaseId)
      : undefined
})
