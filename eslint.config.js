// Lint: type-aware. typescript-eslint's recommended rules with type information (the project service
// loads each file's nearest tsconfig.json): floating and misused promises, `any` leaking through
// assignments, calls, member accesses, arguments and returns. Plus the project's boundaries.
//
// Which tsconfig covers what:
// - src/** of every package, tests and src/testing included: the package's tsconfig.json.
// - packages/api/bench, packages/api/eval, apps/server/bench: their own tsconfig.json.
// - Plain JavaScript (the piscina workers, rollup and eslint configs), the vitest and prisma configs
//   and prisma/seed.ts are in no tsconfig: they are linted without type information (the last block
//   but one). They are small, run at build or test time only, and hold no domain code.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/generated/**", "**/.turbo/**", ".data/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // An `async` function without `await` is how this code implements a Promise-returning
      // interface: whatever it throws becomes a rejection, never a synchronous throw.
      "@typescript-eslint/require-await": "off",
      // A file a newcomer reads top to bottom: past 400 lines of code it does several things. A file
      // that must be longer says why in an `eslint-disable max-lines -- reason` comment at its top.
      "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }],
      // Configuration is read in exactly one module: packages/config/src/env.ts.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through @meetmind/config (env.ts)." },
      ],
    },
  },
  {
    // A test file is one feature's fixture (a database, a world, a fake peer) and the cases that
    // share it; splitting one would copy the fixture. Up to 600 lines of code, then split by feature.
    files: ["**/*.test.ts"],
    rules: { "max-lines": ["error", { max: 600, skipBlankLines: true, skipComments: true }] },
  },
  {
    // env.ts is the one reader; the Prisma CLI loads prisma.config.ts on its own, outside the app.
    files: ["packages/config/src/env.ts", "prisma.config.ts"],
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
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      // vitest types its asymmetric matchers (expect.any(Date), expect.stringContaining…) as `any`
      // (vitest-dev/vitest#7015), and they are meant to sit where values go. A real `any` in a test
      // is still caught where it is used: member access, call, argument, return.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    // In no tsconfig (see the top): syntax rules only.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs", "**/*.config.ts", "vitest.shared.ts", "prisma/seed.ts"],
    ...tseslint.configs.disableTypeChecked,
  },
);
