import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // The build first; then the database every test file shares (an embedded one if no server answers).
    globalSetup: ["test/globalSetup.ts", "test/embedded/testDatabaseSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
