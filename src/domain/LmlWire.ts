/**
 * LML's `bulk-resolve-libraries` wire format, as the running service speaks it
 * (every optional key present as `null`, `cache_stats: null`). The envelope is decoded
 * strictly; each result is decoded on its own (see `Verdict.ts`) so that one bad result
 * never sinks its batch.
 */
import { Schema } from "effect"

export const IdentitySource = Schema.Literal(
  "discogs",
  "musicbrainz",
  "wikidata",
  "spotify",
  "apple_music",
  "bandcamp"
)
export type IdentitySource = typeof IdentitySource.Type

export const IdentityMethod = Schema.Literal(
  "manual",
  "cross_source_agreement",
  "exact_match",
  "name_variation",
  "member_group",
  "alias_match",
  "trigram",
  "llm"
)
export type IdentityMethod = typeof IdentityMethod.Type

export const ResultKind = Schema.Literal("single_artist", "compilation", "unresolved")
export type ResultKind = typeof ResultKind.Type

export const LibraryId = Schema.Int.pipe(Schema.brand("LibraryId"))
export type LibraryId = typeof LibraryId.Type

/** A plain struct, not a class: a run builds one per library, and an instance costs ~20× as much. */
export const BulkResolveInput = Schema.Struct({
  library_id: LibraryId,
  artist_name: Schema.String,
  album_title: Schema.String,
  /** The id of LML's per-track store; only read with `include_tracks`. */
  legacy_release_id: Schema.NullOr(Schema.Int)
})
export type BulkResolveInput = typeof BulkResolveInput.Type

export const BulkResolveRequest = Schema.Struct({
  inputs: Schema.Array(BulkResolveInput),
  /** Absent means false; it asks for per-track credits for the whole batch. */
  include_tracks: Schema.optional(Schema.Boolean)
})

/** The 200 envelope. `results` stay `unknown` here: each is validated against its batch later. */
export const BulkResolveResponse = Schema.Struct({
  results: Schema.Array(Schema.Unknown),
  // The spec says object, the service sends null; neither is load-bearing for a writer.
  cache_stats: Schema.optional(Schema.Unknown),
  // Only exactly `1` switches per-track credits on; anything else, whatever its type, leaves them off.
  tracks_contract_version: Schema.optional(Schema.Unknown)
})
export type BulkResolveResponse = typeof BulkResolveResponse.Type

/** Every non-200 body: `ApiErrorResponse`, or FastAPI's `{detail}` from older deployments. */
export const ApiErrorBody = Schema.Union(
  Schema.Struct({ message: Schema.String, code: Schema.optional(Schema.String) }),
  Schema.Struct({ detail: Schema.Unknown })
)

/** The path every spelling of `LIBRARY_METADATA_URL` must reach. */
export const BULK_RESOLVE_PATH = "/api/v1/identity/bulk-resolve-libraries"

/**
 * Operators write the base with or without `/api/v1` and with or without a trailing `/`;
 * all four spellings yield the same endpoint.
 */
export const bulkResolveUrl = (base: string): string => {
  const trimmed = base
    .trim()
    .replace(/\/+$/, "")
    .replace(/\/api\/v1$/, "")
  return `${trimmed}${BULK_RESOLVE_PATH}`
}
