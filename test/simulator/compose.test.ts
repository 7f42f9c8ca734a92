import { describe, expect, it } from "@effect/vitest"
import {
  type ArtistEntity,
  identityFromLog,
  NO_IDS,
  type SourceLog
} from "../../src/simulator/ArtistEntity.js"
import { composeResult, isCompilationName, type WireResult } from "../../src/simulator/compose.js"
import { demoEntities, makeEntityStore } from "../../src/simulator/EntityStore.js"
import { makeTrackStore, noTracks, type TrackCredit } from "../../src/simulator/TrackStore.js"

const demo = makeEntityStore(demoEntities)
const compose = (artist_name: string, library_id = 1): WireResult =>
  composeResult(demo, { library_id, artist_name })

const logged = (name: string, log: ReadonlyArray<SourceLog>): ArtistEntity => ({
  name,
  main: identityFromLog(log),
  log
})

const WIRE_KEYS = [
  "kind",
  "library_id",
  "main",
  "method",
  "confidence",
  "provenance",
  "tracks_attempted",
  "tracks"
]

describe("composeResult: the contract's examples", () => {
  it("Stereolab: two legacy sources stay exact_match 1.0", () => {
    expect(compose("Stereolab", 1234)).toEqual({
      kind: "single_artist",
      library_id: 1234,
      main: {
        discogs_artist_id: 2154,
        musicbrainz_artist_id: null,
        wikidata_qid: "Q484464",
        spotify_artist_id: null,
        apple_music_artist_id: null,
        bandcamp_id: null
      },
      method: "exact_match",
      confidence: 1.0,
      provenance: [
        { source: "discogs", method: "exact_match", confidence: 1.0, external_id: "2154" },
        { source: "wikidata", method: "exact_match", confidence: 1.0, external_id: "Q484464" }
      ],
      tracks_attempted: null,
      tracks: null
    })
  })

  it("Various Artists, Nobody Artist and Juana Molina", () => {
    expect(compose("Various Artists", 1)).toEqual({
      kind: "compilation",
      library_id: 1,
      main: null,
      method: null,
      confidence: null,
      provenance: [],
      tracks_attempted: null,
      tracks: null
    })
    expect(compose("Nobody Artist", 2)).toEqual({
      kind: "unresolved",
      library_id: 2,
      main: null,
      method: null,
      confidence: null,
      provenance: [],
      tracks_attempted: null,
      tracks: null
    })
    const juana = compose("Juana Molina", 3)
    expect(juana.kind).toBe("single_artist")
    expect(juana.main).toMatchObject({ discogs_artist_id: 305253, wikidata_qid: "Q272615" })
  })

  it("cross-source agreement: discogs exact 1.00 + musicbrainz name_variation 0.92 gives 0.95", () => {
    const store = makeEntityStore([
      logged("Agreeing Artist", [
        { source: "discogs", method: "exact_match", confidence: 1.0, external_id: "12345" },
        { source: "musicbrainz", method: "name_variation", confidence: 0.92, external_id: "abc-def" }
      ])
    ])
    const result = composeResult(store, { library_id: 9, artist_name: "Agreeing Artist" })
    expect(result).toMatchObject({
      kind: "single_artist",
      method: "cross_source_agreement",
      confidence: 0.95,
      main: { discogs_artist_id: 12345, musicbrainz_artist_id: "abc-def" },
      provenance: [
        { source: "discogs", method: "exact_match", confidence: 1.0, external_id: "12345" },
        { source: "musicbrainz", method: "name_variation", confidence: 0.92, external_id: "abc-def" }
      ]
    })
  })

  it("case and canonical drift still resolve", () => {
    for (const name of [
      "stereolab",
      "JUANA MOLINA",
      "Nilüfer Yanya",
      "Nilufer Yanya",
      "Sleater & Kinney",
      "Don\u2019t Stop"
    ]) {
      expect(compose(name).kind, name).toBe("single_artist")
    }
  })

  it("puts every key on the wire, for every kind", () => {
    for (const name of ["Stereolab", "Various Artists", "Nobody Artist", "Little Brother"]) {
      expect(Object.keys(compose(name)).sort(), name).toEqual([...WIRE_KEYS].sort())
    }
  })
})

