/**
 * `npm run bench [-- --only W1,Floor,W2,W3] [--scale 0.05] [--out file.md] [--keep]`
 *
 * Seeds PostgreSQL, starts the simulated LML and runs the built CLI as separate processes, then
 * prints a markdown table (stdout); progress goes to stderr. Any run whose Totals do not check
 * out aborts the bench with exit code 1; a missed target is a result (MISS), not an error.
 */
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { machineInfo } from "./machine.js"
import { killAllChildren } from "./processes.js"
import { renderReport } from "./report.js"
import { runBench, type ScenarioName, SCENARIOS } from "./scenarios.js"

const USAGE =
  "usage: tsx bench/run.ts [--only W1,Floor,W2,W3,Coverage] [--scale <factor>] [--out <file>] [--keep]"

/** A bad flag: reported with the usage line, without a stack trace. */
class UsageError extends Error {}

const parseOnly = (raw: string | undefined): ReadonlySet<ScenarioName> => {
  if (raw === undefined) return new Set(SCENARIOS)
  const chosen = new Set<ScenarioName>()
  for (const part of raw.split(",")) {
    const name = SCENARIOS.find((scenario) => scenario.toLowerCase() === part.trim().toLowerCase())
    if (name === undefined)
      throw new UsageError(`--only: unknown scenario '${part}', expected ${SCENARIOS.join(", ")}`)
    chosen.add(name)
  }
  return chosen
}

const parseScale = (raw: string | undefined): number => {
  const scale = raw === undefined ? 1 : Number(raw)
  if (!Number.isFinite(scale) || scale <= 0)
    throw new UsageError(`--scale must be a positive number, got '${raw}'`)
  return scale
}

const parseArgsOrUsage = (argv: Array<string>) => {
  try {
    return parseArgs({
      args: argv,
      options: {
        only: { type: "string" },
        scale: { type: "string" },
        out: { type: "string" },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", default: false }
      }
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2)
  const { values } = parseArgsOrUsage(argv)
  if (values.help) {
    console.log(USAGE)
    return
  }
  const only = parseOnly(values.only)
  const scale = parseScale(values.scale)
  const date = new Date().toISOString()
  const machine = await machineInfo()
  const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
  const result = await runBench({ only, scale, keep: values.keep, log })
  const report = renderReport({
    machine,
    command: argv.length === 0 ? "npm run bench" : `npm run bench -- ${argv.join(" ")}`,
    date,
    rows: result.rows,
    details: result.details
  })
  console.log(report)
  if (values.out !== undefined) writeFileSync(values.out, `${report}\n`)
}

process.on("exit", killAllChildren)
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping child processes`)
    killAllChildren()
    process.exit(130)
  })
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`)
    process.exit(2)
  }
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  killAllChildren()
  process.exit(1)
})
