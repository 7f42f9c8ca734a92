/**
 * One LML result, validated into something the writer can store without hitting a
 * constraint. Everything the tables would refuse is refused here instead, so a bad verdict
 * is counted as `invalid_verdict` once rather than rolling back a library on every run.
 */
import { Data, Either, Option, ParseResult, Predicate, Schema } from "effect"
import { IdentityMethod, IdentitySource, LibraryId } from "./LmlWire.js"

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

const decodeSingleArtist = Schema.decodeUnknownEither(SingleArtistResult)
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
  Compilation: { readonly library_id: LibraryId }
  Invalid: { readonly library_id: LibraryId; readonly reason: string }
}>
export const Verdict = Data.taggedEnum<Verdict>()

/** The id a result claims, if it claims one at all; used to re-key without trusting position. */
export const claimedLibraryId = (raw: unknown): Option.Option<LibraryId> =>
  Option.map(decodeLibraryId(raw), (result) => result.library_id)

/** Validate one result whose `library_id` has already been read as `libraryId`. */
/**
 * Validate one result whose `library_id` has already been read as `libraryId`. Dispatching on
 * `kind` first keeps the common cases cheap: only `single_artist` carries anything to check.
 */
export const toVerdict = (libraryId: LibraryId, raw: unknown): Verdict => {
  const kind = Predicate.hasProperty(raw, "kind") ? raw.kind : undefined
  switch (kind) {
    case "unresolved":
      return Verdict.Unresolved({ library_id: libraryId })
    case "compilation":
      return Verdict.Compilation({ library_id: libraryId })
    case "single_artist":
      return Either.match(decodeSingleArtist(raw), {
        onLeft: (error) =>
          Verdict.Invalid({
            library_id: libraryId,
            reason: ParseResult.TreeFormatter.formatErrorSync(error)
          }),
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
