import { describe, expect, it } from "@effect/vitest"
import type { LibraryId } from "../../src/domain/LmlWire.js"
import { toCompilationCredits } from "../../src/domain/TrackCredits.js"
import { toVerdict } from "../../src/domain/Verdict.js"
import { compilationWithTracks, track } from "../support/wire.js"

const id = 9 as LibraryId

describe("toCompilationCredits", () => {
  it("ignores credits without a resolved artist entirely: they neither override nor offer a position", () => {
    const { links } = toCompilationCredits(id, [
      track("Low", "Words", { track_position: "A1", confidence: 0.9 }),
      track("Low", "Words", { track_position: "B7", resolved_artist_name: null })
    ])
    expect(links).toEqual([
      expect.objectContaining({
        resolved_artist_name: "Low",
        confidence: 0.9,
        position: "A1",
        positionAmbiguous: false
      })
    ])
  })

  it("merges the credits of one row: the last gives artist and confidence, all offer positions", () => {
    const { links } = toCompilationCredits(id, [
      track("Low", null, { track_position: "A1", resolved_artist_name: "Lo", confidence: 0.5 }),
      track("Low", null, { track_position: "A1", confidence: 0.7 }),
      track("Low", "Words", { track_position: "C3" })
    ])
    expect(links).toEqual([
      expect.objectContaining({
        track_title: null,
        resolved_artist_name: "Low",
        confidence: 0.7,
        position: "A1"
      }),
      expect.objectContaining({ track_title: "Words", position: "C3" })
    ])
  })

  it("leaves the position empty, and says so, for several positions or one over 20 characters", () => {
    const { links } = toCompilationCredits(id, [
      track("Low", "Words", { track_position: "A1" }),
      track("Low", "Words", { track_position: "A2" }),
      track("Low", "Sunflower", { track_position: "x".repeat(21) }),
      // 20 characters, one of them outside the BMP (two UTF-16 units): it fits.
      track("Low", "Monkey", { track_position: `${"x".repeat(19)}🎸` }),
      track("Low", "Lullaby")
    ])
    expect(links.map((link) => [link.position, link.positionAmbiguous])).toEqual([
      [null, true],
      [null, true],
      [`${"x".repeat(19)}🎸`, false],
      [null, false]
    ])
  })

  it("stores a confidence outside [0, 1] as NULL and counts it", () => {
    const credits = toCompilationCredits(id, [
      track("Low", "Words", { confidence: 1.7 }),
      track("Low", "Monkey", { confidence: -0.1 }),
      track("Low", "Lullaby", { confidence: null })
    ])
    expect(credits.links.map((link) => link.confidence)).toEqual([null, null, null])
    expect(credits.confidencesOutOfRange).toBe(2)
  })
})

describe("toVerdict for compilations", () => {
  const credits = [track("Low", "Words")]

  it.each([
    ["(true, entries)", compilationWithTracks(9, credits, true), "CompilationWithTracks"],
    ["(true, [])", compilationWithTracks(9, [], true), "CompilationWithTracks"],
    ["(false, entries)", compilationWithTracks(9, credits, false), "CompilationWithTracks"],
    ["(false, [])", compilationWithTracks(9, [], false), "Compilation"],
    ["(null, entries)", compilationWithTracks(9, credits, null), "Compilation"],
    ["(null, null)", compilationWithTracks(9, null as never, null), "Compilation"]
  ])("reads %s under contract 1", (_, raw, tag) => {
    expect(toVerdict(id, raw, true)._tag).toBe(tag)
  })

  it("never counts tracks without contract 1, but still refuses ones that break the contract", () => {
    expect(toVerdict(id, compilationWithTracks(9, credits, true), false)._tag).toBe("Compilation")
    expect(toVerdict(id, compilationWithTracks(9, [{ artist_name: "Low" }], true), false)._tag).toBe(
      "Invalid"
    )
  })
})
