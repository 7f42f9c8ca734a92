/**
 * The consumer with its SQL collaborators. What remains open are the edges — the database
 * (`SqlClient`, `CatalogSchema`), LML (`LmlClient`), the settings (`ConsumerConfig`), and how
 * progress and incidents are shown (`Progress`, `Incidents`) — so production, tests and the
 * demo differ only in the layers they provide for those.
 */
import { Layer } from "effect"
import { CatalogRepository } from "./CatalogRepository.js"
import { Consumer } from "./Consumer.js"
import { VerdictWriter } from "./VerdictWriter.js"
import { RunLock } from "./RunLock.js"

export const ConsumerLayer = Consumer.Default.pipe(
  Layer.provide(Layer.mergeAll(CatalogRepository.Default, VerdictWriter.Default, RunLock.Default))
)
