/**
 * One LML result, validated into something the writer can store without hitting a
 * constraint. Everything the tables would refuse is refused here instead, so a bad verdict
 * is counted as `invalid_verdict` once rather than rolling back a library on every run.
 */
import { Data, Either, Option, ParseResult, Predicate, Schema } from "effect"
import { IdentityMethod, IdentitySource, LibraryId } from "./LmlWire.js"
import { type CompilationCredits, toCompilationCredits } from "./TrackCredits.js"

/** Postgres `text` cannot hold U+0000. */
const StoredText = Schema.String.pipe(
  Schema.filter((s) => !s.includes("\u0000") || "contains a NUL character, which Postgres text cannot hold")
)

const Confidence = Schema.Number.pipe(Schema.between(0, 1))

/** `library_identity.discogs_artist_id` is an int4. */
const DiscogsArtistId = Schema.Int.pipe(Schema.between(1, 2_147_483_647))

/** The service sends every key, `null` when empty; a missing key reads as `null` too. */
const nullable = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

const ReconciledIdentity = Schema.Struct({
  discogs_artist_id: nullable(DiscogsArtistId),
  musicbrainz_artist_id: nullable(StoredText),
  wikidata_qid: nullable(StoredText),
  spotify_artist_id: nullable(StoredText),
  apple_music_artist_id: nullable(StoredText),
  bandcamp_id: nullable(StoredText)
})
export type ReconciledIdentity = typeof ReconciledIdentity.Type

const ProvenanceEntry = Schema.Struct({
  source: IdentitySource,
  method: IdentityMethod,
  confidence: Schema.NullOr(Confidence),
  external_id: Schema.NullOr(StoredText)
}).pipe(
  Schema.filter(
    (entry) =>
      entry.confidence === null ||
      entry.external_id !== null ||
      `${entry.source} entry has a confidence but no external_id`
  )
)

/** A provenance entry that can be stored: both confidence and external id present. */
export interface SourceRow {
  readonly source: IdentitySource
  readonly method: IdentityMethod
  readonly confidence: number
  readonly external_id: string
}

const isStorable = (entry: typeof ProvenanceEntry.Type): entry is typeof ProvenanceEntry.Type & SourceRow =>
  entry.confidence !== null && entry.external_id !== null

/** Exported for the property test that holds `decodeSingleArtistFast` to it. */
export const SingleArtistResult = Schema.Struct({
  kind: Schema.Literal("single_artist"),
  library_id: LibraryId,
  main: ReconciledIdentity,
  method: IdentityMethod,
  confidence: Confidence,
  provenance: Schema.Array(ProvenanceEntry)
}).pipe(
  Schema.filter((result) => {
    const sources = result.provenance.filter(isStorable).map((entry) => entry.source)
    return new Set(sources).size === sources.length || "provenance names the same source twice"
  })
)

/** A credit's seven keys are all required; its strings are matched against the catalog's. */
const TrackIdentity = Schema.Struct({
  track_position: Schema.NullOr(StoredText),
  artist_name: StoredText,
  track_title: Schema.NullOr(StoredText),
  resolved_artist_name: Schema.NullOr(StoredText),
  // LML has sent numbers outside [0, 1] here: such a confidence is stored as NULL, not refused.
  confidence: Schema.NullOr(Schema.Number),
  method: Schema.NullOr(IdentityMethod),
  sources: Schema.Array(ProvenanceEntry)
})

/** Exported for the property test that holds `decodeCompilationFast` to it. */
export const CompilationResult = Schema.Struct({
  tracks_attempted: nullable(Schema.Boolean),
  tracks: nullable(Schema.Array(TrackIdentity))
})

export type SingleArtistResult = typeof SingleArtistResult.Type
export type CompilationResult = typeof CompilationResult.Type
type ProvenanceEntry = typeof ProvenanceEntry.Type
type TrackIdentity = typeof TrackIdentity.Type

