/** What the numbers were measured on: CPU, memory, Node, PostgreSQL and its durability settings. */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { totalmem } from "node:os"
import { Effect } from "effect"
import { withSql } from "./db.js"

export interface MachineInfo {
  readonly cpus: string
  readonly cpuModel: string
  readonly memory: string
  readonly node: string
  readonly postgres: string
  readonly postgresSettings: string
}

const nproc = (): string => {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim()
  } catch {
    return "unknown"
  }
}

const cpuModel = (): string => {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"))
    return line?.split(":")[1]?.trim() ?? "unknown"
  } catch {
    return "unknown"
  }
}

const SETTINGS = ["shared_buffers", "fsync", "synchronous_commit", "wal_level", "max_wal_size"]

export const machineInfo = async (): Promise<MachineInfo> => {
  const { version, settings } = await withSql((sql) =>
    Effect.all({
      version: sql<{ readonly v: string }>`SELECT version() AS v`,
      settings: sql<{ readonly name: string; readonly setting: string; readonly unit: string | null }>`
        SELECT name, setting, unit FROM pg_settings WHERE name IN ${sql.in(SETTINGS)} ORDER BY name`
    })
  )
  return {
    cpus: nproc(),
    cpuModel: cpuModel(),
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    postgres: version[0]?.v.split(" on ")[0] ?? "unknown",
    postgresSettings: settings
      .map((s) => `${s.name}=${s.setting}${s.unit === null ? "" : ` (${s.unit})`}`)
      .join(", ")
  }
}
