/**
 * One process at a time per embedded data directory. PGlite does not lock its directory (two
 * processes on one directory both start, and the later one's writes replace the earlier
 * one's), and the run lock's advisory lock cannot stand in: every connection to the embedded
 * server shares one Postgres session, where session locks always succeed. So a lock file
 * beside the directory holds the owner's pid; a file left by a process that no longer exists
 * is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs"
import { Effect } from "effect"
import { CatalogError } from "../domain/Errors.js"
import { RunLockBusy } from "../RunLock.js"

export const lockPathFor = (dataDir: string): string => `${dataDir}.lock`

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const ownerOf = (lockPath: string): number | undefined => {
  try {
    const pid = Number(readFileSync(lockPath, "utf8").trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Creates the lock file; false if it already exists. */
const tryCreate = (lockPath: string): boolean => {
  try {
    const fd = openSync(lockPath, "wx")
    try {
      writeSync(fd, `${process.pid}\n`)
    } finally {
      closeSync(fd)
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false
    throw error
  }
}

const take = (lockPath: string): "taken" | "busy" => {
  if (tryCreate(lockPath)) return "taken"
  const owner = ownerOf(lockPath)
  if (owner !== undefined && isAlive(owner)) return "busy"
  // Stale: its owner is gone. Another process may take it over at the same moment; only one
  // of the two creates the new file.
  rmSync(lockPath, { force: true })
  return tryCreate(lockPath) ? "taken" : "busy"
}

/**
 * Holds `<dataDir>.lock` until the scope closes. Fails with `RunLockBusy` (what a run that
 * finds its lock taken fails with) while another live process holds it.
 */
export const holdDataDirLock = (dataDir: string) => {
  const lockPath = lockPathFor(dataDir)
  return Effect.acquireRelease(
    Effect.try({
      try: () => take(lockPath),
      catch: (cause) => CatalogError.fromCause(`locking the embedded database (${lockPath})`, cause)
    }).pipe(
      Effect.filterOrFail(
        (outcome) => outcome === "taken",
        () => new RunLockBusy({ key: lockPath })
      )
    ),
    () =>
      Effect.sync(() => {
        if (ownerOf(lockPath) === process.pid) rmSync(lockPath, { force: true })
      })
  )
}
