/**
 * Child processes for the benchmark: every process it starts is tracked, so that whatever
 * way the run ends (success, thrown error, Ctrl-C, a timeout) none is left behind. Each child
 * leads its own process group; killing the group also takes `/usr/bin/time`'s child with it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { get } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { type ServiceStats, STATS_PATH } from "../src/simulator/server.js"

const live = new Set<ChildProcess>()

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** Synchronous, so it can run from `process.on("exit")`. */
export const killAllChildren = (): void => {
  for (const child of live) signalGroup(child, "SIGKILL")
  live.clear()
}

const track = (child: ChildProcess): ChildProcess => {
  live.add(child)
  child.once("exit", () => live.delete(child))
  return child
}

/** Keeps the last `limit` characters of a stream: enough for an error report, bounded in memory. */
const tailCollector = (limit: number) => {
  let text = ""
  return {
    push: (chunk: Buffer) => {
      text += chunk.toString("utf8")
      if (text.length > 2 * limit) text = text.slice(-limit)
    },
    text: () => text.slice(-limit)
  }
}

/** GNU time writes a "Command exited with non-zero status" line first when the command fails. */
const lastLineNumbers = (file: string): ReadonlyArray<number> => {
  try {
    return readFileSync(file, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? []
  } catch {
    return []
  }
}

export interface TimedRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** From spawn to exit, as seen by the bench. */
  readonly wallMs: number
  /** Maximum resident set size of the command, from GNU time's `%M`. */
  readonly peakRssKb: number
  /** User + system CPU seconds of the command. */
  readonly cpuS: number
}

export interface TimedOptions {
  readonly label: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: NodeJS.ProcessEnv
  readonly timeoutMs: number
}

/** Runs a command under `/usr/bin/time`, failing if it does not finish within `timeoutMs`. */
export const runTimed = (options: TimedOptions): Promise<TimedRun> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-time-"))
  const timeFile = join(dir, "time.txt")
  const stdout = tailCollector(1_000_000)
  const stderr = tailCollector(20_000)
  return new Promise<TimedRun>((resolve, reject) => {
    const started = performance.now()
    const child = track(
      spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", timeFile, options.command, ...options.args], {
        env: options.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true
      })
    )
    child.stdout?.on("data", stdout.push)
    child.stderr?.on("data", stderr.push)
    const timer = setTimeout(() => {
      signalGroup(child, "SIGKILL")
      reject(
        new Error(
          `${options.label}: no exit within ${Math.round(options.timeoutMs / 1000)} s, killed\n${stderr.text()}`
        )
      )
    }, options.timeoutMs)
    child.once("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once("close", (code, signal) => {
      const wallMs = performance.now() - started
      clearTimeout(timer)
      const fields = lastLineNumbers(timeFile)
      rmSync(dir, { recursive: true, force: true })
      const [peakRssKb = Number.NaN, userS = Number.NaN, sysS = Number.NaN] = fields
      resolve({
        code,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        wallMs,
        peakRssKb,
        cpuS: userS + sysS
      })
    })
  })
}

export interface Simulator {
  readonly url: string
  readonly pid: number
  stop(): Promise<void>
}

export interface SimulatorSettings {
  /** Added to every request. */
  readonly latencyMs: number
  /**
   * The `tracks_contract_version` it answers with: `null`, as production sends today, or `1`,
   * with which the CLI writes the credits it is sent.
   */
  readonly tracksContractVersion: 1 | null
}

/** Starts `dist/src/simulator/main.js` and waits for the line announcing its URL. */
export const startSimulator = (settings: SimulatorSettings): Promise<Simulator> =>
  new Promise<Simulator>((resolve, reject) => {
    const child = track(
      spawn(process.execPath, ["dist/src/simulator/main.js"], {
        // Always set, so that a value in the bench's own environment cannot leak into a scenario.
        env: {
          ...process.env,
          LML_SIM_PORT: "0",
          LML_SIM_LATENCY_MS: String(settings.latencyMs),
          LML_SIM_TRACKS_CONTRACT_VERSION: String(settings.tracksContractVersion)
        },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true
      })
    )
    const stderr = tailCollector(5_000)
    child.stderr?.on("data", stderr.push)
    let announced = ""
    let ready = false
    const fail = (reason: string) => {
      clearTimeout(timer)
      signalGroup(child, "SIGKILL")
      reject(new Error(`simulator: ${reason}\n${stderr.text()}`))
    }
    const timer = setTimeout(() => fail("no URL within 15 s"), 15_000)
    const exited = new Promise<void>((done) =>
      child.once("exit", (code) => {
        if (!ready) fail(`exited early with code ${code}`)
        done()
      })
    )
    child.stdout?.on("data", (chunk: Buffer) => {
      if (ready) return
      announced += chunk.toString("utf8")
      const newline = announced.indexOf("\n")
      if (newline < 0) return
      let parsed: unknown
      try {
        parsed = JSON.parse(announced.slice(0, newline))
      } catch {
        return fail(`unexpected announcement ${announced}`)
      }
      const url = typeof parsed === "object" && parsed !== null && "url" in parsed ? parsed.url : undefined
      if (typeof url !== "string" || child.pid === undefined)
        return fail(`unexpected announcement ${announced}`)
      ready = true
      clearTimeout(timer)
      const stop = async () => {
        signalGroup(child, "SIGTERM")
        const grace = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000)
        await exited
        clearTimeout(grace)
      }
      resolve({ url, pid: child.pid, stop })
    })
  })

/**
 * A GET on a connection of its own. `fetch` keeps its connection alive between calls, and the
 * simulator closes an idle one after 5 s: a run longer than that left the next call reusing a
 * socket the server was closing ("other side closed").
 */
const getJson = (url: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
        } catch (error) {
          reject(error)
        }
      })
    }).on("error", reject)
  })

/** The simulator's own count of requests and Σ service time so far (`src/simulator/server.ts`). */
export const simulatorServiceStats = async (url: string): Promise<ServiceStats> => {
  const stats = await getJson(`${url}${STATS_PATH}`)
  if (
    typeof stats !== "object" ||
    stats === null ||
    !("requests" in stats) ||
    typeof stats.requests !== "number" ||
    !("serviceMs" in stats) ||
    typeof stats.serviceMs !== "number"
  ) {
    throw new Error(`simulator: unexpected stats ${JSON.stringify(stats)}`)
  }
  return { requests: stats.requests, serviceMs: stats.serviceMs }
}