describe("isCompilationName", () => {
  it("recognises LML's V/A names and prefixes, in any case and spacing", () => {
    const compilations = [
      "Various Artists",
      "VARIOUS ARTISTS",
      "  various   artists ",
      "Various",
      "various",
      "Soundtrack",
      "Compilation",
      "Various Artists - Merge Records 30",
      "V/A",
      "v/a: Nuggets",
      "V.A.",
      "v.a",
      "Soundtracks",
      "Soundtracks of the Eighties"
    ]
    for (const name of compilations) expect(isCompilationName(name), name).toBe(true)
  })

  it("leaves artists alone whose names merely contain those words", () => {
    for (const name of [
      "Various Cruelties",
      "Original Soundtrack",
      "The Compilation Kings",
      "Vanishing Twin",
      "Ava Luna"
    ]) {
      expect(isCompilationName(name), name).toBe(false)
    }
  })

  it("decides compilation before any lookup", () => {
    const store = makeEntityStore([
      logged("Various Artists", [
        { source: "discogs", method: "exact_match", confidence: 1, external_id: "194" }
      ])
    ])
    expect(composeResult(store, { library_id: 5, artist_name: "Various Artists" }).kind).toBe("compilation")
  })
})

describe("composeResult: composition rules", () => {
  it("drops sources below 0.70 and keeps one exactly at the floor", () => {
    const tinariwen = compose("Tinariwen")
    expect(tinariwen).toMatchObject({ kind: "single_artist", method: "exact_match", confidence: 1 })
    expect(tinariwen.provenance.map((entry) => entry.source)).toEqual(["discogs"])
    expect(tinariwen.main?.spotify_artist_id).toBeNull()
    expect(compose("Ata Kak").provenance.map((entry) => entry.source)).toEqual(["discogs"])
    expect(compose("Hand Habits")).toMatchObject({ method: "trigram", confidence: 0.7 })
  })

  it("answers unresolved with empty provenance when no source reaches 0.70", () => {
    expect(compose("Little Brother")).toMatchObject({ kind: "unresolved", main: null, provenance: [] })
    expect(compose("Nourished by Time")).toMatchObject({ kind: "unresolved", main: null, provenance: [] })
  })

  it("lets a lone source set method and confidence", () => {
    expect(compose("Grouper")).toMatchObject({ method: "trigram", confidence: 0.71 })
    expect(compose("Tirzah")).toMatchObject({ method: "llm", confidence: 0.72 })
    expect(compose("Arthur Russell")).toMatchObject({ method: "alias_match", confidence: 0.8 })
    expect(compose("Thurston Moore")).toMatchObject({ method: "member_group", confidence: 0.85 })
    expect(compose("Low")).toMatchObject({ method: "name_variation", confidence: 0.9 })
    expect(compose("Chris Stamey")).toMatchObject({ method: "manual", confidence: 1 })
  })

  it("composes agreement at max(0.95, weakest)", () => {
    expect(compose("The Mountain Goats")).toMatchObject({
      method: "cross_source_agreement",
      confidence: 0.95
    })
    expect(compose("Mdou Moctar")).toMatchObject({ method: "cross_source_agreement", confidence: 0.96 })
    expect(compose("Juana Molina")).toMatchObject({ method: "cross_source_agreement", confidence: 1 })
  })

  it("keeps legs that found nothing in provenance without letting them vote", () => {
    const broadcast = compose("Broadcast")
    expect(broadcast).toMatchObject({ kind: "single_artist", method: "exact_match", confidence: 1 })
    expect(broadcast.provenance).toContainEqual({
      source: "wikidata",
      method: "exact_match",
      confidence: null,
      external_id: null
    })
    expect(broadcast.main?.wikidata_qid).toBeNull()
    const cate = compose("Cate Le Bon")
    expect(cate).toMatchObject({ method: "cross_source_agreement", confidence: 1 })
    expect(cate.provenance.map((entry) => entry.confidence)).toEqual([1, null, 1])
  })

  it("sends legacy data as exact_match 1.0, one provenance row per populated column", () => {
    const bjork = compose("Björk")
    expect(bjork).toMatchObject({ kind: "single_artist", method: "exact_match", confidence: 1 })
    expect(bjork.provenance.map((entry) => entry.source)).toEqual([
      "discogs",
      "musicbrainz",
      "wikidata",
      "spotify",
      "apple_music"
    ])
    expect(bjork.provenance.every((entry) => entry.method === "exact_match" && entry.confidence === 1)).toBe(
      true
    )
    expect(bjork.main).toEqual(demo.find("Björk")?.main)
    const empty = makeEntityStore([{ name: "Ghost", main: NO_IDS, log: [] }])
    expect(composeResult(empty, { library_id: 1, artist_name: "Ghost" }).kind).toBe("unresolved")
  })

  it("orders provenance by source column and reads only the latest row per source", () => {
    const store = makeEntityStore([
      logged("Reordered", [
        { source: "bandcamp", method: "exact_match", confidence: 1, external_id: "reordered" },
        { source: "discogs", method: "llm", confidence: 0.65, external_id: "1" },
        { source: "discogs", method: "name_variation", confidence: 0.93, external_id: "2" }
      ])
    ])
    const result = composeResult(store, { library_id: 1, artist_name: "Reordered" })
    expect(result.provenance.map((entry) => [entry.source, entry.external_id])).toEqual([
      ["discogs", "2"],
      ["bandcamp", "reordered"]
    ])
    expect(result).toMatchObject({ method: "cross_source_agreement", confidence: 0.95 })
    expect(result.main).toMatchObject({ discogs_artist_id: 2, bandcamp_id: "reordered" })
  })

  it("reports main as the entity's main for every demo artist that resolves", () => {
    for (const e of demoEntities) {
      const result = compose(e.name)
      if (result.kind === "single_artist") expect(result.main, e.name).toEqual(e.main)
    }
  })
})

