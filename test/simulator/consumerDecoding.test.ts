/**
 * Cross-checks the simulator against the consumer's own decoders: every verdict the simulated
 * LML composes must decode as valid, with the kind it was sent as. Kept in its own file because
 * it depends on `src/domain`, which changes independently of the simulator.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { BulkResolveResponse, LibraryId } from "../../src/domain/LmlWire.js"
import { toVerdict } from "../../src/domain/Verdict.js"
import { demoEntities, syntheticArtistName, syntheticStore } from "../../src/simulator/EntityStore.js"
import { makeSimulator } from "../../src/simulator/LmlSimulator.js"
import { bulkRequest, row } from "./requests.js"

const expectedTag = {
  single_artist: "Resolved",
  unresolved: "Unresolved",
  compilation: "Compilation"
} as const

describe("simulated verdicts decode with the consumer's schemas", () => {
  const simulator = makeSimulator({ store: syntheticStore() })
  const names = [
    ...demoEntities.map((entity) => entity.name),
    "Various Artists",
    "Nobody Artist",
    ...Array.from({ length: 900 }, (_, i) => syntheticArtistName(i))
  ]

  it("produces no invalid verdicts", () => {
    const reply = simulator.handle(bulkRequest(names.map((name, i) => row(i + 1, name))))
    const decoded = Schema.decodeUnknownEither(BulkResolveResponse)(JSON.parse(reply.body))
    if (Either.isLeft(decoded)) throw new Error(String(decoded.left))
    decoded.right.results.forEach((raw, i) => {
      const verdict = toVerdict(LibraryId.make(i + 1), raw)
      const kind = (raw as { kind: keyof typeof expectedTag }).kind
      expect(verdict._tag, `${names[i]}: ${JSON.stringify(verdict)}`).toBe(expectedTag[kind])
    })
  })
})
