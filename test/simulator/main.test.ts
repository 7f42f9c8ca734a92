import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { describe, expect, it } from "@effect/vitest"
import { BULK_RESOLVE_PATH } from "../../src/domain/LmlWire.js"
import { syntheticCredits } from "../../src/simulator/TrackStore.js"
import { releaseRow, row } from "./requests.js"

const TRACKS_CONTRACT_VERSION = "LML_SIM_TRACKS_CONTRACT_VERSION"

/** Starts the simulator process; the tracks contract version is never inherited from the test's own environment. */
const start = (env: Record<string, string>) => {
  const inherited: Record<string, string | undefined> = { ...process.env }
  delete inherited[TRACKS_CONTRACT_VERSION]
  return spawn(process.execPath, ["--import", "tsx", "src/simulator/main.ts"], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
}

interface Envelope {
  readonly tracks_contract_version: unknown
  readonly results: ReadonlyArray<{
    readonly library_id: number
    readonly tracks_attempted: unknown
    readonly tracks: ReadonlyArray<{ readonly artist_name: string }> | null
  }>
}

/** Runs `use` against a started simulator, then stops it and reports how it exited. */
const withSimulator = async (env: Record<string, string>, use: (url: string) => Promise<void>) => {
  const child = start(env)
  const exited = once(child, "exit")
  try {
    const lines = createInterface({ input: child.stdout })
    const [line] = (await once(lines, "line")) as [string]
    const { url } = JSON.parse(line) as { url: string }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await use(url)
  } finally {
    child.kill("SIGTERM")
  }
  const [code, signal] = await exited
  return { code, signal }
}

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${url}${BULK_RESOLVE_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Envelope
}

const refusal = async (env: Record<string, string>): Promise<{ code: unknown; stderr: string }> => {
  const child = start(env)
  const stderr: Array<Buffer> = []
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
  const [code] = await once(child, "exit")
  return { code, stderr: Buffer.concat(stderr).toString() }
}

describe("simulator main", () => {
  it("prints its URL as one JSON line, serves the synthetic store and stops on SIGTERM", async () => {
    const exit = await withSimulator(
      { LML_SIM_PORT: "0", LML_SIM_LATENCY_MS: "0", LML_SIM_API_KEY: "bench" },
      async (url) => {
        const body = await post(
          url,
          { inputs: [row(1, "Synthetic Artist 1"), row(2, "Stereolab")] },
          { authorization: "Bearer bench" }
        )
        expect(body.results.map((result) => result.library_id)).toEqual([1, 2])
        expect(body.tracks_contract_version).toBeNull()
      }
    )
    expect(exit).toEqual({ code: 0, signal: null })
  })

  it("serves the synthetic track store and the configured tracks contract version", async () => {
    const exit = await withSimulator({ [TRACKS_CONTRACT_VERSION]: "1" }, async (url) => {
      const body = await post(url, {
        inputs: [releaseRow(7, "Various Artists", 7), releaseRow(8, "Various Artists", null)],
        include_tracks: true
      })
      expect(body.tracks_contract_version).toBe(1)
      const [visited, unvisited] = body.results
      expect(visited?.tracks_attempted).toBe(true)
      expect(visited?.tracks?.map((track) => track.artist_name)).toEqual(
        syntheticCredits(7).map((credit) => credit.artist_name)
      )
      expect([unvisited?.tracks_attempted, unvisited?.tracks]).toEqual([false, []])
    })
    expect(exit).toEqual({ code: 0, signal: null })
  })

  it("reads an empty or 'null' tracks contract version as null", async () => {
    for (const value of ["", "null"]) {
      await withSimulator({ [TRACKS_CONTRACT_VERSION]: value }, async (url) => {
        expect((await post(url, { inputs: [row(1, "Stereolab")] })).tracks_contract_version, value).toBeNull()
      })
    }
  })

  it("refuses a malformed port", async () => {
    const { code, stderr } = await refusal({ LML_SIM_PORT: "eighty" })
    expect(code).toBe(1)
    expect(stderr).toContain("LML_SIM_PORT")
  })

  it("refuses a tracks contract version other than 1 or null", async () => {
    for (const value of ["2", "true", "v1"]) {
      const { code, stderr } = await refusal({ [TRACKS_CONTRACT_VERSION]: value })
      expect(code, value).toBe(1)
      expect(stderr).toContain(TRACKS_CONTRACT_VERSION)
    }
  })
})
