/** The simulator on a real loopback port for the duration of a scope. */
import { Effect } from "effect"
import { startSimulatorServer } from "../../src/simulator/server.js"
import type { LmlSimulator } from "../../src/simulator/LmlSimulator.js"

export const serveSimulator = (simulator: LmlSimulator) =>
  Effect.acquireRelease(
    Effect.promise(() => startSimulatorServer(simulator)),
    (server) => Effect.promise(() => server.close())
  )
