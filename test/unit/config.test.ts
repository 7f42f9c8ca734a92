import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Option } from "effect"
import { configErrorLines } from "../../src/config/EnvValues.js"
import { consumerSettings } from "../../src/ConsumerConfig.js"
import { schemaName } from "../../src/CatalogSchema.js"
import { lmlHttpSettings } from "../../layers/LmlHttp.js"
import { databaseSettings } from "../../layers/Database.js"
import * as Tracing from "../../layers/Tracing.js"
import { tracingSettings } from "../../layers/Tracing.js"
import * as Incidents from "../../src/Incidents.js"
import type { Config } from "effect"

const read = <A>(config: Config.Config<A> | Effect.Effect<A, unknown>, env: Record<string, string>) =>
  Effect.runSync(
    Effect.either(
      Effect.withConfigProvider(
        config as Effect.Effect<A, unknown>,
        ConfigProvider.fromMap(new Map(Object.entries(env)))
      )
    )
  )

const errorLine = <A>(config: Config.Config<A>, env: Record<string, string>) => {
  const result = read(config, env)
  if (Either.isRight(result)) throw new Error("expected a config error")
  return configErrorLines(result.left as never).join("\n")
}

describe("consumer settings", () => {
  it("has the documented defaults", () => {
    const settings = read(consumerSettings, {})
    expect(Either.getOrThrow(settings)).toMatchObject({
      batchSize: 500,
      vaBatchSize: 100,
      staleThresholdDays: 7,
      unresolvedRetryDays: 30,
      includeNullCanonical: false,
      recheck: "off",
      partition: Option.none(),
      dryRun: false,
      writeMode: "batch"
    })
  })

  it.each([
    ["true", "va"],
    ["1", "va"],
    ["ALL", "all"],
    ["false", "off"],
    ["0", "off"]
  ])("reads RECHECK=%s as %s", (value, expected) => {
    expect(Either.getOrThrow(read(consumerSettings, { RECHECK: value })).recheck).toBe(expected)
  })

  it.each([
    [{ RECHECK: "va" }, "RECHECK='va' is invalid: expected one of true, 1, all, false, 0"],
    [
      { UNRESOLVED_RETRY_DAYS: "0" },
      "UNRESOLVED_RETRY_DAYS='0' is invalid: expected an integer from 1 to 36500"
    ],
    [{ UNRESOLVED_RETRY_DAYS: "36501" }, "UNRESOLVED_RETRY_DAYS='36501' is invalid"],
    [{ VA_BATCH_SIZE: "1001" }, "VA_BATCH_SIZE='1001' is invalid: expected an integer from 1 to 1000"],
    [
      { INCLUDE_NULL_CANONICAL: "yes" },
      "INCLUDE_NULL_CANONICAL='yes' is invalid: expected one of true, 1, false, 0"
    ]
  ])("refuses %j naming the variable", (env, message) => {
    expect(errorLine(consumerSettings, env)).toContain(message)
  })

  it("reads the coverage settings", () => {
    expect(
      Either.getOrThrow(
        read(consumerSettings, {
          UNRESOLVED_RETRY_DAYS: "1",
          INCLUDE_NULL_CANONICAL: "TRUE",
          VA_BATCH_SIZE: "7"
        })
      )
    ).toMatchObject({ unresolvedRetryDays: 1, includeNullCanonical: true, vaBatchSize: 7 })
  })

  it.each(["0", "1001", "abc", "1.5"])(
    "refuses BATCH_SIZE=%s naming the variable, value and range",
    (value) => {
      expect(errorLine(consumerSettings, { BATCH_SIZE: value })).toBe(
        `BATCH_SIZE='${value}' is invalid: expected an integer from 1 to 1000`
      )
    }
  )

  it.each([
    [{ PARTITION_INDEX: "2", PARTITION_COUNT: "2" }],
    [{ PARTITION_INDEX: "-1", PARTITION_COUNT: "2" }],
    [{ PARTITION_INDEX: "0" }],
    [{ PARTITION_COUNT: "3" }]
  ])("refuses the partition pair %j", (env) => {
    expect(errorLine(consumerSettings, env)).toMatch(/PARTITION_INDEX/)
  })

  it("accepts a valid partition", () => {
    const settings = Either.getOrThrow(read(consumerSettings, { PARTITION_INDEX: "1", PARTITION_COUNT: "3" }))
    expect(settings.partition).toEqual(Option.some({ index: 1, count: 3 }))
  })

  it.each([
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["0", false]
  ])("reads DRY_RUN=%s", (value, expected) => {
    expect(Either.getOrThrow(read(consumerSettings, { DRY_RUN: value })).dryRun).toBe(expected)
  })

  it("refuses an unknown DRY_RUN", () => {
    expect(errorLine(consumerSettings, { DRY_RUN: "yes" })).toBe(
      "DRY_RUN='yes' is invalid: expected one of true, 1, false, 0"
    )
  })
})

