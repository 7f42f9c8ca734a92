/**
 * Serves a simulator over loopback HTTP, carrying out what each reply asks for: a delay, a
 * connection dropped before any response, or a response cut off halfway through its body.
 * It also measures its own service time, so a benchmark can tell the client's overhead from
 * the server's: `GET /__simulator/stats` answers the totals so far.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { performance } from "node:perf_hooks"
import type { LmlSimulator, SimReply } from "./LmlSimulator.js"

export interface SimulatorServerOptions {
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
}

/** What the server has answered so far; the stats route itself is not counted. */
export interface ServiceStats {
  readonly requests: number
  /**
   * Σ from the whole request body received to the whole response handed to the socket:
   * parsing, composing, the scripted delay and writing the reply.
   */
  readonly serviceMs: number
}

/** Not part of LML: read by the benchmark before and after a run. */
export const STATS_PATH = "/__simulator/stats"

export interface SimulatorServer {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string
  stats(): ServiceStats
  close(): Promise<void>
}

const flattenHeaders = (headers: IncomingHttpHeaders): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value])
  )

const deliver = (response: ServerResponse, reply: SimReply): void => {
  if (reply.reset === "before-response") {
    response.socket?.destroy()
    return
  }
  const body = Buffer.from(reply.body, "utf8")
  // The full length is announced even when the body is cut, so the client knows it was cut.
  response.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) })
  if (reply.reset === "none") {
    response.end(body)
    return
  }
  const half = body.subarray(0, Math.floor(body.length / 2))
  response.flushHeaders()
  const cut = () => response.socket?.destroy()
  if (half.length === 0) setImmediate(cut)
  else response.write(half, cut)
}

export const startSimulatorServer = (
  simulator: Pick<LmlSimulator, "handle">,
  options: SimulatorServerOptions = {}
): Promise<SimulatorServer> => {
  const host = options.host ?? "127.0.0.1"
  const pending = new Set<NodeJS.Timeout>()
  let requests = 0
  let serviceMs = 0
  const stats = (): ServiceStats => ({ requests, serviceMs })

  const server = createServer((request, response) => {
    if (request.method === "GET" && request.url === STATS_PATH) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats()))
      return
    }
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    // A client that goes away mid-upload gets no answer; there is nobody left to read it.
    request.on("error", () => undefined)
    request.on("end", () => {
      const received = performance.now()
      // "close" rather than "finish": a reply cut off or dropped never finishes.
      response.once("close", () => {
        requests++
        serviceMs += performance.now() - received
      })
      const reply = simulator.handle({
        method: request.method ?? "GET",
        path: request.url ?? "/",
        headers: flattenHeaders(request.headers),
        body: Buffer.concat(chunks).toString("utf8")
      })
      if (reply.delayMs <= 0) {
        deliver(response, reply)
        return
      }
      const timer = setTimeout(() => {
        pending.delete(timer)
        deliver(response, reply)
      }, reply.delayMs)
      pending.add(timer)
    })
  })

  const close = (): Promise<void> =>
    new Promise((resolve, reject) => {
      for (const timer of pending) clearTimeout(timer)
      pending.clear()
      server.close((error) => (error === undefined ? resolve() : reject(error)))
      // Idle keep-alive sockets would otherwise hold `close` open for the keep-alive timeout.
      server.closeAllConnections()
    })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      const { port } = server.address() as AddressInfo
      const urlHost = host.includes(":") ? `[${host}]` : host
      resolve({ url: `http://${urlHost}:${port}`, stats, close })
    })
  })
}