const decodeSingleArtist = Schema.decodeUnknownEither(SingleArtistResult)
const decodeCompilation = Schema.decodeUnknownEither(CompilationResult)

// --- The fast paths
//
// Four in five results are `single_artist`, and decoding them through the Schema was the
// largest single cost in the job's CPU (~17 µs a result: a parser per key, an Either per step,
// the filters); a V/A compilation with ~20 credits took ~300 µs. `decodeSingleArtistFast` and
// `decodeCompilationFast` accept exactly what `SingleArtistResult` and `CompilationResult`
// accept and return the same values, in ~1 µs and ~20 µs; a property test
// (test/unit/verdict-fast-path.test.ts) holds each to its Schema on values generated from the
// Schema, valid and broken. Whatever they refuse goes through the Schema, which says why.

/** `LibraryId` is a branded `Schema.Int`, whose filter is `Number.isSafeInteger`. */
const isLibraryId = (value: unknown): value is LibraryId => Number.isSafeInteger(value)

const SOURCES: ReadonlySet<unknown> = new Set(IdentitySource.literals)
const METHODS: ReadonlySet<unknown> = new Set(IdentityMethod.literals)

const isStoredText = (value: unknown): value is string =>
  typeof value === "string" && !value.includes("\u0000")
const isConfidence = (value: unknown): value is number =>
  typeof value === "number" && value >= 0 && value <= 1
const isDiscogsArtistId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= 2_147_483_647

/** A `nullable(...)` key that reads as null: missing (not an own key), undefined or null. */
const isNullKey = (record: Readonly<Record<string, unknown>>, key: string): boolean => {
  const value = Object.hasOwn(record, key) ? record[key] : undefined
  return value === undefined || value === null
}

/** A `nullable(...)` key's value: null when it reads as null, `undefined` when refused. */
const nullableKey = <A>(
  record: Readonly<Record<string, unknown>>,
  key: string,
  is: (value: unknown) => value is A
): A | null | undefined => {
  if (isNullKey(record, key)) return null
  const value = record[key]
  return is(value) ? value : undefined
}

const fastMain = (raw: unknown): ReconciledIdentity | undefined => {
  if (!Predicate.isRecord(raw)) return undefined
  const discogs_artist_id = nullableKey(raw, "discogs_artist_id", isDiscogsArtistId)
  const musicbrainz_artist_id = nullableKey(raw, "musicbrainz_artist_id", isStoredText)
  const wikidata_qid = nullableKey(raw, "wikidata_qid", isStoredText)
  const spotify_artist_id = nullableKey(raw, "spotify_artist_id", isStoredText)
  const apple_music_artist_id = nullableKey(raw, "apple_music_artist_id", isStoredText)
  const bandcamp_id = nullableKey(raw, "bandcamp_id", isStoredText)
  if (
    discogs_artist_id === undefined ||
    musicbrainz_artist_id === undefined ||
    wikidata_qid === undefined ||
    spotify_artist_id === undefined ||
    apple_music_artist_id === undefined ||
    bandcamp_id === undefined
  ) {
    return undefined
  }
  return {
    discogs_artist_id,
    musicbrainz_artist_id,
    wikidata_qid,
    spotify_artist_id,
    apple_music_artist_id,
    bandcamp_id
  }
}

/**
 * `Schema.Array(ProvenanceEntry)`; with `distinctSources`, also `SingleArtistResult`'s rule that
 * no source is stored twice.
 */
