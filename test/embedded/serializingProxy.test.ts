/**
 * The proxy's reading of the server's byte stream: it must find every ReadyForQuery, and only
 * those, however TCP happens to cut the stream.
 */
import { describe, expect, it } from "@effect/vitest"
import { readyForQueryScanner } from "../../src/demo/SerializingProxy.js"

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5)
  header.write(type, 0, "latin1")
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

const ready = (status: "I" | "T" | "E") => message("Z", Buffer.from(status, "latin1"))

// A reply to an extended-protocol query inside a transaction, then COMMIT's reply. The data
// row holds a 'Z' byte, which must not be mistaken for a message.
const stream = Buffer.concat([
  message("1", Buffer.alloc(0)),
  message("2", Buffer.alloc(0)),
  message("D", Buffer.from("\u0000\u0001\u0000\u0000\u0000\u0001ZZZZZ", "latin1")),
  message("C", Buffer.from("SELECT 1\u0000", "latin1")),
  ready("T"),
  message("C", Buffer.from("COMMIT\u0000", "latin1")),
  ready("I")
])

const scanInPieces = (cuts: ReadonlyArray<number>) => {
  const scan = readyForQueryScanner()
  const bounds = [0, ...cuts, stream.length]
  return bounds.slice(1).flatMap((end, i) => scan(stream.subarray(bounds[i], end)))
}

describe("ReadyForQuery scanner", () => {
  it("finds each status in a stream read at once", () => {
    expect(scanInPieces([]).map((status) => String.fromCharCode(status))).toEqual(["T", "I"])
  })

  it("finds the same statuses wherever the stream is cut, once or twice", () => {
    for (let a = 1; a < stream.length; a++) {
      expect(scanInPieces([a]).map((s) => String.fromCharCode(s))).toEqual(["T", "I"])
      for (let b = a + 1; b < stream.length; b += 3) {
        expect(scanInPieces([a, b]).map((s) => String.fromCharCode(s))).toEqual(["T", "I"])
      }
    }
  })

  it("reads a stream delivered byte by byte", () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1)
    expect(scanInPieces(cuts).map((s) => String.fromCharCode(s))).toEqual(["T", "I"])
  })
})
