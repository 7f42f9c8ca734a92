/**
 * Logs go to stderr (stdout carries only the JSON report): JSON lines for machines, a pretty
 * form on a terminal. `LOG_FORMAT` and `LOG_LEVEL` override.
 */
import { Effect, Layer, Logger, LogLevel } from "effect"
import { oneOf } from "./config/EnvValues.js"

const levels = {
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  error: LogLevel.Error
} as const

export const format = oneOf("LOG_FORMAT", ["json", "pretty"], process.stderr.isTTY ? "pretty" : "json")

export const layer = Layer.unwrapEffect(
  Effect.gen(function* () {
    const chosen = yield* format
    const level = yield* oneOf("LOG_LEVEL", ["trace", "debug", "info", "warning", "error"], "info")
    const logger =
      chosen === "json" ? Logger.withConsoleError(Logger.jsonLogger) : Logger.prettyLogger({ stderr: true })
    return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(levels[level]))
  })
)