const fastProvenance = (raw: unknown, distinctSources: boolean): Array<ProvenanceEntry> | undefined => {
  if (!Array.isArray(raw)) return undefined
  const entries: Array<ProvenanceEntry> = []
  const storableSources: Array<unknown> = []
  for (const entry of raw as ReadonlyArray<unknown>) {
    if (!Predicate.isRecord(entry)) return undefined
    const { source, method, confidence, external_id } = entry
    if (!SOURCES.has(source) || !METHODS.has(method)) return undefined
    if (confidence !== null && !isConfidence(confidence)) return undefined
    if (external_id !== null && !isStoredText(external_id)) return undefined
    if (confidence !== null) {
      // A confidence needs an external id.
      if (external_id === null) return undefined
      if (distinctSources) {
        if (storableSources.includes(source)) return undefined
        storableSources.push(source)
      }
    }
    entries.push({
      source: source as IdentitySource,
      method: method as IdentityMethod,
      confidence,
      external_id
    })
  }
  return entries
}

const isNullOrStoredText = (value: unknown): value is string | null => value === null || isStoredText(value)

const fastTrack = (raw: unknown): TrackIdentity | undefined => {
  if (!Predicate.isRecord(raw)) return undefined
  const { track_position, artist_name, track_title, resolved_artist_name, confidence, method } = raw
  if (
    !isNullOrStoredText(track_position) ||
    !isStoredText(artist_name) ||
    !isNullOrStoredText(track_title) ||
    !isNullOrStoredText(resolved_artist_name) ||
    (confidence !== null && typeof confidence !== "number") ||
    (method !== null && !METHODS.has(method))
  ) {
    return undefined
  }
  const sources = fastProvenance(raw["sources"], false)
  if (sources === undefined) return undefined
  return {
    track_position,
    artist_name,
    track_title,
    resolved_artist_name,
    confidence,
    method: method as IdentityMethod | null,
    sources
  }
}

const fastTracks = (raw: unknown): Array<TrackIdentity> | undefined => {
  if (!Array.isArray(raw)) return undefined
  const tracks: Array<TrackIdentity> = []
  for (const entry of raw as ReadonlyArray<unknown>) {
    const track = fastTrack(entry)
    if (track === undefined) return undefined
    tracks.push(track)
  }
  return tracks
}

const isBoolean = (value: unknown): value is boolean => typeof value === "boolean"

/** What `decodeCompilation` decodes `raw` to, or `undefined` where it would refuse it. */
export const decodeCompilationFast = (raw: unknown): CompilationResult | undefined => {
  if (!Predicate.isRecord(raw)) return undefined
  const tracks_attempted = nullableKey(raw, "tracks_attempted", isBoolean)
  if (tracks_attempted === undefined) return undefined
  if (isNullKey(raw, "tracks")) return { tracks_attempted, tracks: null }
  const tracks = fastTracks(raw["tracks"])
  return tracks === undefined ? undefined : { tracks_attempted, tracks }
}

/** What `decodeSingleArtist` decodes `raw` to, or `undefined` where it would refuse it. */
export const decodeSingleArtistFast = (raw: unknown): SingleArtistResult | undefined => {
  if (!Predicate.isRecord(raw)) return undefined
  const { kind, library_id, method, confidence } = raw
  if (
    kind !== "single_artist" ||
    !isLibraryId(library_id) ||
    !METHODS.has(method) ||
    !isConfidence(confidence)
  ) {
    return undefined
  }
  const main = fastMain(raw["main"])
  const provenance = main === undefined ? undefined : fastProvenance(raw["provenance"], true)
  if (main === undefined || provenance === undefined) return undefined
  return { kind, library_id, main, method: method as IdentityMethod, confidence, provenance }
}

export interface Resolution {
  readonly library_id: LibraryId
  readonly main: ReconciledIdentity
  readonly method: IdentityMethod
  readonly confidence: number
  /** Only the entries that carried a confidence; the others cannot be stored. */
  readonly sources: ReadonlyArray<SourceRow>
  readonly nullConfidenceSources: number
}

export type Verdict = Data.TaggedEnum<{
  Resolved: { readonly resolution: Resolution }
  Unresolved: { readonly library_id: LibraryId }
  /** A compilation whose per-track credits LML did not attempt (or whose contract is off). */
  Compilation: { readonly library_id: LibraryId }
  /** A compilation with attempted credits: one proposal per catalog track row they name. */
  CompilationWithTracks: { readonly credits: CompilationCredits }
  Invalid: { readonly library_id: LibraryId; readonly reason: string }
}>
export const Verdict = Data.taggedEnum<Verdict>()

