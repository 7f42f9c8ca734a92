/**
 * The Kubernetes Indexed Job's promise: P processes started at once, one per
 * `JOB_COMPLETION_INDEX`, write exactly what one process writes, and no library is asked about
 * or written twice.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import { dumpAll, seedArtists } from "../support/catalog.js"
import { envFor, runCli, stdoutReport, startCli } from "../support/cli.js"
import { demoSimulator } from "../support/consumer.js"
import { serveSimulator } from "../support/simulatorServer.js"

const ARTISTS = ["Stereolab", "Juana Molina", "Various Artists", "Nobody Artist", "Sun Ra", "Björk"]
const ROWS = 400
const PARTITIONS = 3

const inFreshSchema = <A, E, R>(prefix: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* seedArtists(ARTISTS, ROWS)
    return yield* effect
  }).pipe(Effect.scoped, Effect.provide(TestDatabase.layer(prefix)))

describe("partitioned runs", () => {
  it.live(`${PARTITIONS} partitions at once write what one process writes`, () =>
    Effect.gen(function* () {
      const single = yield* inFreshSchema(
        "one",
        Effect.gen(function* () {
          const server = yield* serveSimulator(demoSimulator())
          const result = yield* runCli(["run"], { ...(yield* envFor(server.url)), BATCH_SIZE: "25" })
          expect(result.code).toBe(0)
          return yield* dumpAll
        })
      )
      yield* inFreshSchema(
        "parts",
        Effect.gen(function* () {
          const simulator = demoSimulator({ latencyMs: 10 })
          const server = yield* serveSimulator(simulator)
          const env = {
            ...(yield* envFor(server.url)),
            BATCH_SIZE: "25",
            PARTITION_COUNT: String(PARTITIONS)
          }
          const workers = yield* Effect.forEach(
            Array.from({ length: PARTITIONS }, (_, index) => index),
            (index) => startCli(["run"], { ...env, JOB_COMPLETION_INDEX: String(index) })
          )
          const results = yield* Effect.forEach(workers, (worker) => worker.result, {
            concurrency: "unbounded"
          })
          expect(results.map((result) => result.code)).toEqual([0, 0, 0])
          const scanned = results.map((result) => stdoutReport(result)["scanned"] as number)
          expect(scanned.reduce((a, b) => a + b, 0)).toBe(ROWS)
          for (const count of scanned) expect(count).toBeGreaterThan(0)

          const seen = simulator.libraryIdsSeen()
          expect(seen).toHaveLength(ROWS)
          expect(new Set(seen).size).toBe(ROWS)
          expect(yield* dumpAll).toEqual(single)
        })
      )
    })
  )
})
