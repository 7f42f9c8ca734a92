/** Runs the real consumer against the test schema in context, with LML in memory. */
import { Effect, Layer } from "effect"
import * as LmlInMemory from "../../layers/LmlInMemory.js"
import { Consumer } from "../../src/Consumer.js"
import { ConsumerConfig, type ConsumerSettings } from "../../src/ConsumerConfig.js"
import { ConsumerLayer } from "../../src/ConsumerLayer.js"
import * as Incidents from "../../src/Incidents.js"
import { Progress } from "../../src/Progress.js"
import * as Totals from "../../src/domain/Totals.js"
import { demoEntities, makeEntityStore } from "../../src/simulator/EntityStore.js"
import { makeSimulator, type SimulatorOptions } from "../../src/simulator/LmlSimulator.js"

export const demoSimulator = (options: Omit<SimulatorOptions, "store"> = {}) =>
  makeSimulator({ store: makeEntityStore(demoEntities), ...options })

/** Every library id the simulator was asked about, in id order (repeats, i.e. retries, kept). */
export const askedIds = (simulator: ReturnType<typeof makeSimulator>) =>
  [...simulator.libraryIdsSeen()].sort((a, b) => a - b)

export interface TestEdges extends LmlInMemory.InMemoryOptions {
  /** Where incidents go; none by default. */
  readonly incidents?: Layer.Layer<Incidents.Incidents>
}

/** The consumer over the database in context, LML in memory, and `settings`. */
export const consumerLayer = (
  simulator: ReturnType<typeof makeSimulator>,
  settings: Partial<ConsumerSettings> = {},
  edges: TestEdges = {}
) =>
  ConsumerLayer.pipe(
    Layer.provide(
      Layer.mergeAll(
        LmlInMemory.layer(simulator, edges),
        ConsumerConfig.make(settings),
        Progress.logLines,
        edges.incidents ?? Incidents.none
      )
    )
  )

/** One run; fails the test if the Totals invariant does not hold, for the run or a cohort. */
export const runConsumer = (
  simulator: ReturnType<typeof makeSimulator>,
  settings: Partial<ConsumerSettings> = {},
  edges: TestEdges = {}
) =>
  Effect.gen(function* () {
    const consumer = yield* Consumer
    const totals = yield* consumer.run
    if (!Totals.isRunBalanced(totals)) {
      return yield* Effect.die(new Error(`Totals invariant broken: ${JSON.stringify(totals)}`))
    }
    return totals
  }).pipe(Effect.provide(consumerLayer(simulator, settings, edges)))