describe("edge settings", () => {
  it("requires LIBRARY_METADATA_URL", () => {
    expect(errorLine(lmlHttpSettings, {})).toMatch(/^LIBRARY_METADATA_URL is not set/)
  })

  it("never shows the API key", () => {
    const settings = Either.getOrThrow(
      read(lmlHttpSettings, { LIBRARY_METADATA_URL: "http://h", LML_API_KEY: "s3cret" })
    )
    expect(String(settings.apiKey)).not.toContain("s3cret")
    expect(JSON.stringify(settings)).not.toContain("s3cret")
  })

  it("treats an empty API key as no key", () => {
    const settings = Either.getOrThrow(
      read(lmlHttpSettings, { LIBRARY_METADATA_URL: "http://h", LML_API_KEY: "" })
    )
    expect(Option.isNone(settings.apiKey)).toBe(true)
  })

  it("requires a database", () => {
    const result = read(databaseSettings, {})
    expect(Either.isLeft(result) && configErrorLines(result.left as never)[0]).toMatch(
      /^DATABASE_URL is not set/
    )
  })

  it("accepts the DB_* form", () => {
    const settings = Either.getOrThrow(
      read(databaseSettings, { DB_HOST: "db", DB_NAME: "wxyc", DB_USERNAME: "u", DB_PASSWORD: "p" })
    )
    expect(settings).toMatchObject({ _tag: "Fields", host: "db", port: 5432, database: "wxyc" })
  })

  it("traces everything by default and validates the sample rate", () => {
    expect(Either.getOrThrow(read(tracingSettings, {})).tracesSampleRate).toBe(1)
    expect(errorLine(tracingSettings, { SENTRY_TRACES_SAMPLE_RATE: "1.5" })).toBe(
      "SENTRY_TRACES_SAMPLE_RATE='1.5' is invalid: expected a number from 0 to 1"
    )
  })

  it("sends nothing anywhere without SENTRY_DSN or OTEL_EXPORTER_OTLP_ENDPOINT", () => {
    const settings = Either.getOrThrow(read(tracingSettings, {}))
    expect(Tracing.layerFrom(settings)).toBe(Incidents.none)
  })

  it("defaults PARTITION_INDEX from an Indexed Job's JOB_COMPLETION_INDEX", () => {
    const settings = Either.getOrThrow(
      read(consumerSettings, { JOB_COMPLETION_INDEX: "2", PARTITION_COUNT: "4" })
    )
    expect(settings.partition).toEqual(Option.some({ index: 2, count: 4 }))
  })

  it("defaults and validates the schema name", () => {
    expect(Either.getOrThrow(read(schemaName, {}))).toBe("wxyc_schema")
    expect(Either.getOrThrow(read(schemaName, { WXYC_SCHEMA_NAME: 'we"ird' }))).toBe('we"ird')
    expect(errorLine(schemaName, { WXYC_SCHEMA_NAME: "a.b" })).toMatch(/^WXYC_SCHEMA_NAME='a.b' is invalid/)
  })
})
