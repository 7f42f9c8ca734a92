/**
 * Vitest global setup: decides once which PostgreSQL the run uses (see `layers/TestDatabase.ts`)
 * and, when it is the embedded one, keeps it running in this process until the run ends.
 * Test workers and the CLI processes they start inherit `TEST_DATABASE_URL` from here.
 */
import { Effect, Exit, Scope } from "effect"
import { startTestDatabase } from "../../layers/TestDatabase.js"

export default async function setup() {
  const scope = Effect.runSync(Scope.make())
  const { choice, url } = await Effect.runPromise(Scope.extend(startTestDatabase, scope))
  process.env["TEST_DATABASE_URL"] = url
  if (choice._tag === "Embedded") {
    process.env["TEST_DATABASE"] = "embedded"
    console.log(`tests use an embedded PostgreSQL (PGlite) at ${url} (${choice.why})`)
  }
  return () => Effect.runPromise(Scope.close(scope, Exit.void))
}
