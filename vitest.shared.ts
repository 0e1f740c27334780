// Shared by every package's vitest.config.ts.
import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";

/** For packages whose tests open no database. */
export const withoutDatabase = defineConfig({
  // Workspace packages resolve to their TypeScript sources in tests: no build needed first.
  resolve: { conditions: ["@meetmind/source"] },
  ssr: { resolve: { conditions: ["@meetmind/source"] } },
  test: {
    environment: "node",
    // Each file gets its own database; files run in parallel on the two cores.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});

/**
 * Test databases (packages/db/src/testing.ts) are made on the server at TEST_DATABASE_URL, or on an
 * embedded PostgreSQL cluster this global setup starts once per run.
 */
export default mergeConfig(
  withoutDatabase,
  defineConfig({ test: { globalSetup: [fileURLToPath(new URL("packages/db/src/testing/global-setup.ts", import.meta.url))] } }),
);