describe("composeResult: tracks", () => {
  const credit = (
    artist_name: string,
    track_title: string | null = null,
    track_position: string | null = null
  ): TrackCredit => ({ track_position, artist_name, track_title })
  const compilationCredits = [
    credit("stereolab", "French Disko", "A1"),
    credit("Sleater & Kinney", "Dig Me Out", "A2"),
    credit("Nobody Artist", "Untitled"),
    credit("Little Brother", null, "B1"),
    credit("Various Artists", "Medley")
  ]
  const tracks = makeTrackStore(
    new Map([
      [100, compilationCredits],
      [200, []],
      [300, [credit("Juana Molina", "Un Dia")]]
    ])
  )
  const withTracks = (artist_name: string, legacy_release_id?: number | null): WireResult =>
    composeResult(
      demo,
      legacy_release_id === undefined
        ? { library_id: 1, artist_name }
        : { library_id: 1, artist_name, legacy_release_id },
      tracks
    )
  const trackState = (result: WireResult) => [result.tracks_attempted, result.tracks]

  it("sends (null, null) when the batch did not ask, whatever the store holds", () => {
    expect(
      trackState(
        composeResult(demo, { library_id: 1, artist_name: "Various Artists", legacy_release_id: 100 })
      )
    ).toEqual([null, null])
  })

  it("sends (null, null) for an unresolved row even when asked", () => {
    expect(trackState(withTracks("Nobody Artist", 100))).toEqual([null, null])
    expect(trackState(withTracks("Little Brother", 100))).toEqual([null, null])
  })

  it("sends (false, []) when the matcher has not visited the release or it cannot be looked up", () => {
    expect(trackState(withTracks("Various Artists", 999))).toEqual([false, []])
    expect(trackState(withTracks("Various Artists", null))).toEqual([false, []])
    expect(trackState(withTracks("Various Artists"))).toEqual([false, []])
    expect(trackState(withTracks("Stereolab"))).toEqual([false, []])
    const unvisited = composeResult(
      demo,
      { library_id: 1, artist_name: "Various Artists", legacy_release_id: 100 },
      noTracks
    )
    expect(trackState(unvisited)).toEqual([false, []])
  })

  it("sends (true, []) for a visited release with no credits", () => {
    expect(trackState(withTracks("Various Artists", 200))).toEqual([true, []])
  })

  it("sends (true, entries) for a compilation or a single artist with credits", () => {
    const compilation = withTracks("Various Artists", 100)
    expect(compilation).toMatchObject({
      kind: "compilation",
      main: null,
      provenance: [],
      tracks_attempted: true
    })
    expect(compilation.tracks?.map((track) => track.artist_name)).toEqual(
      compilationCredits.map((entry) => entry.artist_name)
    )
    const single = withTracks("Stereolab", 300)
    expect(single).toMatchObject({ kind: "single_artist", method: "exact_match", tracks_attempted: true })
    expect(single.tracks).toHaveLength(1)
  })

  it("leaves the row's own verdict as it is without tracks", () => {
    for (const name of ["Stereolab", "Various Artists", "Juana Molina"]) {
      const { tracks_attempted: _attempted, tracks: _tracks, ...asked } = withTracks(name, 100)
      const { tracks_attempted: _a, tracks: _t, ...plain } = compose(name)
      expect(asked, name).toEqual(plain)
    }
  })

  it("composes each credit through the entity store: a drifted spelling links to the stored name", () => {
    const [french, dig] = withTracks("Various Artists", 100).tracks ?? []
    expect(french).toEqual({
      track_position: "A1",
      artist_name: "stereolab",
      track_title: "French Disko",
      resolved_artist_name: "Stereolab",
      confidence: 1,
      method: "exact_match",
      sources: compose("Stereolab").provenance
    })
    expect(dig).toMatchObject({
      artist_name: "Sleater & Kinney",
      resolved_artist_name: "sleater and kinney",
      method: compose("sleater and kinney").method,
      confidence: compose("sleater and kinney").confidence
    })
    expect(dig?.sources).toEqual(compose("sleater and kinney").provenance)
  })

  it("carries a credit's composed agreement, not a per-source one", () => {
    const [molina] = withTracks("Stereolab", 300).tracks ?? []
    expect(molina).toMatchObject({
      resolved_artist_name: "Juana Molina",
      method: "cross_source_agreement",
      confidence: 1
    })
    expect(molina?.sources.map((entry) => entry.source)).toEqual(["discogs", "wikidata"])
  })

  it("leaves unknown, below-floor and V/A-like credits unlinked, echoing the credit", () => {
    const unlinked = (withTracks("Various Artists", 100).tracks ?? []).slice(2)
    expect(unlinked).toEqual([
      {
        track_position: null,
        artist_name: "Nobody Artist",
        track_title: "Untitled",
        resolved_artist_name: null,
        confidence: null,
        method: null,
        sources: []
      },
      {
        track_position: "B1",
        artist_name: "Little Brother",
        track_title: null,
        resolved_artist_name: null,
        confidence: null,
        method: null,
        sources: []
      },
      {
        track_position: null,
        artist_name: "Various Artists",
        track_title: "Medley",
        resolved_artist_name: null,
        confidence: null,
        method: null,
        sources: []
      }
    ])
  })

  it("puts exactly the seven TrackIdentity keys on every track", () => {
    const keys = [
      "track_position",
      "artist_name",
      "track_title",
      "resolved_artist_name",
      "confidence",
      "method",
      "sources"
    ].sort()
    for (const track of withTracks("Various Artists", 100).tracks ?? []) {
      expect(Object.keys(track).sort(), track.artist_name).toEqual(keys)
    }
  })

  it("is pure: the same stores and input give the same wire object", () => {
    expect(JSON.stringify(withTracks("Various Artists", 100))).toBe(
      JSON.stringify(withTracks("Various Artists", 100))
    )
  })
})
