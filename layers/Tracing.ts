/**
 * Optional telemetry. `SENTRY_DSN` set: Effect spans become native Sentry spans (through
 * `SentryTracerProvider`, the integration Sentry 11 supports) and incidents become Sentry
 * events and cron check-ins. Else `OTEL_EXPORTER_OTLP_ENDPOINT` set: spans go to that OTLP
 * collector. Effect runs one tracer at a time and Sentry 11 no longer feeds spans to another
 * provider, so when both are set Sentry wins and a warning says so. Neither set: nothing, no
 * network, and the telemetry modules are not even loaded (they cost a run ~0.5 s of start-up).
 */
import { FetchHttpClient } from "@effect/platform"
import type * as SentryNode from "@sentry/node"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { numberBetween, optionalString } from "../src/config/EnvValues.js"
import * as Incidents from "../src/Incidents.js"

const SERVICE_NAME = "library-identity-consumer"

export const tracingSettings = Config.all({
  sentryDsn: Config.option(Config.redacted("SENTRY_DSN")).pipe(
    Config.map(Option.filter((dsn) => Redacted.value(dsn).trim() !== ""))
  ),
  tracesSampleRate: numberBetween("SENTRY_TRACES_SAMPLE_RATE", 1, 0, 1),
  environment: optionalString("SENTRY_ENVIRONMENT"),
  monitorSlug: optionalString("SENTRY_MONITOR_SLUG"),
  otlpEndpoint: optionalString("OTEL_EXPORTER_OTLP_ENDPOINT")
})
export type TracingSettings = Config.Config.Success<typeof tracingSettings>

/** Incidents as Sentry events and check-ins. */
const sentryIncidents = (
  Sentry: typeof SentryNode,
  monitorSlug: Option.Option<string>
): Incidents.Incidents => ({
  lmlFailed: ({ batchIndex, libraryIds, error }) =>
    Effect.sync(() =>
      Sentry.captureMessage("LML gave no answer; libraries skipped", {
        level: "error",
        tags: { "lml.status": String(error.status), "lml.reason": error.reason },
        contexts: { batch: { index: batchIndex, library_ids: libraryIds, error: error.message } }
      })
    ),
  writeFailed: ({ batchIndex, libraryId, reason }) =>
    Effect.sync(() =>
      Sentry.captureMessage("library write failed", {
        level: "error",
        contexts: { batch: { index: batchIndex, library_ids: [libraryId], reason } }
      })
    ),
  fatal: (message) => Effect.sync(() => Sentry.captureMessage(message, { level: "fatal" })),
  monitorRun: (run, failed) =>
    Option.match(monitorSlug, {
      onNone: () => run,
      onSome: (slug) =>
        Effect.acquireUseRelease(
          Effect.sync(() => Sentry.captureCheckIn({ monitorSlug: slug, status: "in_progress" })),
          () => run,
          (checkInId, exit) =>
            Effect.sync(() =>
              Sentry.captureCheckIn({ checkInId, monitorSlug: slug, status: failed(exit) ? "error" : "ok" })
            )
        )
    })
})

/** Sentry for the lifetime of the layer; `options` lets tests add a transport. */
export const sentry = (
  settings: TracingSettings,
  dsn: Redacted.Redacted,
  options: Partial<SentryNode.NodeOptions> = {}
) =>
  Layer.unwrapEffect(
    Effect.promise(async () => {
      const [Sentry, { SentryTracerProvider }, { Resource, Tracer }] = await Promise.all([
        import("@sentry/node"),
        import("@sentry/opentelemetry"),
        import("@effect/opentelemetry")
      ])
      const client = Layer.scopedDiscard(
        Effect.acquireRelease(
          Effect.sync(() =>
            Sentry.init({
              dsn: Redacted.value(dsn),
              tracesSampleRate: settings.tracesSampleRate,
              // One transaction per run, sent when it ends, rather than a stream of span items.
              traceLifecycle: "static",
              ...Option.match(settings.environment, {
                onNone: () => ({}),
                onSome: (environment) => ({ environment })
              }),
              ...options
            })
          ),
          () => Effect.promise(() => Sentry.close(5_000))
        )
      )
      const tracer = Tracer.layer.pipe(
        Layer.provide(Layer.succeed(Tracer.OtelTracerProvider, new SentryTracerProvider())),
        Layer.provide(Resource.layer({ serviceName: SERVICE_NAME }))
      )
      return Layer.merge(
        tracer,
        Layer.succeed(Incidents.Incidents, sentryIncidents(Sentry, settings.monitorSlug))
      ).pipe(Layer.provide(client))
    })
  )

/** Traces only: `${url}/v1/traces`, JSON over HTTP. */
const otlp = (url: string) =>
  Layer.unwrapEffect(
    Effect.promise(async () => {
      const { OtlpSerialization, OtlpTracer } = await import("@effect/opentelemetry")
      const traces = OtlpTracer.layer({
        url: `${url.replace(/\/+$/, "")}/v1/traces`,
        resource: { serviceName: SERVICE_NAME }
      })
      return Layer.merge(
        traces.pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, OtlpSerialization.layerJson))),
        Incidents.none
      )
    })
  )

export const layerFrom = (settings: TracingSettings) => {
  if (Option.isSome(settings.sentryDsn)) {
    const ignored = Option.isSome(settings.otlpEndpoint)
      ? Layer.effectDiscard(
          Effect.logWarning(
            "SENTRY_DSN and OTEL_EXPORTER_OTLP_ENDPOINT are both set: spans go to Sentry only"
          )
        )
      : Layer.empty
    return Layer.merge(sentry(settings, settings.sentryDsn.value), ignored)
  }
  return Option.match(settings.otlpEndpoint, { onNone: () => Incidents.none, onSome: otlp })
}

export const layer = Layer.unwrapEffect(Effect.map(tracingSettings, layerFrom))
