/**
 * The library surface, for Effect apps that mount the consumer: the service, its layers, its
 * settings and its report. The CLI (`bin.ts`) is one such app.
 */
export { CatalogSchema } from "./CatalogSchema.js"
export { type CatalogStatus, formatCatalogStatus, readCatalogStatus } from "./CatalogStatus.js"
export { Consumer } from "./Consumer.js"
export { ConsumerConfig, type ConsumerSettings, type Recheck } from "./ConsumerConfig.js"
export { ConsumerLayer } from "./ConsumerLayer.js"
export { CatalogError, LmlAuthError, LmlFetchError } from "./domain/Errors.js"
export * as Totals from "./domain/Totals.js"
export { LmlClient } from "./LmlClient.js"
export { migrate } from "./Migrations.js"
export { RunLockBusy } from "./RunLock.js"
export * as ScheduledRuns from "./ScheduledRuns.js"
export * as Incidents from "./Incidents.js"
export * as Database from "../layers/Database.js"
export * as LmlHttp from "../layers/LmlHttp.js"
export { CatalogDatabaseLive, ConsumerLive } from "../layers/Main.js"
