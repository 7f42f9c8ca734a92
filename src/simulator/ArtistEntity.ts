/**
 * What the simulated LML knows about one artist: the reconciled ids (`main`) and the
 * per-source reconciliation log they came from. Kept apart from the store so the demo
 * table, the synthetic generator and the composer can share it without import cycles.
 */
import type { IdentityMethod, IdentitySource } from "../domain/LmlWire.js"

/** One reconciliation-log row: the latest attempt of one source's matcher. */
export interface SourceLog {
  readonly source: IdentitySource
  readonly method: IdentityMethod
  /** `null` exactly when `external_id` is `null`: the leg ran and found nothing. */
  readonly confidence: number | null
  readonly external_id: string | null
}

/** The wire's `ReconciledIdentity`: all six keys, each nullable. */
export interface MainIdentity {
  readonly discogs_artist_id: number | null
  readonly musicbrainz_artist_id: string | null
  readonly wikidata_qid: string | null
  readonly spotify_artist_id: string | null
  readonly apple_music_artist_id: string | null
  readonly bandcamp_id: string | null
}

export interface ArtistEntity {
  readonly name: string
  readonly main: MainIdentity
  /** Empty means legacy data: every populated `main` column goes out as `exact_match` 1.0. */
  readonly log: ReadonlyArray<SourceLog>
}

/** Rule 6 in LML: per-source rows below this confidence never reach the wire. */
export const SOURCE_FLOOR = 0.7

/** The order LML walks the identity columns in, which is the order provenance comes out in. */
export const SOURCE_COLUMNS: ReadonlyArray<readonly [IdentitySource, keyof MainIdentity]> = [
  ["discogs", "discogs_artist_id"],
  ["musicbrainz", "musicbrainz_artist_id"],
  ["wikidata", "wikidata_qid"],
  ["spotify", "spotify_artist_id"],
  ["apple_music", "apple_music_artist_id"],
  ["bandcamp", "bandcamp_id"]
]

export const NO_IDS: MainIdentity = {
  discogs_artist_id: null,
  musicbrainz_artist_id: null,
  wikidata_qid: null,
  spotify_artist_id: null,
  apple_music_artist_id: null,
  bandcamp_id: null
}

/** Discogs ids travel as strings in provenance but as integers in `main`. */
const discogsInt = (externalId: string): number | null => {
  const parsed = /^\d+$/.test(externalId) ? Number(externalId) : Number.NaN
  return Number.isSafeInteger(parsed) ? parsed : null
}

/** The latest log row per source, in log order; LML reads only the most recent attempt. */
export const latestPerSource = (log: ReadonlyArray<SourceLog>): ReadonlyArray<SourceLog> => {
  const lastIndex = new Map<IdentitySource, number>()
  log.forEach((entry, index) => lastIndex.set(entry.source, index))
  return log.filter((entry, index) => lastIndex.get(entry.source) === index)
}

/** The reconciled ids a log supports: every latest entry that found something at or above the floor. */
export const identityFromLog = (log: ReadonlyArray<SourceLog>): MainIdentity => {
  const found = new Map<IdentitySource, string>()
  for (const entry of latestPerSource(log)) {
    if (entry.external_id !== null && entry.confidence !== null && entry.confidence >= SOURCE_FLOOR) {
      found.set(entry.source, entry.external_id)
    }
  }
  const discogs = found.get("discogs")
  return {
    discogs_artist_id: discogs === undefined ? null : discogsInt(discogs),
    musicbrainz_artist_id: found.get("musicbrainz") ?? null,
    wikidata_qid: found.get("wikidata") ?? null,
    spotify_artist_id: found.get("spotify") ?? null,
    apple_music_artist_id: found.get("apple_music") ?? null,
    bandcamp_id: found.get("bandcamp") ?? null
  }
}
