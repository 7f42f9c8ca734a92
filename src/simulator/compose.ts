/**
 * How LML turns one catalog row into one verdict, and, when the batch asked for tracks, each of
 * the release's track credits into a track identity by the same rules. Pure: the same stores
 * and input always give the same wire object, which is what lets the in-memory and HTTP
 * simulators agree.
 */
import type { IdentityMethod, ResultKind } from "../domain/LmlWire.js"
import {
  type ArtistEntity,
  identityFromLog,
  latestPerSource,
  type MainIdentity,
  SOURCE_COLUMNS,
  SOURCE_FLOOR,
  type SourceLog
} from "./ArtistEntity.js"
import type { EntityStore } from "./EntityStore.js"
import type { TrackCredit, TrackStore } from "./TrackStore.js"

/** A `TrackIdentity` exactly as the running service sends it: all seven keys present. */
export interface WireTrack {
  readonly track_position: string | null
  readonly artist_name: string
  readonly track_title: string | null
  readonly resolved_artist_name: string | null
  readonly confidence: number | null
  readonly method: IdentityMethod | null
  readonly sources: ReadonlyArray<SourceLog>
}

/** A `BulkResolveResult` exactly as the running service sends it: every key present. */
export interface WireResult {
  readonly kind: ResultKind
  readonly library_id: number
  readonly main: MainIdentity | null
  readonly method: IdentityMethod | null
  readonly confidence: number | null
  readonly provenance: ReadonlyArray<SourceLog>
  /** With `tracks`: `(null, null)` not asked or unresolved, `(false, [])` not visited, else `true`. */
  readonly tracks_attempted: boolean | null
  readonly tracks: ReadonlyArray<WireTrack> | null
}

export interface ComposeInput {
  readonly library_id: number
  readonly artist_name: string
  /** Where LML's per-track store keys the release; absent or null, its tracks cannot be found. */
  readonly legacy_release_id?: number | null
}

/** Rule 2: agreeing sources lift the composed confidence to at least this. */
export const AGREEMENT_FLOOR = 0.95

const COMPILATION_NAMES = new Set(["various", "soundtrack", "compilation"])
const COMPILATION_PREFIXES = ["various artists", "v/a", "v.a", "soundtracks"]

