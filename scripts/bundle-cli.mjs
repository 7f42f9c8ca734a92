// Bundles the CLI: loading Effect's and the platform's many modules one by one costs a run
// ~1 s of start-up; the tree-shaken bundle starts in ~0.3 s, and ~0.2 s from V8's code cache.
// Telemetry and the embedded database stay external: they are loaded only when used.
//
// dist/cli-bundle-<hash>.cjs  the CLI, CommonJS so that it can be compiled with a code cache
// dist/cli.mjs                the executable: runs the bundle from the cache (src/CliLauncher.ts)
import { execFileSync } from "node:child_process"
import { execPath } from "node:process"
import { createHash } from "node:crypto"
import { readdirSync, rmSync, writeFileSync } from "node:fs"
import { build } from "esbuild"

for (const file of readdirSync("dist", { withFileTypes: true })) {
  if (file.isFile() && file.name.startsWith("cli-bundle-")) rmSync(`dist/${file.name}`)
}

const bundle = await build({
  entryPoints: ["src/bin.ts"],
  outfile: "dist/cli-bundle.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: true,
  // `import()` of what loads only when used (Sentry, OpenTelemetry, PGlite) as `require()`: code
  // compiled from a V8 code cache cannot `import()` ("A dynamic import callback was not specified").
  supported: { "dynamic-import": false },
  external: ["pg-native", "@sentry/*", "@effect/opentelemetry", "@opentelemetry/*", "@electric-sql/*"],
  write: false,
  logLevel: "warning"
})

const code = bundle.outputFiles.find((file) => file.path.endsWith(".cjs"))
const hash = createHash("sha256").update(code.contents).digest("hex").slice(0, 16)
const name = `cli-bundle-${hash}.cjs`
// The bundle and its source map, renamed after the bundle's content.
for (const file of bundle.outputFiles) {
  const text = file.path.endsWith(".cjs")
    ? file.text.replace("//# sourceMappingURL=cli-bundle.cjs.map", `//# sourceMappingURL=${name}.map`)
    : file.text
  writeFileSync(file.path.replace("cli-bundle.cjs", name), text)
}

await build({
  entryPoints: ["src/CliLauncher.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  define: { CLI_BUNDLE: JSON.stringify(name) },
  logLevel: "warning"
})

// One run writes the code cache, so that the first real run starts from it too.
execFileSync(execPath, ["dist/cli.mjs", "--version"], { stdio: "ignore" })
