/**
 * What `npm start` does on a machine with no catalog and no LML: migrate and seed the embedded
 * database on the first run, resolve the demo catalog with the production consumer, sum up, and
 * end with the report `library-identity-consumer status` gives, read with the run's own
 * selection settings. Every line it prints says it is a demo; its logs carry `demo: true`.
 */
import { Console, Effect } from "effect"
import { formatCatalogStatus, readCatalogStatus } from "../CatalogStatus.js"
import { Consumer } from "../Consumer.js"
import { migrate } from "../Migrations.js"
import { seedDemoCatalog } from "./DemoCatalog.js"
import { demoSummary } from "./DemoSummary.js"

const say = (line: string) => Console.log(`[demo] ${line}`)

export const demoRun = Effect.gen(function* () {
  yield* say(
    "no DATABASE_URL and no LIBRARY_METADATA_URL: this is the demo, on an embedded PostgreSQL under .data/ " +
      "and a simulated LML. Set both to run against a real catalog."
  )
  yield* migrate
  const seeded = yield* seedDemoCatalog
  yield* say(
    seeded > 0
      ? `seeded a demo catalog of ${seeded} releases`
      : "the demo catalog is already there: this rerun shows what a second run does"
  )
  const consumer = yield* Consumer
  const totals = yield* consumer.run
  yield* say(`Totals ${JSON.stringify(totals)}`)
  for (const line of yield* demoSummary) yield* say(line)
  yield* say("status, as `library-identity-consumer status` reports it:")
  for (const line of formatCatalogStatus(yield* readCatalogStatus(consumer.settings))) yield* say(`  ${line}`)
  return totals
}).pipe(Effect.annotateLogs("demo", true))
