// Lint: typescript-eslint's recommended rules (syntax only, not type-aware: no type information is
// loaded) plus the project's boundaries.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/generated/**", "**/.turbo/**", ".data/**", "**/*.config.*", "vitest.shared.ts", "prisma.config.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Configuration is read in exactly one module: packages/config/src/env.ts.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through @meetmind/config (env.ts)." },
      ],
    },
  },
  {
    files: ["packages/config/src/env.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Services are plain functions over the database: no transport concerns.
    files: ["packages/api/src/**/service.ts", "packages/api/src/**/service/*.ts", "packages/api/src/**/*.service.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@trpc/*"], message: "Services must not depend on tRPC: throw domain errors from errors.ts." },
            { group: ["express", "../trpc.js", "../../trpc.js"], message: "Services must not depend on the transport." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
