/**
 * Earlier versions created the `library_identity` audit index as
 * `library_identity_confidence_unresolved_idx`, which on production was a second copy of
 * `library_identity_audit_idx`: twice the write cost for no plan it made possible. Where it is
 * the only copy it takes production's name; where production's is there too it goes.
 */
import { Effect } from "effect"
import { relationExists, type Migration } from "./Migration.js"

const EARLIER_NAME = "library_identity_confidence_unresolved_idx"

const migration: Migration = (target) =>
  Effect.gen(function* () {
    const { sql, schema } = target
    if (!(yield* relationExists(target, EARLIER_NAME))) return false
    const earlier = sql(`${schema}.${EARLIER_NAME}`)
    yield* (yield* relationExists(target, "library_identity_audit_idx"))
      ? sql`DROP INDEX ${earlier}`
      : sql`ALTER INDEX ${earlier} RENAME TO library_identity_audit_idx`
    return true
  })

export default migration
