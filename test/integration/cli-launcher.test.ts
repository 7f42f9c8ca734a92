/**
 * The built executable and its code cache: the CLI answers the same with the cache missing,
 * damaged or impossible to write, and a run that could not use it leaves a good one behind. Each case
 * runs a copy of `dist/cli.mjs` and its bundle in a directory of its own.
 */
import { execFileSync } from "node:child_process"
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"

const dist = new URL("../../dist/", import.meta.url).pathname
const bundleName = readdirSync(dist).find((name) => /^cli-bundle-[0-9a-f]+\.cjs$/.test(name))
const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string
}

const copies: Array<string> = []
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the executable and its bundle, without the cache. */
const copyOfCli = () => {
  if (bundleName === undefined) throw new Error("dist/ has no CLI bundle: run npm run build")
  const dir = mkdtempSync(join(tmpdir(), "cli-launcher-"))
  copies.push(dir)
  copyFileSync(join(dist, "cli.mjs"), join(dir, "cli.mjs"))
  copyFileSync(join(dist, bundleName), join(dir, bundleName))
  return { dir, cache: join(dir, `${bundleName}.v8cache`) }
}

const versionOf = (dir: string) =>
  execFileSync(process.execPath, [join(dir, "cli.mjs"), "--version"], { encoding: "utf8" }).trim()

describe("the CLI executable", () => {
  it("runs without a cache, and leaves one that the next run accepts", () => {
    const { dir, cache } = copyOfCli()
    expect(versionOf(dir)).toBe(version)
    const written = statSync(cache)
    expect(written.size).toBeGreaterThan(0)
    expect(versionOf(dir)).toBe(version)
    // Accepted, so not replaced: a new cache is a new file.
    expect(statSync(cache).ino).toBe(written.ino)
  })

  it("runs with a damaged cache and replaces it", () => {
    const { dir, cache } = copyOfCli()
    writeFileSync(cache, Buffer.alloc(4_096, 7))
    expect(versionOf(dir)).toBe(version)
    expect(readFileSync(cache).equals(Buffer.alloc(4_096, 7))).toBe(false)
  })

  it("runs where the cache cannot be written, and leaves nothing behind", () => {
    const { dir, cache } = copyOfCli()
    // A directory in the cache's place: it can be neither read nor replaced, even by root.
    mkdirSync(cache)
    expect(versionOf(dir)).toBe(version)
    expect(readdirSync(cache)).toEqual([])
    expect(readdirSync(dir).sort()).toEqual([bundleName, `${bundleName}.v8cache`, "cli.mjs"].sort())
  })
})
