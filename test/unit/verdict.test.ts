import { describe, expect, it } from "@effect/vitest"
import type { LibraryId } from "../../src/domain/LmlWire.js"
import { toVerdict } from "../../src/domain/Verdict.js"
import { compilation, refusedResults, singleArtist, unresolved } from "../support/wire.js"

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

  it.each(Object.entries(refusedResults))("refuses %s", (_, raw) => {
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
