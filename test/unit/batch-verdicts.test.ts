import { describe, expect, it } from "@effect/vitest"
import { matchResults } from "../../src/domain/BatchVerdicts.js"
import type { LibraryId } from "../../src/domain/LmlWire.js"
import { libraryIdOf } from "../../src/domain/Verdict.js"
import { singleArtist, unresolved } from "../support/wire.js"

const ids = (...n: Array<number>) => n as Array<LibraryId>

describe("matchResults", () => {
  it("re-keys by library_id, not by position", () => {
    const batch = matchResults(ids(1, 2, 3), [unresolved(3), singleArtist(1), unresolved(2)])
    expect(batch.verdicts.map(libraryIdOf)).toEqual([3, 1, 2])
    expect(batch.untrusted).toEqual([])
    expect(batch.missing).toEqual([])
  })

  it("charges missing results to cardinality", () => {
    const batch = matchResults(ids(1, 2, 3), [singleArtist(1)])
    expect(batch.verdicts).toHaveLength(1)
    expect(batch.missing).toEqual([2, 3])
  })

  it("charges a foreign id and a repeated id to the inputs they displaced", () => {
    const batch = matchResults(ids(1, 2, 3), [singleArtist(1), singleArtist(99), singleArtist(1)])
    expect(batch.verdicts).toHaveLength(1)
    expect(batch.untrusted).toEqual([2, 3])
    expect(batch.missing).toEqual([])
  })

  it("treats a result without a usable library_id as untrusted", () => {
    const batch = matchResults(ids(1, 2), [singleArtist(1), { ...unresolved(2), library_id: "2" }])
    expect(batch.untrusted).toEqual([2])
  })

  it("keeps every input in exactly one outcome when LML returns extra results", () => {
    const batch = matchResults(ids(1), [unresolved(1), unresolved(5), unresolved(6)])
    expect(batch.verdicts).toHaveLength(1)
    expect(batch.untrusted).toEqual([])
    expect(batch.strayResults).toBe(2)
  })
})
