/**
 * The production layers, each configured from the environment: composed once, here.
 */
import { Effect, Layer } from "effect"
import * as Logging from "../src/Logging.js"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { ConsumerConfig } from "../src/ConsumerConfig.js"
import { ConsumerLayer } from "../src/ConsumerLayer.js"
import { Progress } from "../src/Progress.js"
import * as Database from "./Database.js"
import * as LmlHttp from "./LmlHttp.js"
import * as ProgressBar from "./ProgressBar.js"

/** A redrawn bar on a terminal, structured lines everywhere else. */
export const ProgressLive = Layer.unwrapEffect(
  Effect.map(Logging.format, (format) =>
    format === "pretty" && process.stderr.isTTY ? ProgressBar.layer : Progress.logLines
  )
)

export const ConsumerLive = ConsumerLayer.pipe(
  Layer.provide(
    Layer.mergeAll(Database.layer, CatalogSchema.layer, LmlHttp.layer, ConsumerConfig.layer, ProgressLive)
  )
)

/** What `migrate` needs: the database and the schema name, nothing about LML. */
export const MigrateLive = Layer.merge(Database.layer, CatalogSchema.layer)
