/**
 * Sentry receives a run as it would in production: a transaction for the run with the LML and
 * write spans inside it, an event per lost batch, cron check-ins — and never the API key.
 * Sentry keeps global state, so this file has a process of its own (Vitest isolates files).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Redacted } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import * as Tracing from "../../layers/Tracing.js"
import { ExitStatus, reportFatal, runOnce } from "../../src/Cli.js"
import { CatalogError } from "../../src/domain/Errors.js"
import { seedLibrary } from "../support/catalog.js"
import { consumerLayer, demoSimulator } from "../support/consumer.js"

const API_KEY = "sk-never-in-sentry"
const DSN = Redacted.make("https://publickey@o0.ingest.sentry.io/1")

/** Every envelope item Sentry would have sent, as `[type, payload]`. */
const captureSentry = () => {
  const items: Array<readonly [string, Record<string, unknown>]> = []
  const transport = () => ({
    send: (envelope: unknown) => {
      const [, envelopeItems] = envelope as [unknown, Array<[{ type: string }, Record<string, unknown>]>]
      for (const [header, payload] of envelopeItems) items.push([header.type, payload])
      return Promise.resolve({})
    },
    flush: () => Promise.resolve(true)
  })
  return { items, transport }
}

const sentrySettings = (monitorSlug: Option.Option<string>): Tracing.TracingSettings => ({
  sentryDsn: Option.some(DSN),
  tracesSampleRate: 1,
  environment: Option.none(),
  monitorSlug,
  otlpEndpoint: Option.none()
})

describe("Sentry", () => {
  it.live("a transaction per run, an event per lost batch, check-ins, no API key", () =>
    Effect.gen(function* () {
      const sentry = captureSentry()
      const settings = sentrySettings(Option.some("identity-nightly"))
      yield* seedLibrary([
        { id: 1, artist_name: "Stereolab" },
        { id: 2, artist_name: "Juana Molina" },
        { id: 3, artist_name: "Mdou Moctar" }
      ])
      const simulator = demoSimulator({ apiKey: API_KEY, faults: { byRequest: { 1: { status: 503 } } } })
      // One Sentry client for the run and the consumer: a layer used twice in one graph is built once.
      const telemetry = Tracing.sentry(settings, DSN, { transport: sentry.transport })
      const consumer = consumerLayer(
        simulator,
        { batchSize: 2, lmlMaxRetries: 0 },
        { apiKey: API_KEY, incidents: telemetry }
      )
      const exit = yield* runOnce.pipe(Effect.provide(Layer.provideMerge(consumer, telemetry)), Effect.exit)
      expect(exit._tag).toBe("Failure")

      const transactions = sentry.items
        .filter(([type]) => type === "transaction")
        .map(([, payload]) => payload)
      const run = transactions.find((t) => t["transaction"] === "library-identity-consumer.run")
      expect(run).toBeDefined()
      expect((run?.["contexts"] as { trace: { op: string } }).trace.op).toBe("job.run")
      const spans = run?.["spans"] as Array<{ op?: string; description?: string }>
      expect(
        spans.filter((span) => span.description === "lml.bulk_resolve_libraries").map((span) => span.op)
      ).toEqual(["http.client", "http.client"])
      expect(spans.some((span) => span.description === "VerdictWriter.write")).toBe(true)

      const events = sentry.items.filter(([type]) => type === "event").map(([, payload]) => payload)
      const lost = events.find((event) => event["message"] === "LML gave no answer; libraries skipped")
      expect((lost?.["contexts"] as { batch: unknown }).batch).toMatchObject({
        index: 0,
        library_ids: [1, 2]
      })

      const checkIns = sentry.items
        .filter(([type]) => type === "check_in")
        .map(([, payload]) => payload["status"])
      expect(checkIns).toEqual(["in_progress", "error"])

      expect(JSON.stringify(sentry.items)).not.toContain(API_KEY)
    }).pipe(Effect.provide(TestDatabase.layer("sentry")))
  )

  it.live("a fatal error is an event", () =>
    Effect.gen(function* () {
      const sentry = captureSentry()
      const settings = sentrySettings(Option.none())
      const exit = yield* reportFatal(
        Effect.fail(new CatalogError({ detail: "the catalog database is gone" }))
      ).pipe(Effect.provide(Tracing.sentry(settings, DSN, { transport: sentry.transport })), Effect.exit)
      expect(exit).toStrictEqual(Exit.fail(new ExitStatus({ code: 1 })))
      const events = sentry.items.filter(([type]) => type === "event").map(([, payload]) => payload)
      expect(events).toEqual([
        expect.objectContaining({ level: "fatal", message: "fatal: the catalog database is gone" })
      ])
    })
  )
})
