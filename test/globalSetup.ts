/** Builds once (compile and bundle), so the tests that spawn the CLI run what `npm run build` ships. */
import { execFileSync } from "node:child_process"

export default function setup() {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit"
  })
  execFileSync(process.execPath, ["scripts/bundle-cli.mjs"], { stdio: "inherit" })
}
