/** Compiles the CLI once, so the tests that spawn it run what `npm run build` ships. */
import { execFileSync } from "node:child_process"

export default function setup() {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit"
  })
}
