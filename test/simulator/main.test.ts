import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { describe, expect, it } from "@effect/vitest"
import { BULK_RESOLVE_PATH } from "../../src/domain/LmlWire.js"
import { row } from "./requests.js"

const start = (env: Record<string, string>) =>
  spawn(process.execPath, ["--import", "tsx", "src/simulator/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })

describe("simulator main", () => {
  it("prints its URL as one JSON line, serves the synthetic store and stops on SIGTERM", async () => {
    const child = start({ LML_SIM_PORT: "0", LML_SIM_LATENCY_MS: "0", LML_SIM_API_KEY: "bench" })
    const exited = once(child, "exit")
    try {
      const lines = createInterface({ input: child.stdout })
      const [line] = (await once(lines, "line")) as [string]
      const { url } = JSON.parse(line) as { url: string }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await fetch(`${url}${BULK_RESOLVE_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer bench" },
        body: JSON.stringify({ inputs: [row(1, "Synthetic Artist 1"), row(2, "Stereolab")] })
      })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { results: ReadonlyArray<{ library_id: number }> }
      expect(body.results.map((result) => result.library_id)).toEqual([1, 2])
    } finally {
      child.kill("SIGTERM")
    }
    const [code, signal] = await exited
    expect({ code, signal }).toEqual({ code: 0, signal: null })
  })

  it("refuses a malformed port", async () => {
    const child = start({ LML_SIM_PORT: "eighty" })
    const stderr: Array<Buffer> = []
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
    const [code] = await once(child, "exit")
    expect(code).toBe(1)
    expect(Buffer.concat(stderr).toString()).toContain("LML_SIM_PORT")
  })
})
