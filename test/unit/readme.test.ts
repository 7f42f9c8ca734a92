import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")

describe("README", () => {
  it("shows the embedding example exactly as the type-checked file has it", () => {
    expect(read("README.md")).toContain("```ts\n" + read("examples/mount-on-own-schedule.ts") + "```")
  })

  it("names the test command .ci/run calls", () => {
    expect(read(".ci/run")).toMatch(/^npm test$/m)
    expect(read("README.md")).toContain("npm test")
  })
})