/** A verdict the writer acts on: everything but `Invalid`. */
export type Writable = Exclude<Verdict, { readonly _tag: "Invalid" }>

export const libraryIdOf = (verdict: Verdict): LibraryId =>
  Verdict.$match(verdict, {
    Resolved: ({ resolution }) => resolution.library_id,
    CompilationWithTracks: ({ credits }) => credits.library_id,
    Unresolved: ({ library_id }) => library_id,
    Compilation: ({ library_id }) => library_id,
    Invalid: ({ library_id }) => library_id
  })

/** The id a result claims, if it claims one at all; used to re-key without trusting position. */
export const claimedLibraryId = (raw: unknown): Option.Option<LibraryId> =>
  Predicate.isRecord(raw) && isLibraryId(raw["library_id"]) ? Option.some(raw["library_id"]) : Option.none()

const invalid = (libraryId: LibraryId) => (error: ParseResult.ParseError) =>
  Verdict.Invalid({ library_id: libraryId, reason: ParseResult.TreeFormatter.formatErrorSync(error) })

const compilation =
  (libraryId: LibraryId, tracksContractV1: boolean) =>
  ({ tracks_attempted, tracks }: CompilationResult): Verdict => {
    const attempted = tracks_attempted === true || (tracks_attempted === false && (tracks?.length ?? 0) > 0)
    return tracksContractV1 && attempted
      ? Verdict.CompilationWithTracks({ credits: toCompilationCredits(libraryId, tracks ?? []) })
      : Verdict.Compilation({ library_id: libraryId })
  }

/**
 * A compilation's credits count only when the envelope speaks tracks contract 1 and LML says it
 * attempted them (`(false, non-empty)` reads as attempted). Credits that break the contract
 * refuse the result whether or not they count.
 */
const compilationVerdict = (libraryId: LibraryId, raw: unknown, tracksContractV1: boolean): Verdict => {
  const fast = decodeCompilationFast(raw)
  return fast === undefined
    ? Either.match(decodeCompilation(raw), {
        onLeft: invalid(libraryId),
        onRight: compilation(libraryId, tracksContractV1)
      })
    : compilation(libraryId, tracksContractV1)(fast)
}

const resolved =
  (libraryId: LibraryId) =>
  (result: SingleArtistResult): Verdict => {
    const sources = result.provenance.filter(isStorable)
    return Verdict.Resolved({
      resolution: {
        library_id: libraryId,
        main: result.main,
        method: result.method,
        confidence: result.confidence,
        sources,
        nullConfidenceSources: result.provenance.length - sources.length
      }
    })
  }

/**
 * Validate one result whose `library_id` has already been read as `libraryId`;
 * `tracksContractV1` says whether its envelope's `tracks_contract_version` is exactly 1.
 * Dispatching on `kind` first keeps the common cases cheap.
 */
export const toVerdict = (libraryId: LibraryId, raw: unknown, tracksContractV1 = false): Verdict => {
  const kind = Predicate.hasProperty(raw, "kind") ? raw.kind : undefined
  switch (kind) {
    case "unresolved":
      return Verdict.Unresolved({ library_id: libraryId })
    case "compilation":
      return compilationVerdict(libraryId, raw, tracksContractV1)
    case "single_artist": {
      const fast = decodeSingleArtistFast(raw)
      return fast === undefined
        ? Either.match(decodeSingleArtist(raw), { onLeft: invalid(libraryId), onRight: resolved(libraryId) })
        : resolved(libraryId)(fast)
    }
    default:
      return Verdict.Invalid({
        library_id: libraryId,
        reason: `kind ${JSON.stringify(kind) ?? "(missing)"} is not single_artist, compilation or unresolved`
      })
  }
}
