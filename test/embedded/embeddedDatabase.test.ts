/**
 * The embedded database (in memory, one per file: a cold start costs seconds) under the
 * production `PgClient`: it serves Postgres on loopback, takes the migrations, holds the demo
 * catalog, and carries a whole consumer run whose results the demo summary reads back.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { expect, layer } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import * as EmbeddedDatabase from "../../layers/EmbeddedDatabase.js"
import { CatalogSchema, catalogTables } from "../../src/CatalogSchema.js"
import { DEMO_CATALOG_SIZE, demoCatalog, hasCredits, seedDemoCatalog } from "../../src/demo/DemoCatalog.js"
import { formatDemoSummary, readDemoFacts } from "../../src/demo/DemoSummary.js"
import { demoTrackStore } from "../../src/demo/demoTrackStore.js"
import * as TotalsOps from "../../src/domain/Totals.js"
import { migrate } from "../../src/Migrations.js"
import { RunLock } from "../../src/RunLock.js"
import { composeResult } from "../../src/simulator/compose.js"
import { demoEntities, foldName, makeEntityStore } from "../../src/simulator/EntityStore.js"
import { LINK_METHOD } from "../../src/VerdictWriter/TrackLinks.js"
import { dumpAll, dumpTrackRows, markedIds } from "../support/catalog.js"
import { demoSimulator, runConsumer } from "../support/consumer.js"

/** Runs `effect` in a new, migrated schema. */
const inSchema =
  (name: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.zipRight(migrate, effect).pipe(Effect.provide(CatalogSchema.make(name)))

const tablesOf = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { name } = yield* CatalogSchema
  return { sql, t: catalogTables(sql, name) }
})

const libraryRows = Effect.flatMap(
  tablesOf,
  ({ sql, t }) =>
    sql`SELECT id, artist_name, album_title, canonical_entity_id, legacy_release_id, code_volume_letters
      FROM ${t.library} ORDER BY id`
)

/** What the simulated LML will answer for each row the job selects; V/A rows ask for their tracks. */
const expectedVerdicts = () => {
  const store = makeEntityStore(demoEntities)
  const tracks = demoTrackStore()
  const counts = { scanned: 0, single_artist: 0, unresolved: 0, compilation: 0, compilation_with_tracks: 0 }
  for (const row of demoCatalog()) {
    if (row.artist_name === null || row.canonical_entity_id === null) continue
    counts.scanned++
    const va = (row.code_volume_letters ?? "").startsWith("Z") || hasCredits(row.id)
    const input = {
      library_id: row.id,
      artist_name: row.artist_name,
      legacy_release_id: row.legacy_release_id
    }
    const result = composeResult(store, input, va ? tracks : undefined)
    counts[
      result.kind === "compilation" && result.tracks_attempted === true
        ? "compilation_with_tracks"
        : result.kind
    ]++
  }
  return counts
}

/** The catalog's `fold_artist_name`: NFD, combining marks stripped, lower case. */
const catalogFold = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()

/** The track rows this job linked, with the linked artist's name. */
const backfilledLinks = Effect.flatMap(
  tablesOf,
  ({ sql, t }) => sql<{ readonly artist_name: string; readonly linked_to: string }>`
    SELECT c.artist_name, a.artist_name AS linked_to
    FROM ${t.trackArtists} c JOIN ${t.artists} a ON a.id = c.track_artist_id
    WHERE c.track_artist_link_method = ${LINK_METHOD}`
)

/** What a rerun must leave alone besides the identity tables: track rows and no-match markers. */
const trackRowsAndMarkers = Effect.all({ tracks: dumpTrackRows, marked: markedIds })

/** A client of its own on `url`, as another process would have. */
const otherClient = (url: Redacted.Redacted) => PgClient.layer({ url, maxConnections: 1 })

