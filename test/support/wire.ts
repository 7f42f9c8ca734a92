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

/** Results `toVerdict` must refuse (each differs from a valid one in one way), by what is wrong. */
export const refusedResults: Readonly<Record<string, unknown>> = {
  "an unknown kind": { ...singleArtist(7), kind: "band" },
  "single_artist without main": { ...singleArtist(7), main: null },
  "single_artist without method": singleArtist(7, { method: null }),
  "single_artist without confidence": singleArtist(7, { confidence: null }),
  "a confidence above 1": singleArtist(7, { confidence: 1.01 }),
  "a negative confidence": singleArtist(7, { confidence: -0.1 }),
  "an entry confidence outside [0,1]": singleArtist(7, {
    provenance: [{ source: "discogs", method: "exact_match", confidence: 2, external_id: "1" }]
  }),
  "an entry with a confidence and no external_id": singleArtist(7, {
    provenance: [{ source: "discogs", method: "exact_match", confidence: 0.9, external_id: null }]
  }),
  "an unknown method": singleArtist(7, { method: "vibes" }),
  "an unknown source": singleArtist(7, {
    provenance: [{ source: "myspace", method: "exact_match", confidence: 1, external_id: "x" }]
  }),
  "a NUL character": singleArtist(7, { main: { wikidata_qid: "Q1\u0000" } }),
  "a NUL character in an external id": singleArtist(7, {
    provenance: [{ source: "discogs", method: "exact_match", confidence: 1, external_id: "1\u0000" }]
  }),
  "a discogs id beyond int4": singleArtist(7, { main: { discogs_artist_id: 2 ** 31 } }),
  "the same source twice": singleArtist(7, {
    provenance: [
      { source: "discogs", method: "exact_match", confidence: 1, external_id: "1" },
      { source: "discogs", method: "trigram", confidence: 0.8, external_id: "2" }
    ]
  }),
  "not an object": "single_artist"
}
