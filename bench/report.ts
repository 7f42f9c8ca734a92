/** The results as markdown: a header naming the machine, command and date, the table, then notes. */
import type { MachineInfo } from "./machine.js"

export type Outcome = "PASS" | "MISS" | ""

export interface TableRow {
  readonly scenario: string
  readonly n: number
  readonly mode: string
  readonly wallS: number | undefined
  readonly perSecond: number | undefined
  readonly rssMb: number | undefined
  readonly ratio: string
  readonly outcome: Outcome
}

export interface Report {
  readonly machine: MachineInfo
  readonly command: string
  readonly date: string
  readonly rows: ReadonlyArray<TableRow>
  /** Free-form lines under the table: where the time went, verdict mix, checks. */
  readonly details: ReadonlyArray<string>
}

const thousands = (value: number): string => Math.round(value).toLocaleString("en-US")
const optional = (value: number | undefined, show: (v: number) => string): string =>
  value === undefined || !Number.isFinite(value) ? "–" : show(value)

export const formatSeconds = (seconds: number): string => seconds.toFixed(seconds < 10 ? 2 : 1)
export const formatRatio = (ratio: number): string => ratio.toFixed(2)

const HEADER = [
  "Scenario",
  "N",
  "Mode / concurrency",
  "Wall s",
  "Libraries/s",
  "Peak RSS MB",
  "Ratio (target)",
  "Result"
]

export const renderTable = (rows: ReadonlyArray<TableRow>): string => {
  const cells = rows.map((row) => [
    row.scenario,
    thousands(row.n),
    row.mode,
    optional(row.wallS, formatSeconds),
    optional(row.perSecond, thousands),
    optional(row.rssMb, (mb) => mb.toFixed(0)),
    row.ratio,
    row.outcome === "" ? "–" : `**${row.outcome}**`
  ])
  const line = (values: ReadonlyArray<string>) => `| ${values.join(" | ")} |`
  return [line(HEADER), line(HEADER.map(() => "---")), ...cells.map(line)].join("\n")
}

export const renderReport = (report: Report): string =>
  [
    `- Date: ${report.date}`,
    `- Command: \`${report.command}\``,
    `- Machine: ${report.machine.cpus} CPUs (${report.machine.cpuModel}), ${report.machine.memory} RAM`,
    `- Node ${report.machine.node}; ${report.machine.postgres}`,
    `- PostgreSQL settings: ${report.machine.postgresSettings}`,
    "",
    renderTable(report.rows),
    "",
    ...report.details.map((detail) => `- ${detail}`)
  ].join("\n")
