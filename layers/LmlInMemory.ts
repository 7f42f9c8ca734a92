/**
 * LML in memory: the live HTTP client (`LmlHttp`) over an `HttpClient` whose far end is the
 * simulator, so request encoding, status mapping and envelope decoding run exactly as in
 * production, without a socket.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { bulkResolveUrl } from "../src/domain/LmlWire.js"
import type { LmlSimulator } from "../src/simulator/LmlSimulator.js"
import * as LmlHttp from "./LmlHttp.js"

/** A body stream that delivers the first half, then fails like a connection reset. */
const cutOffBody = (body: string) => {
  const bytes = new TextEncoder().encode(body)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2)))
      controller.error(new Error("socket hang up"))
    }
  })
}

export const simulatorHttpClient = (simulator: LmlSimulator) =>
  HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const reply = simulator.handle({
        method: request.method,
        path: url.pathname,
        headers: request.headers,
        body
      })
      if (reply.delayMs > 0) yield* Effect.sleep(Duration.millis(reply.delayMs))
      if (reply.reset === "before-response") {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: "connection reset"
        })
      }
      const payload = reply.reset === "mid-body" ? cutOffBody(reply.body) : reply.body
      return HttpClientResponse.fromWeb(
        request,
        new Response(payload, { status: reply.status, headers: reply.headers })
      )
    })
  )

export interface InMemoryOptions {
  readonly apiKey?: string
  readonly timeoutMs?: number
}

export const layer = (simulator: LmlSimulator, options: InMemoryOptions = {}) =>
  LmlHttp.layerWithoutTransport({
    endpoint: bulkResolveUrl("http://lml.in-memory"),
    apiKey: Option.map(Option.fromNullable(options.apiKey), Redacted.make),
    timeout: Duration.millis(options.timeoutMs ?? 30_000)
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, simulatorHttpClient(simulator))))
