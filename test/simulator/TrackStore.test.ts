import { describe, expect, it } from "@effect/vitest"
import { composeResult } from "../../src/simulator/compose.js"
import { syntheticStore } from "../../src/simulator/EntityStore.js"
import {
  makeTrackStore,
  noTracks,
  SYNTHETIC_TRACK_ARTISTS,
  syntheticCredits,
  syntheticTrackStore,
  type TrackCredit
} from "../../src/simulator/TrackStore.js"

const credit = (artist_name: string, track_title: string | null = null): TrackCredit => ({
  track_position: null,
  artist_name,
  track_title
})

const releaseIds = Array.from({ length: 1000 }, (_, i) => i + 1)
const artistNumber = (name: string): number =>
  Number(/^Synthetic Artist (\d+)$/.exec(name)?.[1] ?? Number.NaN)

describe("makeTrackStore", () => {
  it("tells a visited release with no credits from one never visited", () => {
    const credits = [credit("Stereolab", "French Disko")]
    const store = makeTrackStore(
      new Map([
        [10, credits],
        [11, []]
      ])
    )
    expect(store.credits(10)).toEqual(credits)
    expect(store.credits(11)).toEqual([])
    expect(store.credits(12)).toBeUndefined()
  })

  it("noTracks has visited nothing", () => {
    for (const id of [0, 1, 10, 2_000_000]) expect(noTracks.credits(id)).toBeUndefined()
  })
})

describe("syntheticCredits", () => {
  it("gives every release 16–24 credits, about 20 on average", () => {
    const counts = releaseIds.map((id) => syntheticCredits(id).length)
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(16)
    expect(Math.max(...counts)).toBeLessThanOrEqual(24)
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length
    expect(mean).toBeGreaterThan(19)
    expect(mean).toBeLessThan(21)
  })

  it("is the same on every call and different from release to release", () => {
    for (const id of [1, 2, 7, 65_000, 2_147_483_647])
      expect(syntheticCredits(id)).toEqual(syntheticCredits(id))
    expect(syntheticCredits(1)).not.toEqual(syntheticCredits(2))
  })

  it("numbers positions and titles by release and track, within the catalog's column sizes", () => {
    const credits = syntheticCredits(4242)
    credits.forEach((entry, index) => {
      expect(entry.track_position).toBe(String(index + 1))
      expect(entry.track_title).toBe(`Synthetic Track 4242-${index + 1}`)
    })
    for (const id of [1, 2_147_483_647]) {
      for (const entry of syntheticCredits(id)) {
        expect(entry.track_position?.length).toBeLessThanOrEqual(20)
        expect(entry.artist_name.length).toBeLessThanOrEqual(255)
        expect(entry.track_title?.length).toBeLessThanOrEqual(255)
      }
    }
  })

  it("credits synthetic artists from a bounded range, shared between releases", () => {
    const releasesOf = new Map<number, Set<number>>()
    for (const id of releaseIds) {
      for (const entry of syntheticCredits(id)) {
        const k = artistNumber(entry.artist_name)
        expect(Number.isInteger(k), entry.artist_name).toBe(true)
        expect(k).toBeGreaterThanOrEqual(1)
        expect(k).toBeLessThanOrEqual(SYNTHETIC_TRACK_ARTISTS)
        releasesOf.set(k, (releasesOf.get(k) ?? new Set()).add(id))
      }
    }
    const shared = [...releasesOf.values()].filter((releases) => releases.size >= 2).length
    expect(shared).toBeGreaterThan(500)
  })

  it("has no credits below release 1", () => {
    for (const id of [0, -1, 1.5]) expect(syntheticCredits(id)).toEqual([])
  })
})

describe("syntheticTrackStore", () => {
  const tracks = syntheticTrackStore()

  it("serves syntheticCredits for every release id from 1 up, and nothing else", () => {
    for (const id of [1, 20, 65_000]) expect(tracks.credits(id)).toEqual(syntheticCredits(id))
    for (const id of [0, -5, 2.5]) expect(tracks.credits(id)).toBeUndefined()
  })

  it("resolves about 85% of its credits through syntheticStore()", () => {
    const store = syntheticStore()
    const composed = releaseIds.flatMap(
      (id) =>
        composeResult(
          store,
          { library_id: id, artist_name: "Various Artists", legacy_release_id: id },
          tracks
        ).tracks ?? []
    )
    const resolved = composed.filter((track) => track.resolved_artist_name !== null)
    expect(resolved.length / composed.length).toBeGreaterThan(0.8)
    expect(resolved.length / composed.length).toBeLessThan(0.9)
    for (const track of resolved) expect(track.resolved_artist_name).toBe(track.artist_name)
  })
})
