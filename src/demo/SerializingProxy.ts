/**
 * A loopback proxy that lets one client connection at a time talk to the embedded server, for
 * a whole exchange: from the client's first message to the server's ReadyForQuery, and from
 * BEGIN to the end of the transaction.
 *
 * Why: pglite-socket 0.2.17 queues protocol messages from all connections in one FIFO and runs
 * them one by one against PGlite's single session. When two connections have messages waiting
 * (after a transaction held them back, say), their Parse, Bind and Execute interleave, and a
 * connection executes the statement or portal another connection just created: it gets an
 * error, or, when the statements have the same shape, the other connection's rows without any
 * error. Measured: three clients reading different partitions while a fourth ran transactions
 * got 100 wrong results and 100 errors out of 700 queries; three CLI processes of a
 * partitioned run scanned 292 of 400 libraries and all exited 0. Taking turns per exchange
 * removes the interleaving; the cost is that clients wait for each other, which PGlite's one
 * session makes them do anyway.
 */
import { createServer, connect, type Server, type Socket } from "node:net"

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I': not in a transaction

/**
 * Reads the server's byte stream as messages (type byte, int32 length that counts itself,
 * body), across chunk boundaries, and reports the status byte of each ReadyForQuery.
 */
export const readyForQueryScanner = () => {
  let held = Buffer.alloc(0)
  let skip = 0
  return (chunk: Buffer): Array<number> => {
    const statuses: Array<number> = []
    const data = held.length === 0 ? chunk : Buffer.concat([held, chunk])
    held = Buffer.alloc(0)
    let at = Math.min(skip, data.length)
    skip -= at
    while (at < data.length) {
      if (data.length - at < 5) {
        held = Buffer.from(data.subarray(at))
        break
      }
      const type = data[at]!
      const length = data.readInt32BE(at + 1)
      if (type === READY_FOR_QUERY) {
        if (data.length - at < 1 + length) {
          held = Buffer.from(data.subarray(at))
          break
        }
        statuses.push(data[at + 5]!)
        at += 1 + length
        continue
      }
      const body = length - 4
      const available = Math.min(body, data.length - at - 5)
      at += 5 + available
      skip = body - available
    }
    return statuses
  }
}

/** Whose turn it is, and who waits, first come first served. */
const makeTurns = <Who>() => {
  let holder: Who | undefined
  const waiting: Array<{ readonly who: Who; readonly start: () => void }> = []
  const next = () => {
    const first = waiting.shift()
    holder = first?.who
    first?.start()
  }
  return {
    holds: (who: Who) => holder === who,
    /** Calls `start` once it is `who`'s turn (at once if nobody holds it). */
    request: (who: Who, start: () => void) => {
      if (holder === who || waiting.some((entry) => entry.who === who)) return
      if (holder === undefined) {
        holder = who
        start()
      } else waiting.push({ who, start })
    },
    /** Ends `who`'s turn or its wait. */
    leave: (who: Who) => {
      const index = waiting.findIndex((entry) => entry.who === who)
      if (index >= 0) waiting.splice(index, 1)
      if (holder === who) next()
    }
  }
}

/** The 8-byte requests a client may send before its startup message; none gets to the server. */
const preStartupRequest = (data: Buffer): number | undefined =>
  data.length >= 8 && (data.readInt32BE(0) === 8 || data.readInt32BE(0) === 16)
    ? data.readInt32BE(4)
    : undefined

export interface SerializingProxy {
  readonly port: number
  close(): Promise<void>
}

/** Listens on 127.0.0.1 (a free port) and forwards each client to `upstreamPort`, one exchange at a time. */
export const startSerializingProxy = (upstreamPort: number): Promise<SerializingProxy> => {
  const turns = makeTurns<Socket>()
  const sockets = new Set<Socket>()

  const relay = (client: Socket) => {
    const upstream = connect({ host: "127.0.0.1", port: upstreamPort })
    const queued: Array<Buffer> = []
    const scan = readyForQueryScanner()
    let started = false
    sockets.add(client).add(upstream)

    const forward = () => {
      for (const data of queued.splice(0)) upstream.write(data)
    }
    const end = () => {
      turns.leave(client)
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }

    client.on("data", (data: Buffer) => {
      if (!started) {
        const request = preStartupRequest(data)
        if (request === SSL_REQUEST || request === GSSENC_REQUEST) {
          // No encryption on loopback; the client goes on in plain text.
          client.write("N")
          data = data.subarray(8)
        } else if (request === CANCEL_REQUEST) {
          // PGlite cannot cancel a query; the protocol expects no answer.
          end()
          return
        }
        if (data.length === 0) return
        started = true
      }
      if (turns.holds(client)) upstream.write(data)
      else {
        queued.push(data)
        turns.request(client, forward)
      }
    })
    upstream.on("data", (data: Buffer) => {
      client.write(data)
      // The exchange is over when the server is ready for a query outside a transaction.
      if (scan(data).at(-1) === IDLE && turns.holds(client)) turns.leave(client)
    })
    client.on("close", end)
    upstream.on("close", end)
    client.on("error", end)
    upstream.on("error", end)
  }

  const server: Server = createServer(relay)
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
}
