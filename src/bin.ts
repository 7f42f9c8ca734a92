#!/usr/bin/env node
/**
 * The process edge: parse argv, run the command, turn how it ended into an exit code.
 * SIGINT/SIGTERM interrupt the command (no new batches; the write in flight finishes) and
 * finalizers close the pool; if that takes longer than SHUTDOWN_GRACE_MS the process is ended.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit } from "effect"
import { cli, ExitStatus, reportFatal, shutdownGraceMs } from "./Cli.js"
import * as Logging from "./Logging.js"

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const
let receivedSignal: keyof typeof SIGNAL_EXIT_CODES | undefined

const exitCode = (exit: Exit.Exit<unknown, unknown>): number =>
  Exit.match(exit, {
    onSuccess: () => 0,
    onFailure: (cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && failure.value instanceof ExitStatus) return failure.value.code
      if (Cause.isInterruptedOnly(cause)) return SIGNAL_EXIT_CODES[receivedSignal ?? "SIGINT"]
      return 1
    }
  })

/** Ends the process if a signalled run has not wound down within the grace period. */
const armShutdownDeadline = (graceMs: number) =>
  Effect.sync(() => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        receivedSignal ??= signal
        setTimeout(() => {
          process.stderr.write(`shutdown grace of ${graceMs} ms exceeded; exiting\n`)
          process.exit(SIGNAL_EXIT_CODES[signal])
        }, graceMs).unref()
      })
    }
  })

reportFatal(Effect.flatMap(shutdownGraceMs, armShutdownDeadline)).pipe(
  Effect.zipRight(cli(process.argv)),
  Effect.provide(Logging.layer),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) => onExit(exitCode(exit))
  })
)
