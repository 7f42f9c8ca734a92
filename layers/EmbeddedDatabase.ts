/**
 * PostgreSQL embedded in the process: PGlite (Postgres compiled to WebAssembly) served on a
 * loopback port, so that the production `PgClient` layer, and child processes given its URL,
 * reach it over the ordinary wire protocol. For the zero-config demo, and for tests on a
 * machine without a PostgreSQL server.
 *
 * Where it is not a server (pglite 0.5.14, pglite-socket 0.2.17, measured):
 * - Every connection shares PGlite's one session. Session advisory locks always succeed (the
 *   run lock excludes nothing; `src/demo/DataDirLock.ts` guards the data directory instead),
 *   `pg_stat_activity` shows one backend, and cancel and `pg_terminate_backend` do nothing.
 * - The socket server interleaves the protocol messages of concurrent connections, so one
 *   connection can run another's statement; `src/demo/SerializingProxy.ts`, in front of it,
 *   gives connections turns. Clients therefore wait for each other, one exchange (or one
 *   transaction) at a time.
 * - A connection beyond `maxConnections` is refused outright, not queued.
 */
import { mkdirSync } from "node:fs"
import { dirname, resolve } from "node:path"
import type { PGlite } from "@electric-sql/pglite"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { holdDataDirLock } from "../src/demo/DataDirLock.js"
import { startSerializingProxy } from "../src/demo/SerializingProxy.js"
import { CatalogError } from "../src/domain/Errors.js"
import * as Database from "./Database.js"

/** Where the demo keeps its database, relative to the working directory. */
export const DEFAULT_DATA_DIR = ".data/pglite"

/**
 * The run lock reserves one connection for the whole run and the run's queries need another:
 * with a pool of one, the first query after the lock waits for ever.
 */
export const DEFAULT_POOL_SIZE = 2

export interface EmbeddedServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `DATABASE_URL`. */
  readonly url: Redacted.Redacted
  /** The absolute data directory; none when the database lives in memory. */
  readonly dataDir: Option.Option<string>
}

/** The running embedded server. */
export class EmbeddedDatabase extends Context.Tag("EmbeddedDatabase")<EmbeddedDatabase, EmbeddedServer>() {}

export interface ServeOptions {
  /** Connections the server accepts, from everyone: this process's pool and any child process. */
  readonly maxConnections?: number
}

const startPglite = (dataDir: string | undefined) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      // Loaded here, not at the top: every run of the CLI would otherwise pay for loading PGlite.
      try: async () => {
        const { PGlite } = await import("@electric-sql/pglite")
        return PGlite.create(dataDir === undefined ? {} : { dataDir })
      },
      catch: (cause) => CatalogError.fromCause("starting the embedded database", cause)
    }),
    (db) =>
      Effect.tryPromise(() => db.close()).pipe(
        Effect.catchAll((error) => Effect.logWarning("closing the embedded database failed", error))
      )
  )

/** PGlite on a socket, behind the proxy that gives its clients turns; returns the proxy's port. */
const startSocketServer = (db: PGlite, maxConnections: number) =>
  Effect.gen(function* () {
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket")
          const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections })
          await server.start()
          return server
        },
        catch: (cause) => CatalogError.fromCause("serving the embedded database on 127.0.0.1", cause)
      }),
      (server) => Effect.promise(() => server.stop())
    )
    const proxy = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startSerializingProxy(Number(server.getServerConn().split(":").at(-1))),
        catch: (cause) => CatalogError.fromCause("serving the embedded database on 127.0.0.1", cause)
      }),
      (proxy) => Effect.promise(() => proxy.close())
    )
    return proxy.port
  })

/**
 * Starts PGlite on `dataDir` (created if missing; in memory when `undefined`) and serves it on
 * a free loopback port until the scope closes; then the proxy and the server stop before the
 * database closes.
 */
export const serve = (dataDir: string | undefined, options: ServeOptions = {}) =>
  Effect.gen(function* () {
    const directory = dataDir === undefined ? undefined : resolve(dataDir)
    if (directory !== undefined) {
      yield* Effect.try({
        try: () => mkdirSync(dirname(directory), { recursive: true }),
        catch: (cause) => CatalogError.fromCause(`creating ${dirname(directory)}`, cause)
      })
      yield* holdDataDirLock(directory)
    }
    // Most of a cold start is initdb (seconds); reopening an existing directory takes a fraction.
    const [elapsed, db] = yield* Effect.timed(startPglite(directory))
    const port = yield* startSocketServer(db, options.maxConnections ?? DEFAULT_POOL_SIZE)
    yield* Effect.logDebug("embedded database started").pipe(
      Effect.annotateLogs({ data_dir: directory ?? "memory", start_ms: Duration.toMillis(elapsed) })
    )
    return {
      url: Redacted.make(`postgres://postgres@127.0.0.1:${port}/postgres`),
      dataDir: Option.fromNullable(directory)
    } satisfies EmbeddedServer
  })

/** The URL of the running server, for the `DATABASE_URL` of a child process. */
export const connectionUrl: Effect.Effect<Redacted.Redacted, never, EmbeddedDatabase> = Effect.map(
  EmbeddedDatabase,
  (server) => server.url
)

export interface LayerOptions extends ServeOptions {
  /** Connections of this process's pool; at least two (see `DEFAULT_POOL_SIZE`). */
  readonly poolSize?: number
}

/**
 * `SqlClient`/`PgClient` on an embedded database, plus `EmbeddedDatabase` for its URL. On
 * release the pool closes first, then the proxy and the socket server, then PGlite.
 */
export const layer = (dataDir: string | undefined, options: LayerOptions = {}) => {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE
  const server = Layer.scoped(
    EmbeddedDatabase,
    serve(dataDir, { maxConnections: Math.max(poolSize, options.maxConnections ?? poolSize) })
  )
  const client = Layer.unwrapEffect(
    Effect.map(Effect.all([connectionUrl, Database.sessionLimits]), ([url, limits]) =>
      Database.clientLayer(
        { _tag: "Url", url },
        { application: "library-identity-consumer", poolSize, limits }
      ).pipe(Layer.mapError((error) => CatalogError.fromCause("connecting to the embedded database", error)))
    )
  )
  return client.pipe(Layer.provideMerge(server))
}