/** LML decides V/A from the artist name alone, before any lookup. */
export const isCompilationName = (artistName: string): boolean => {
  const name = artistName.replace(/\s+/g, " ").trim().toLowerCase()
  return COMPILATION_NAMES.has(name) || COMPILATION_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/**
 * A provenance row plus whether a matcher logged it. Legacy rows (no log) are reported as
 * `exact_match` 1.0 but are not evidence of agreement: otherwise two legacy columns would
 * always boost to 0.95, which is exactly why Stereolab's two legacy sources stay `exact_match`.
 */
interface Row {
  readonly entry: SourceLog
  readonly logged: boolean
}

const COLUMN_ORDER = new Map(SOURCE_COLUMNS.map(([source], index) => [source, index]))
const columnOrder = (entry: SourceLog): number => COLUMN_ORDER.get(entry.source) ?? SOURCE_COLUMNS.length

const legacyRows = (main: MainIdentity): ReadonlyArray<Row> =>
  SOURCE_COLUMNS.flatMap(([source, column]) => {
    const id = main[column]
    return id === null
      ? []
      : [{ entry: { source, method: "exact_match", confidence: 1, external_id: String(id) }, logged: false }]
  })

/** Rule 6 drops legs under the floor; a leg that found nothing stays, it is part of the record. */
const loggedRows = (log: ReadonlyArray<SourceLog>): ReadonlyArray<Row> =>
  latestPerSource(log)
    .filter((entry) => entry.confidence === null || entry.confidence >= SOURCE_FLOOR)
    .sort((a, b) => columnOrder(a) - columnOrder(b))
    .map((entry) => ({ entry, logged: true }))

/** What LML concludes about one artist name, before it goes on the wire as a row or a track. */
type ArtistVerdict =
  | { readonly kind: "compilation" | "unresolved" }
  | {
      readonly kind: "single_artist"
      readonly entity: ArtistEntity
      readonly method: IdentityMethod
      readonly confidence: number
      readonly provenance: ReadonlyArray<SourceLog>
    }

const composeEntity = (entity: ArtistEntity): ArtistVerdict => {
  const rows = entity.log.length === 0 ? legacyRows(entity.main) : loggedRows(entity.log)
  // Rule 4: the weakest source sets the verdict; on a tie the first in column order does.
  let weakest: { readonly entry: SourceLog; readonly confidence: number } | undefined
  let loggedVotes = 0
  for (const { entry, logged } of rows) {
    if (entry.confidence === null) continue
    if (logged) loggedVotes++
    if (weakest === undefined || entry.confidence < weakest.confidence)
      weakest = { entry, confidence: entry.confidence }
  }
  if (weakest === undefined) return { kind: "unresolved" }

  const agreeing = loggedVotes >= 2
  return {
    kind: "single_artist",
    entity,
    method: agreeing ? "cross_source_agreement" : weakest.entry.method,
    confidence: agreeing ? Math.max(AGREEMENT_FLOOR, weakest.confidence) : weakest.confidence,
    provenance: rows.map((row) => row.entry)
  }
}

const composeArtist = (store: EntityStore, artistName: string): ArtistVerdict => {
  if (isCompilationName(artistName)) return { kind: "compilation" }
  const entity = store.find(artistName)
  return entity === undefined ? { kind: "unresolved" } : composeEntity(entity)
}

/** A credit's artist goes through the same cascade and rules as a row's; only a single artist links. */
const composeTrack = (store: EntityStore, credit: TrackCredit): WireTrack => {
  const verdict = composeArtist(store, credit.artist_name)
  const { track_position, artist_name, track_title } = credit
  return verdict.kind === "single_artist"
    ? {
        track_position,
        artist_name,
        track_title,
        resolved_artist_name: verdict.entity.name,
        confidence: verdict.confidence,
        method: verdict.method,
        sources: verdict.provenance
      }
    : {
        track_position,
        artist_name,
        track_title,
        resolved_artist_name: null,
        confidence: null,
        method: null,
        sources: []
      }
}

type TrackFields = Pick<WireResult, "tracks_attempted" | "tracks">

const composeTracks = (
  store: EntityStore,
  kind: ArtistVerdict["kind"],
  legacyReleaseId: number | null | undefined,
  trackStore: TrackStore | undefined
): TrackFields => {
  if (trackStore === undefined || kind === "unresolved") return { tracks_attempted: null, tracks: null }
  const credits =
    legacyReleaseId === null || legacyReleaseId === undefined
      ? undefined
      : trackStore.credits(legacyReleaseId)
  return credits === undefined
    ? { tracks_attempted: false, tracks: [] }
    : { tracks_attempted: true, tracks: credits.map((credit) => composeTrack(store, credit)) }
}

/**
 * One row's verdict. `trackStore` is passed only when the batch set `include_tracks`; without
 * it the result carries no tracks, as LML's does when not asked.
 */
export const composeResult = (
  store: EntityStore,
  input: ComposeInput,
  trackStore?: TrackStore | undefined
): WireResult => {
  const verdict = composeArtist(store, input.artist_name)
  const tracks = composeTracks(store, verdict.kind, input.legacy_release_id, trackStore)
  return verdict.kind === "single_artist"
    ? {
        kind: verdict.kind,
        library_id: input.library_id,
        main: identityFromLog(verdict.provenance),
        method: verdict.method,
        confidence: verdict.confidence,
        provenance: verdict.provenance,
        ...tracks
      }
    : {
        kind: verdict.kind,
        library_id: input.library_id,
        main: null,
        method: null,
        confidence: null,
        provenance: [],
        ...tracks
      }
}
