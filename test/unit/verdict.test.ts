import { describe, expect, it } from "@effect/vitest"
import type { LibraryId } from "../../src/domain/LmlWire.js"
import { toVerdict } from "../../src/domain/Verdict.js"
import { compilation, singleArtist, unresolved } from "../support/wire.js"

const id = 7 as LibraryId

describe("toVerdict", () => {
  it("accepts the contract's Stereolab example", () => {
    const verdict = toVerdict(id, singleArtist(7))
    expect(verdict._tag).toBe("Resolved")
    if (verdict._tag !== "Resolved") return
    expect(verdict.resolution.main.discogs_artist_id).toBe(2154)
    expect(verdict.resolution.sources.map((s) => s.source)).toEqual(["discogs", "wikidata"])
    expect(verdict.resolution.nullConfidenceSources).toBe(0)
  })

  it("keeps only the entries with a confidence, and counts the others", () => {
    const verdict = toVerdict(
      id,
      singleArtist(7, {
        provenance: [
          { source: "discogs", method: "exact_match", confidence: 1, external_id: "2154" },
          { source: "spotify", method: "exact_match", confidence: null, external_id: null },
          { source: "bandcamp", method: "trigram", confidence: null, external_id: "slug" }
        ]
      })
    )
    expect(verdict._tag === "Resolved" && verdict.resolution.sources.length).toBe(1)
    expect(verdict._tag === "Resolved" && verdict.resolution.nullConfidenceSources).toBe(2)
  })

  it("reads unresolved and compilation results", () => {
    expect(toVerdict(id, unresolved(7))._tag).toBe("Unresolved")
    expect(toVerdict(id, compilation(7))._tag).toBe("Compilation")
  })

  it("reads a missing key of main as null", () => {
    const raw = singleArtist(7)
    const { bandcamp_id: _, ...main } = raw.main
    const verdict = toVerdict(id, { ...raw, main })
    expect(verdict._tag === "Resolved" && verdict.resolution.main.bandcamp_id).toBeNull()
  })

  const refused: Record<string, unknown> = {
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

  it.each(Object.entries(refused))("refuses %s", (_, raw) => {
    const verdict = toVerdict(id, raw)
    expect(verdict._tag).toBe("Invalid")
    expect(verdict._tag === "Invalid" && verdict.reason.length).toBeGreaterThan(0)
  })

  it("stores hostile but legal strings verbatim", () => {
    const hostile = '\'; DROP TABLE library; -- \u202Eemoji 🎸 "quoted" ' + "x".repeat(10_000)
    const verdict = toVerdict(id, singleArtist(7, { main: { spotify_artist_id: hostile } }))
    expect(verdict._tag === "Resolved" && verdict.resolution.main.spotify_artist_id).toBe(hostile)
  })
})
