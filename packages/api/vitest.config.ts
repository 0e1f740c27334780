import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The evaluation's own code (ROUGE) is tested beside it in eval/.
export default mergeConfig(shared, defineConfig({ test: { include: ["eval/**/*.test.ts"] } }));
