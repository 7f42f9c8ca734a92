/**
 * The production layers, each configured from the environment: composed once, here.
 */
import { Layer } from "effect"
import { CatalogSchema } from "../src/CatalogSchema.js"
import { ConsumerConfig } from "../src/ConsumerConfig.js"
import { ConsumerLayer } from "../src/ConsumerLayer.js"
import * as Database from "./Database.js"
import * as LmlHttp from "./LmlHttp.js"

export const ConsumerLive = ConsumerLayer.pipe(
  Layer.provide(Layer.mergeAll(Database.layer, CatalogSchema.layer, LmlHttp.layer, ConsumerConfig.layer))
)

/** What `migrate` needs: the database and the schema name, nothing about LML. */
export const MigrateLive = Layer.merge(Database.layer, CatalogSchema.layer)
