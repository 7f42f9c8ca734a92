/**
 * Runs the simulated LML as its own process, for the benchmark and the demo:
 *
 *   LML_SIM_PORT=0 LML_SIM_LATENCY_MS=0 [LML_SIM_API_KEY=...] [LML_SIM_TRACKS_CONTRACT_VERSION=1] \
 *     tsx src/simulator/main.ts
 *
 * Serves the synthetic entity and track stores, so every release id from 1 up has credits.
 * `LML_SIM_TRACKS_CONTRACT_VERSION` is `1` or `null` (the default, as production sends today).
 * Prints one line, `{"url":"http://127.0.0.1:PORT"}`, once listening; stops on SIGTERM/SIGINT.
 */
import { syntheticStore } from "./EntityStore.js"
import { makeSimulator } from "./LmlSimulator.js"
import { startSimulatorServer } from "./server.js"
import { syntheticTrackStore } from "./TrackStore.js"

const nonNegativeInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`)
  }
  return value
}

const tracksContractVersion = (name: string): 1 | null => {
  const raw = (process.env[name] ?? "").trim()
  if (raw === "" || raw === "null") return null
  if (raw === "1") return 1
  throw new Error(`${name} must be 1 or null, got '${raw}'`)
}

const run = async (): Promise<void> => {
  const port = nonNegativeInt("LML_SIM_PORT", 0)
  const latencyMs = nonNegativeInt("LML_SIM_LATENCY_MS", 0)
  const apiKey = process.env["LML_SIM_API_KEY"] || undefined
  const simulator = makeSimulator({
    store: syntheticStore(),
    tracks: syntheticTrackStore(),
    tracksContractVersion: tracksContractVersion("LML_SIM_TRACKS_CONTRACT_VERSION"),
    apiKey,
    latencyMs
  })
  const server = await startSimulatorServer(simulator, { port })
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`)
}

run().catch((error: unknown) => {
  process.stderr.write(`lml simulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
