/**
 * Progress on a terminal: a single line on stderr that redraws itself after every batch,
 * instead of one log line per batch.
 */
import { Effect, Layer } from "effect"
import { describe, Progress } from "../src/Progress.js"

const WIDTH = 30

const draw = (line: string) => Effect.sync(() => process.stderr.write(`\r\u001b[2K${line}`))

export const layer = Layer.succeed(Progress, {
  started: (total) => draw(`${total} libraries to resolve`),
  batchDone: (snapshot) => {
    const p = describe(snapshot)
    const filled = Math.round((p.percent / 100) * WIDTH)
    const eta = p.eta_s === null ? "?" : `${p.eta_s}s`
    return draw(
      `${p.cohort === "va" ? "V/A  " : "other"} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${p.percent}% ${p.done}/${p.total}` +
        ` ${p.rows_per_s}/s ETA ${eta} · resolved ${p.resolved} · errors ${p.errors}`
    )
  },
  finished: Effect.sync(() => process.stderr.write("\n"))
})
