/**
 * The production layers, each configured from the environment: composed once, here.
 */
import { Effect, Layer } from "effect"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { ConsumerConfig } from "../src/ConsumerConfig.js"
import { ConsumerLayer } from "../src/ConsumerLayer.js"
import * as Logging from "../src/Logging.js"
import { Progress } from "../src/Progress.js"
import * as Database from "./Database.js"
import * as LmlHttp from "./LmlHttp.js"
import * as ProgressBar from "./ProgressBar.js"
import * as Tracing from "./Tracing.js"

/** A redrawn bar on a terminal, structured lines everywhere else. */
export const ProgressLive = Layer.unwrapEffect(
  Effect.map(Logging.format, (format) =>
    format === "pretty" && process.stderr.isTTY ? ProgressBar.layer : Progress.logLines
  )
)

/** The consumer on the production edges; where incidents go is left to the caller. */
export const ConsumerOnLiveEdges = ConsumerLayer.pipe(
  Layer.provide(
    Layer.mergeAll(Database.layer, CatalogSchema.layer, LmlHttp.layer, ConsumerConfig.layer, ProgressLive)
  )
)

/**
 * The consumer and its telemetry, ready to run: what another Effect app mounts. Telemetry is
 * built once and shared by the consumer and whoever runs it.
 */
export const ConsumerLive = ConsumerOnLiveEdges.pipe(Layer.provideMerge(Tracing.layer))

/** What `migrate` and `status` need: the database and the schema name, nothing about LML. */
export const CatalogDatabaseLive = Layer.merge(Database.layer, CatalogSchema.layer)
