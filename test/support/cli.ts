/**
 * Runs the real CLI as a child process, the way an operator or a container would: the compiled
 * `dist/` that `test/globalSetup.ts` builds before the suite.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { constants as osConstants } from "node:os"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { DEFAULT_TEST_DATABASE_URL } from "../../layers/TestDatabase.js"
import { CatalogSchema } from "../../src/CatalogSchema.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A CLI process that is still running: send it signals, then await how it ended. */
export interface RunningCli {
  readonly child: ChildProcess
  /** What the process has written to stderr so far. */
  readonly stderr: () => string
  readonly result: Effect.Effect<CliResult>
}

/**
 * Starts the CLI; the process is killed when the scope closes. Only what the test passes is in
 * its environment, plus PATH: the developer's own variables must not leak in.
 */
export const startCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): RunningCli => {
      const child = spawn(process.execPath, ["dist/cli.mjs", ...args], {
        cwd: root,
        env: { PATH: process.env["PATH"] ?? "", LOG_FORMAT: "json", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      const ended = new Promise<CliResult>((resolve) =>
        child.on("close", (code, signal) => resolve({ code: code ?? signalCode(signal), stdout, stderr }))
      )
      return { child, stderr: () => stderr, result: Effect.promise(() => ended) }
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

/** A process killed by a signal reports it the way a shell would: 128 + the signal number. */
const signalCode = (signal: NodeJS.Signals | null): number | null =>
  signal === null ? null : 128 + (osConstants.signals[signal] ?? 0)

/**
 * Runs the CLI to completion with its output on a pseudo-terminal, as a person at a shell would
 * (util-linux `script` provides the terminal; stderr shares it, so everything is in `stdout`).
 */
export const runCliOnTerminal = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.promise(
    () =>
      new Promise<CliResult>((resolve) => {
        const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`
        const command = [process.execPath, "dist/cli.mjs", ...args].map(quote).join(" ")
        const child = spawn("script", ["-qec", command, "/dev/null"], {
          cwd: root,
          env: { PATH: process.env["PATH"] ?? "", LOG_FORMAT: "json", ...env },
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stdout = ""
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
        child.on("close", (code) => resolve({ code, stdout: stdout.replace(/\r\n/g, "\n"), stderr: "" }))
      })
  )

/** Runs the CLI to completion. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.scoped(Effect.flatMap(startCli(args, env), (running) => running.result))

export const testDatabaseUrl = process.env["TEST_DATABASE_URL"] ?? DEFAULT_TEST_DATABASE_URL

/** The single JSON object a run prints on stdout; fails if stdout holds anything else. */
export const stdoutReport = (result: CliResult): Record<string, unknown> => {
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "")
  if (lines.length !== 1)
    throw new Error(`expected one line on stdout, got:\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  return JSON.parse(lines[0]!) as Record<string, unknown>
}

/** The environment that points the CLI at the test schema in context and at `lmlUrl`. */
export const envFor = (lmlUrl: string) =>
  Effect.map(CatalogSchema, ({ name }) => ({
    DATABASE_URL: testDatabaseUrl,
    WXYC_SCHEMA_NAME: name,
    LIBRARY_METADATA_URL: lmlUrl
  }))
