/**
 * CPU time read from /proc, to say where a run's time went: the CLI (GNU time reports it), the
 * simulated LML, and PostgreSQL. Postgres is counted as every `postgres` process's own time plus
 * the time of the children it has reaped (backends that already exited). It counts every
 * client's work, so concurrent load on the same server inflates it.
 */
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  } catch {
    return 100
  }
})()

interface ProcTimes {
  readonly comm: string
  readonly own: number
  readonly children: number
}

const readStat = (pid: string | number): ProcTimes | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const close = stat.lastIndexOf(")")
    const comm = stat.slice(stat.indexOf("(") + 1, close)
    // Fields after the command name start at field 3 (state); utime is field 14.
    const fields = stat
      .slice(close + 2)
      .split(" ")
      .map(Number)
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15)
    return { comm, own: (utime + stime) / ticksPerSecond, children: (cutime + cstime) / ticksPerSecond }
  } catch {
    return undefined
  }
}

/** Own CPU seconds of one process, or `undefined` when it is gone. */
export const processCpuSeconds = (pid: number): number | undefined => readStat(pid)?.own

/** CPU seconds of the local PostgreSQL server so far, or `undefined` when none is visible here. */
export const postgresCpuSeconds = (): number | undefined => {
  let total = 0
  let seen = false
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const times = readStat(entry)
    if (times === undefined || times.comm !== "postgres") continue
    seen = true
    total += times.own + times.children
  }
  return seen ? total : undefined
}
