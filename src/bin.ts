#!/usr/bin/env node
/**
 * The process edge: parse argv, run the command, turn how it ended into an exit code.
 * SIGINT/SIGTERM interrupt the command so finalizers (pool, sockets) run first.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit } from "effect"
import { cli, ExitStatus } from "./Cli.js"
import * as Logging from "./Logging.js"

const exitCode = (exit: Exit.Exit<unknown, unknown>): number =>
  Exit.match(exit, {
    onSuccess: () => 0,
    onFailure: (cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && failure.value instanceof ExitStatus) return failure.value.code
      return Cause.isInterruptedOnly(cause) ? 130 : 1
    }
  })

cli(process.argv).pipe(
  Effect.provide(Logging.layer),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) => onExit(exitCode(exit))
  })
)