// Room for clients besides the layer's own pool, as CLI child processes would need.
layer(EmbeddedDatabase.layer(undefined, { maxConnections: 10 }), { timeout: "60 seconds" })(
  "embedded database",
  (it) => {
    it.effect("serves PostgreSQL on a loopback URL that another client can use", () =>
      Effect.gen(function* () {
        const url = Redacted.value(yield* EmbeddedDatabase.connectionUrl)
        expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ version: string }>`SELECT version() AS version`
        expect(row?.version).toMatch(/^PostgreSQL \d+/)
        yield* sql`CREATE TABLE seen_by_others (note text)`
        yield* sql`INSERT INTO seen_by_others VALUES ('hello')`
        const other = yield* Effect.flatMap(
          SqlClient.SqlClient,
          (client) => client<{ note: string }>`SELECT note FROM seen_by_others`
        ).pipe(Effect.provide(otherClient(Redacted.make(url))))
        expect(other).toEqual([{ note: "hello" }])
      })
    )

    it.effect("gives concurrent clients their own results, even while one of them runs transactions", () =>
      Effect.gen(function* () {
        const url = yield* EmbeddedDatabase.connectionUrl
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE turns AS SELECT g AS id, g % 3 AS part FROM generate_series(1, 3000) g`
        // Readers whose statements differ only in their parameters: interleaved at the server,
        // one would execute another's portal and get its rows without any error.
        const reader = (part: number) =>
          Effect.flatMap(SqlClient.SqlClient, (client) =>
            Effect.forEach(
              Array.from({ length: 100 }, (_, i) => i),
              (after) =>
                client<{ part: number }>`
                  SELECT part FROM turns WHERE part = ${part} AND id > ${after} ORDER BY id LIMIT 5`
            )
          ).pipe(
            Effect.map((pages) => pages.flat().filter((row) => row.part !== part).length),
            Effect.provide(otherClient(url))
          )
        const writer = Effect.flatMap(SqlClient.SqlClient, (client) =>
          Effect.forEach(
            Array.from({ length: 50 }, (_, i) => i + 1),
            (id) => client.withTransaction(client`UPDATE turns SET part = part WHERE id = ${id}`),
            { discard: true }
          )
        ).pipe(Effect.provide(otherClient(url)))
        const [strangers] = yield* Effect.all(
          [Effect.all([reader(0), reader(1), reader(2)], { concurrency: "unbounded" }), writer],
          { concurrency: "unbounded" }
        )
        expect(strangers).toEqual([0, 0, 0])
      })
    )

    it.effect("takes the migrations, and takes them again without change", () =>
      inSchema("emb_migrate")(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const columns = sql<{ table_name: string; columns: number }>`
            SELECT table_name, count(*)::int AS columns FROM information_schema.columns
            WHERE table_schema = 'emb_migrate' GROUP BY table_name ORDER BY table_name`
          const first = yield* columns
          expect(first.map((row) => row.table_name)).toEqual([
            "artists",
            "compilation_track_artist",
            "library",
            "library_identity",
            "library_identity_source"
          ])
          yield* migrate
          expect(yield* columns).toEqual(first)
        })
      )
    )

    it.effect("holds the run lock and still answers queries (one shared session: it excludes nothing)", () =>
      inSchema("emb_lock")(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const lock = yield* RunLock
          yield* Effect.scoped(
            Effect.gen(function* () {
              yield* lock.hold(Option.none())
              // With a pool of one this query would wait for the reserved connection for ever.
              const [row] = yield* sql<{ one: number }>`SELECT 1 AS one`.pipe(
                Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("deadlocked") })
              )
              expect(row?.one).toBe(1)
              // A second holder is let in: every connection is the same Postgres session.
              yield* Effect.scoped(lock.hold(Option.none()))
            })
          )
        }).pipe(Effect.provide(RunLock.Default))
      )
    )

    it.effect("seeds the demo catalog once, the same rows every time", () =>
      inSchema("emb_seed")(
        Effect.gen(function* () {
          expect(yield* seedDemoCatalog).toBe(DEMO_CATALOG_SIZE)
          const seeded = yield* libraryRows
          expect(seeded).toEqual(demoCatalog())
          expect(yield* seedDemoCatalog).toBe(0)
          expect(yield* libraryRows).toEqual(seeded)
          // The sequence goes on after the seeded ids.
          const { sql, t } = yield* tablesOf
          const [added] = yield* sql<{ id: number }>`
            INSERT INTO ${t.library} (artist_name, album_title) VALUES ('Stereolab', 'Peng!') RETURNING id`
          expect(added?.id).toBe(DEMO_CATALOG_SIZE + 1)
        })
      )
    )

    it.effect("leaves a catalog that already has rows alone", () =>
      inSchema("emb_existing")(
        Effect.gen(function* () {
          const { sql, t } = yield* tablesOf
          yield* sql`INSERT INTO ${t.library} (artist_name, album_title) VALUES ('Low', 'Secret Name')`
          expect(yield* seedDemoCatalog).toBe(0)
          expect(yield* libraryRows).toHaveLength(1)
        })
      )
    )

    it.effect("resolves the demo catalog, summarises the tables, and a rerun changes nothing", () =>
      inSchema("emb_run")(
        Effect.gen(function* () {
          yield* seedDemoCatalog
          const expected = expectedVerdicts()
          const demoLml = () => demoSimulator({ tracks: demoTrackStore(), tracksContractVersion: 1 })
          const startedAt = performance.now()
          const totals = yield* runConsumer(demoLml())
          const elapsedMs = performance.now() - startedAt
          expect(totals).toMatchObject({
            scanned: expected.scanned,
            rows_resolved: expected.single_artist,
            rows_resolved_compilation: expected.compilation_with_tracks,
            rows_unresolved: expected.unresolved,
            rows_skipped: { compilation: expected.compilation }
          })
          expect(TotalsOps.errorCount(totals)).toBe(0)
          expect(totals.rows_resolved_compilation).toBeGreaterThan(200)
          // Every way a credit can fare shows in the demo, linking most of all.
          expect(totals.compilation_track_rows_written).toBeGreaterThan(1000)
          expect(totals.compilation_track_position_rows_written).toBeGreaterThan(0)
          expect(totals.compilation_track_rows_skipped_librarian).toBeGreaterThan(0)
          expect(totals.compilation_track_rows_skipped_no_catalog_artist).toBeGreaterThan(0)
          expect(totals.compilation_track_rows_skipped_no_cta_match).toBeGreaterThan(0)
          expect(totals.compilation_track_position_rows_skipped_ambiguous).toBeGreaterThan(0)
          expect(totals.compilation_track_rows_skipped_unchanged).toBe(0)
          expect(totals.cohorts.va.rows_resolved).toBe(0)
          expect(totals.cohorts.non_va.compilation_track_rows_written).toBe(0)

          // Each link is to the catalog artist whose folded name is the credit's LML entity's.
          const store = makeEntityStore(demoEntities)
          const links = yield* backfilledLinks
          expect(links).toHaveLength(totals.compilation_track_rows_written)
          for (const link of links) {
            const entity = store.find(link.artist_name)
            expect(entity, link.artist_name).toBeDefined()
            expect(catalogFold(link.linked_to)).toBe(catalogFold(entity!.name))
            expect(foldName(link.linked_to)).toBe(foldName(link.artist_name))
          }

          const facts = yield* readDemoFacts
          expect(facts.releases).toBe(DEMO_CATALOG_SIZE)
          expect(facts.identified).toBe(totals.rows_resolved)
          const sum = (counts: ReadonlyArray<{ libraries: number }>) =>
            counts.reduce((total, c) => total + c.libraries, 0)
          expect(sum(facts.methods)).toBe(facts.identified)
          expect(sum(facts.sourcesPerLibrary)).toBe(facts.identified)
          expect(facts.methods[0]?.method).toBe("cross_source_agreement")
          expect(facts.examples.map((row) => row.method)).toEqual(
            facts.methods.slice(0, 5).map((m) => m.method)
          )
          for (const example of facts.examples) {
            expect(example.artist_name).not.toBeNull()
            expect(example.confidence).toBeGreaterThanOrEqual(0.7)
          }
          const lines = formatDemoSummary(facts)
          expect(lines[0]).toMatch(/^[\d,]+ of 3,000 releases have an identity \(\d+\.\d%\)$/)
          console.log(
            [
              `consumer run over ${totals.scanned} rows in ${Math.round(elapsedMs)} ms ` +
                `(${Math.round((totals.scanned / elapsedMs) * 1000)} rows/s, embedded)`,
              ...lines
            ].join("\n")
          )

          // Every row LML answered carries an identity or a no-match marker, so nothing is due.
          const before = { ...(yield* dumpAll), ...(yield* trackRowsAndMarkers) }
          expect(before.marked).toHaveLength(
            expected.unresolved + expected.compilation + expected.compilation_with_tracks
          )
          const lml = demoLml()
          const rerun = yield* runConsumer(lml)
          expect(rerun).toMatchObject({ scanned: 0, lml_total_calls: 0, compilation_track_rows_written: 0 })
          expect(lml.requestCount).toBe(0)
          expect({ ...(yield* dumpAll), ...(yield* trackRowsAndMarkers) }).toEqual(before)
        })
      )
    )
  }
)
