import { afterEach, describe, expect, it } from "@effect/vitest"
import { BULK_RESOLVE_PATH } from "../../src/domain/LmlWire.js"
import { demoEntities, makeEntityStore } from "../../src/simulator/EntityStore.js"
import { makeSimulator, type SimulatorOptions } from "../../src/simulator/LmlSimulator.js"
import { type SimulatorServer, startSimulatorServer, STATS_PATH } from "../../src/simulator/server.js"
import { row } from "./requests.js"

const store = makeEntityStore(demoEntities)
const running: Array<SimulatorServer> = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()))
})

const serve = async (options: Omit<SimulatorOptions, "store"> = {}) => {
  const simulator = makeSimulator({ store, ...options })
  const server = await startSimulatorServer(simulator)
  running.push(server)
  return { simulator, server }
}

const post = (server: SimulatorServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${BULK_RESOLVE_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

const stereolab = { inputs: [row(1234, "Stereolab", "Aluminum Tunes")] }

describe("startSimulatorServer", () => {
  it("listens on a free loopback port and answers with the simulator's reply", async () => {
    const { simulator, server } = await serve()
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await post(server, stereolab)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json")
    const body = (await response.json()) as { results: ReadonlyArray<{ kind: string; library_id: number }> }
    expect(body.results[0]).toMatchObject({ kind: "single_artist", library_id: 1234 })
    expect(simulator.requests[0]).toMatchObject({ method: "POST", path: BULK_RESOLVE_PATH, batchSize: 1 })
  })

  it("passes headers and the whole body through", async () => {
    const { server } = await serve({ apiKey: "secret" })
    expect((await post(server, stereolab)).status).toBe(401)
    expect((await post(server, stereolab, { authorization: "Bearer nope" })).status).toBe(403)
    const big = {
      inputs: Array.from({ length: 1000 }, (_, i) => row(i + 1, `Synthetic Artist ${i}`, "x".repeat(200)))
    }
    const response = await post(server, big, { authorization: "Bearer secret" })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { results: Array<unknown> }).results).toHaveLength(1000)
  })

  it("sends Retry-After from a fault", async () => {
    const { server } = await serve({
      faults: { first: { count: 1, fault: { status: 503, retryAfter: "3" } } }
    })
    const response = await post(server, stereolab)
    expect(response.status).toBe(503)
    expect(response.headers.get("retry-after")).toBe("3")
    expect(await response.json()).toMatchObject({ code: "service_unavailable" })
    expect((await post(server, stereolab)).status).toBe(200)
  })

  it("holds replies back by their delay", async () => {
    const { server } = await serve({ latencyMs: 150 })
    const started = performance.now()
    const response = await post(server, stereolab)
    await response.text()
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it("drops the connection before responding", async () => {
    const { server } = await serve({ faults: { first: { count: 1, fault: { reset: "before-response" } } } })
    await expect(post(server, stereolab)).rejects.toThrow()
    expect((await post(server, stereolab)).status).toBe(200)
  })

  it("cuts the body off halfway, so reading it fails", async () => {
    const { server } = await serve({ faults: { first: { count: 1, fault: { reset: "mid-body" } } } })
    const response = await post(server, stereolab)
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
    expect((await post(server, stereolab)).status).toBe(200)
  })

  it("counts its own service time, the delay included, and serves it without counting itself", async () => {
    const { server } = await serve({ latencyMs: 100 })
    expect(server.stats()).toEqual({ requests: 0, serviceMs: 0 })
    await (await post(server, stereolab)).text()
    await (await post(server, { inputs: [] })).text()
    const stats = (await (await fetch(`${server.url}${STATS_PATH}`)).json()) as unknown
    expect(stats).toEqual(server.stats())
    expect(server.stats().requests).toBe(2)
    expect(server.stats().serviceMs).toBeGreaterThanOrEqual(190)
    expect(server.stats().serviceMs).toBeLessThan(1_000)
  })

  it("closes promptly with idle keep-alive connections and delayed replies outstanding", async () => {
    const { server } = await serve({ faults: { byRequest: { 2: { delayMs: 30_000 } } } })
    await (await post(server, stereolab)).text()
    const stuck = post(server, stereolab).then(
      () => "answered",
      () => "failed"
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = performance.now()
    await server.close()
    running.splice(0)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(await stuck).toBe("failed")
  })
})
