/**
 * The spans a run produces, as an OpenTelemetry exporter receives them: names, ops,
 * parentage, attributes — and never the API key.
 */
import { NodeSdk } from "@effect/opentelemetry"
import { describe, expect, it } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect } from "effect"
import * as TestDatabase from "../../layers/TestDatabase.js"
import * as Totals from "../../src/domain/Totals.js"
import { seedLibrary } from "../support/catalog.js"
import { demoSimulator, runConsumer } from "../support/consumer.js"
import { singleArtist } from "../support/wire.js"

const API_KEY = "sk-never-in-a-span"

const withSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const exporter = new InMemorySpanExporter()
  return Effect.gen(function* () {
    yield* effect
    // Read before the SDK layer closes: its shutdown clears the exporter.
    return exporter.getFinishedSpans()
  }).pipe(
    Effect.provide(
      NodeSdk.layer(() => ({
        resource: { serviceName: "library-identity-consumer-test" },
        spanProcessor: new SimpleSpanProcessor(exporter)
      }))
    )
  )
}

const named = (spans: ReadonlyArray<ReadableSpan>, name: string) => spans.filter((span) => span.name === name)

const isDescendantOf = (spans: ReadonlyArray<ReadableSpan>, span: ReadableSpan, ancestor: ReadableSpan) => {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]))
  for (let parent = span.parentSpanContext?.spanId; parent !== undefined;) {
    if (parent === ancestor.spanContext().spanId) return true
    parent = byId.get(parent)?.parentSpanContext?.spanId
  }
  return false
}

describe("OpenTelemetry spans", () => {
  it.live("one run span with the Totals, an LML span per request and a write span per batch", () =>
    Effect.gen(function* () {
      yield* seedLibrary([
        { id: 1, artist_name: "Stereolab" },
        { id: 2, artist_name: "Various Artists" },
        { id: 3, artist_name: "Juana Molina" }
      ])
      const cacheStats = { memory_hits: 3, pg_time_ms: 1.5, note: "not a number", nested: { x: 1 } }
      const simulator = demoSimulator({
        apiKey: API_KEY,
        faults: {
          byRequest: {
            1: { status: 503 },
            3: {
              status: 200,
              body: JSON.stringify({
                results: [singleArtist(3)],
                cache_stats: cacheStats,
                tracks_contract_version: null
              })
            }
          }
        }
      })
      const spans = yield* withSpans(
        runConsumer(simulator, { batchSize: 2, lmlRetryBaseMs: 1 }, { apiKey: API_KEY })
      )

      const [run] = named(spans, "library-identity-consumer.run")
      expect(run?.attributes).toMatchObject({
        "sentry.op": "job.run",
        "consumer.scanned": 3,
        "consumer.rows_resolved": 2,
        "consumer.rows_skipped.compilation": 1,
        "consumer.lml_retries": 1,
        "consumer.batch_size": 2,
        "consumer.dry_run": false,
        "consumer.partition": "all",
        "consumer.non_va.scanned": 3,
        "consumer.non_va.rows_skipped.compilation": 1,
        "consumer.va.scanned": 0,
        "consumer.rows_resolved_compilation": 0,
        "consumer.compilation_track_rows_written": 0
      })
      // Every Totals field, for the run and for each cohort.
      expect(Object.keys(run?.attributes ?? {})).toEqual(
        expect.arrayContaining(Object.keys(Totals.toSpanAttributes(Totals.emptyRun)))
      )

      const lml = named(spans, "lml.bulk_resolve_libraries")
      expect(
        lml.map((span) => [span.attributes["lml.attempt"], span.attributes["http.response.status_code"]])
      ).toEqual([
        [1, 503],
        [2, 200],
        [1, 200]
      ])
      for (const span of lml) {
        expect(span.attributes).toMatchObject({ "sentry.op": "http.client" })
        expect(isDescendantOf(spans, span, run!)).toBe(true)
      }
      expect(lml[2]?.attributes).toMatchObject({
        "lml.batch_size": 1,
        "lml.cache.memory_hits": 3,
        "lml.cache.pg_time_ms": 1.5
      })
      expect(
        Object.keys(lml[2]?.attributes ?? {}).filter((key) => key.startsWith("lml.cache."))
      ).toHaveLength(2)

      const writes = named(spans, "VerdictWriter.write")
      expect(
        writes.map((span) => [span.attributes["write.rows_written"], span.attributes["write.mode"]])
      ).toEqual([
        [1, "batch"],
        [1, "batch"]
      ])
      for (const span of writes) expect(isDescendantOf(spans, span, run!)).toBe(true)

      expect(JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events]))).not.toContain(
        API_KEY
      )
    }).pipe(Effect.provide(TestDatabase.layer("otel")))
  )
})
