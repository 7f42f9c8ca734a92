/**
 * The zero-config demo's edges: the embedded PostgreSQL (data under `./.data/`, so a second
 * run shows the idempotent rerun) and the simulated LML on a loopback port, reached by the
 * production HTTP client. Everything between them is the production consumer. The simulated
 * LML holds the demo's per-track credits and speaks tracks contract version 1, so the demo's
 * V/A releases get their tracks linked.
 */
import { existsSync } from "node:fs"
import { NodeHttpClient } from "@effect/platform-node"
import { Config, Duration, Effect, Layer, Option } from "effect"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { ConsumerConfig } from "../src/ConsumerConfig.js"
import { ConsumerLayer } from "../src/ConsumerLayer.js"
import { demoTrackStore } from "../src/demo/demoTrackStore.js"
import { CatalogError } from "../src/domain/Errors.js"
import { bulkResolveUrl } from "../src/domain/LmlWire.js"
import * as Incidents from "../src/Incidents.js"
import { demoEntities, makeEntityStore } from "../src/simulator/EntityStore.js"
import { makeSimulator } from "../src/simulator/LmlSimulator.js"
import { startSimulatorServer } from "../src/simulator/server.js"
import * as EmbeddedDatabase from "./EmbeddedDatabase.js"
import * as LmlHttp from "./LmlHttp.js"
import { ProgressLive } from "./Main.js"

const dataDir = Config.string("EMBEDDED_DATA_DIR").pipe(Config.withDefault(EmbeddedDatabase.DEFAULT_DATA_DIR))

/** The demo's embedded database and the schema name; `seeded` insists that a demo run made it. */
const demoDatabase = (options: { readonly seeded: boolean }) =>
  Layer.merge(
    Layer.unwrapEffect(
      Effect.flatMap(dataDir, (dir) =>
        options.seeded && !existsSync(dir)
          ? Effect.fail(
              new CatalogError({
                detail: `no demo database in ${dir} yet, and no DATABASE_URL: \`npm start\` creates the demo`
              })
            )
          : Effect.succeed(EmbeddedDatabase.layer(dir))
      )
    ),
    CatalogSchema.layer
  )

/** What `status` reads when no database is configured: the catalog an earlier demo run left. */
export const DemoDatabaseLive = demoDatabase({ seeded: true })

const SimulatedLml = Layer.unwrapScoped(
  Effect.gen(function* () {
    const simulator = makeSimulator({
      store: makeEntityStore(demoEntities),
      tracks: demoTrackStore(),
      tracksContractVersion: 1
    })
    const server = yield* Effect.acquireRelease(
      Effect.promise(() => startSimulatorServer(simulator)),
      (running) => Effect.promise(() => running.close())
    )
    return LmlHttp.layerWithoutTransport({
      endpoint: bulkResolveUrl(server.url),
      apiKey: Option.none(),
      timeout: Duration.seconds(30)
    }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  })
)

/** The consumer on the demo's edges, plus the database, for migrating, seeding and summing up. */
export const DemoLive = ConsumerLayer.pipe(
  Layer.provide(Layer.mergeAll(SimulatedLml, ConsumerConfig.layer, ProgressLive, Incidents.none)),
  Layer.provideMerge(demoDatabase({ seeded: false }))
)
