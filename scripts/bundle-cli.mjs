// Bundles the CLI into one file: loading Effect's and the platform's many modules one by one
// costs a run ~1 s of start-up; the tree-shaken bundle starts in ~0.3 s. Telemetry and the
// embedded database stay external: they are loaded only when configured.
import { build } from "esbuild"

await build({
  entryPoints: ["src/bin.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["pg-native", "@sentry/*", "@effect/opentelemetry", "@opentelemetry/*", "@electric-sql/*"],
  // pg and a few dependencies are CommonJS and call require().
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
  },
  logLevel: "warning"
})
