/**
 * Runs the real CLI as a child process, the way an operator or a container would: the compiled
 * `dist/` that `test/globalSetup.ts` builds before the suite.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { DEFAULT_TEST_DATABASE_URL } from "../../layers/TestDatabase.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Only what the test passes, plus PATH: the developer's own environment must not leak in. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.async<CliResult>((resume) => {
    const child = spawn(process.execPath, ["dist/src/bin.js", ...args], {
      cwd: root,
      env: { PATH: process.env["PATH"] ?? "", LOG_FORMAT: "json", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

export const testDatabaseUrl = process.env["TEST_DATABASE_URL"] ?? DEFAULT_TEST_DATABASE_URL

/** The single JSON object a run prints on stdout; fails if stdout holds anything else. */
export const stdoutReport = (result: CliResult): Record<string, unknown> => {
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "")
  if (lines.length !== 1)
    throw new Error(`expected one line on stdout, got:\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  return JSON.parse(lines[0]!) as Record<string, unknown>
}
