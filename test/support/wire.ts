/** Wire-shaped LML results for tests, with every nullable key present as LML sends it. */
export const emptyMain = {
  discogs_artist_id: null,
  musicbrainz_artist_id: null,
  wikidata_qid: null,
  spotify_artist_id: null,
  apple_music_artist_id: null,
  bandcamp_id: null
}

export const singleArtist = (
  library_id: number,
  overrides: Partial<{
    main: Record<string, unknown>
    method: string | null
    confidence: number | null
    provenance: ReadonlyArray<Record<string, unknown>>
  }> = {}
) => ({
  kind: "single_artist",
  library_id,
  main: { ...emptyMain, discogs_artist_id: 2154, wikidata_qid: "Q484464", ...overrides.main },
  method: overrides.method === undefined ? "exact_match" : overrides.method,
  confidence: overrides.confidence === undefined ? 1 : overrides.confidence,
  provenance: overrides.provenance ?? [
    { source: "discogs", method: "exact_match", confidence: 1, external_id: "2154" },
    { source: "wikidata", method: "exact_match", confidence: 1, external_id: "Q484464" }
  ],
  tracks_attempted: null,
  tracks: null
})

const noIdentity = (kind: "unresolved" | "compilation") => (library_id: number) => ({
  kind,
  library_id,
  main: null,
  method: null,
  confidence: null,
  provenance: [],
  tracks_attempted: null,
  tracks: null
})

export const unresolved = noIdentity("unresolved")
export const compilation = noIdentity("compilation")

/** A wire `TrackIdentity`: the credit resolved to `resolved` (null: nothing found). */
export const track = (
  artist_name: string,
  track_title: string | null,
  overrides: Partial<{
    track_position: string | null
    resolved_artist_name: string | null
    confidence: number | null
    method: string | null
    sources: ReadonlyArray<Record<string, unknown>>
  }> = {}
) => {
  const resolved = overrides.resolved_artist_name === undefined ? artist_name : overrides.resolved_artist_name
  return {
    track_position: overrides.track_position ?? null,
    artist_name,
    track_title,
    resolved_artist_name: resolved,
    confidence: overrides.confidence === undefined ? (resolved === null ? null : 1) : overrides.confidence,
    method: overrides.method === undefined ? (resolved === null ? null : "exact_match") : overrides.method,
    sources: overrides.sources ?? []
  }
}

/** A compilation whose credits LML attempted (`tracks_attempted` true unless told otherwise). */
export const compilationWithTracks = (
  library_id: number,
  tracks: ReadonlyArray<unknown>,
  tracks_attempted: boolean | null = true
) => ({ ...compilation(library_id), tracks_attempted, tracks })
