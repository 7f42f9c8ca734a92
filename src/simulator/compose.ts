/**
 * How LML turns one catalog row into one verdict. Pure: the same store and input always give
 * the same wire object, which is what lets the in-memory and HTTP simulators agree.
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

/** A `BulkResolveResult` exactly as the running service sends it: every key present. */
export interface WireResult {
  readonly kind: ResultKind
  readonly library_id: number
  readonly main: MainIdentity | null
  readonly method: IdentityMethod | null
  readonly confidence: number | null
  readonly provenance: ReadonlyArray<SourceLog>
  readonly tracks_attempted: null
  readonly tracks: null
}

export interface ComposeInput {
  readonly library_id: number
  readonly artist_name: string
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

const noIdentity = (kind: "compilation" | "unresolved", library_id: number): WireResult => ({
  kind,
  library_id,
  main: null,
  method: null,
  confidence: null,
  provenance: [],
  tracks_attempted: null,
  tracks: null
})

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

const composeEntity = (entity: ArtistEntity, library_id: number): WireResult => {
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
  if (weakest === undefined) return noIdentity("unresolved", library_id)

  const agreeing = loggedVotes >= 2
  const provenance = rows.map((row) => row.entry)
  return {
    kind: "single_artist",
    library_id,
    main: identityFromLog(provenance),
    method: agreeing ? "cross_source_agreement" : weakest.entry.method,
    confidence: agreeing ? Math.max(AGREEMENT_FLOOR, weakest.confidence) : weakest.confidence,
    provenance,
    tracks_attempted: null,
    tracks: null
  }
}

export const composeResult = (store: EntityStore, input: ComposeInput): WireResult => {
  if (isCompilationName(input.artist_name)) return noIdentity("compilation", input.library_id)
  const entity = store.find(input.artist_name)
  return entity === undefined
    ? noIdentity("unresolved", input.library_id)
    : composeEntity(entity, input.library_id)
}
