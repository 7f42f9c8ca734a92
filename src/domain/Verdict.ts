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

const SingleArtistResult = Schema.Struct({
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

const CompilationResult = Schema.Struct({
  tracks_attempted: nullable(Schema.Boolean),
  tracks: nullable(Schema.Array(TrackIdentity))
})

const decodeSingleArtist = Schema.decodeUnknownEither(SingleArtistResult)
const decodeCompilation = Schema.decodeUnknownEither(CompilationResult)
const decodeLibraryId = Schema.decodeUnknownOption(Schema.Struct({ library_id: LibraryId }))

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
  Option.map(decodeLibraryId(raw), (result) => result.library_id)

const invalid = (libraryId: LibraryId) => (error: ParseResult.ParseError) =>
  Verdict.Invalid({ library_id: libraryId, reason: ParseResult.TreeFormatter.formatErrorSync(error) })

/**
 * A compilation's credits count only when the envelope speaks tracks contract 1 and LML says it
 * attempted them (`(false, non-empty)` reads as attempted). Credits that break the contract
 * refuse the result whether or not they count.
 */
const compilationVerdict = (libraryId: LibraryId, raw: unknown, tracksContractV1: boolean): Verdict =>
  Either.match(decodeCompilation(raw), {
    onLeft: invalid(libraryId),
    onRight: ({ tracks_attempted, tracks }) => {
      const attempted = tracks_attempted === true || (tracks_attempted === false && (tracks?.length ?? 0) > 0)
      return tracksContractV1 && attempted
        ? Verdict.CompilationWithTracks({ credits: toCompilationCredits(libraryId, tracks ?? []) })
        : Verdict.Compilation({ library_id: libraryId })
    }
  })

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
    case "single_artist":
      return Either.match(decodeSingleArtist(raw), {
        onLeft: invalid(libraryId),
        onRight: (result) => {
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
      })
    default:
      return Verdict.Invalid({
        library_id: libraryId,
        reason: `kind ${JSON.stringify(kind) ?? "(missing)"} is not single_artist, compilation or unresolved`
      })
  }
}
