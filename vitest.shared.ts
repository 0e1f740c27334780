// Shared by every package's vitest.config.ts.
import { defineConfig } from "vitest/config";

export default defineConfig({
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
