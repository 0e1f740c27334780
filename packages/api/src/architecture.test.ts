// The import rules of ARCHITECTURE.md (.dependency-cruiser.cjs, run by `pnpm lint`): the real tree
// keeps them, and each rule does fire on a small tree that breaks it, so the check cannot pass by
// resolving nothing.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const cli = join(repo, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const config = join(repo, ".dependency-cruiser.cjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function cruise(cwd: string, paths: string[]): Promise<{ violations: Violation[]; modules: number }> {
  // --output-type json exits 0 even with violations: the summary says what was found.
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...paths, "--config", config, "--output-type", "json"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: result.summary.violations, modules: result.summary.totalCruised };
}

const scratch = mkdtempSync(join(tmpdir(), "meetmind-architecture-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), text);
  }
}

describe("import rules", () => {
  it("hold on the real tree", async () => {
    const { violations, modules } = await cruise(repo, ["packages", "apps"]);
    expect(violations).toEqual([]);
    expect(modules).toBeGreaterThan(150); // every source file was found and resolved
  }, 120_000);

  it("fire on a tree that breaks each of them", async () => {
    cpSync(join(repo, "tsconfig.base.json"), join(scratch, "tsconfig.base.json"));
    write({
      // Infrastructure reaching up into a domain.
      "packages/api/src/jobs/queue.ts": 'import { summaryJob } from "../summaries/service.js";\nexport const q = summaryJob;\n',
      "packages/api/src/summaries/service.ts": "export const summaryJob = 1;\n",
      // One domain importing a domain above it.
      "packages/api/src/meetings/router.ts": 'import { s } from "../summaries/router.js";\nexport const m = s;\n',
      "packages/api/src/summaries/router.ts": "export const s = 1;\n",
      // A service that knows tRPC, and a domain importing the composition root.
      "packages/api/src/users/service.ts":
        'import { t } from "../trpc.js";\nimport { root } from "../app/router.js";\nexport const u = [t, root];\n',
      "packages/api/src/trpc.ts": "export const t = 1;\n",
      "packages/api/src/app/router.ts": "export const root = 1;\n",
      // A loop inside one level.
      "packages/api/src/shared/a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "packages/api/src/shared/b.ts": 'import type { a } from "./a.js";\nexport const b: typeof a | 1 = 1;\n',
      // Contracts importing a value.
      "packages/contracts/src/index.ts": 'import { a } from "../../api/src/shared/a.js";\nexport const leaked = a;\n',
    });
    const { violations } = await cruise(scratch, ["packages"]);
    const found = violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "no-upward-import:infrastructure: packages/api/src/jobs/queue.ts -> packages/api/src/summaries/service.ts",
        "no-upward-import:meetings: packages/api/src/meetings/router.ts -> packages/api/src/summaries/router.ts",
        "services-import-no-trpc: packages/api/src/users/service.ts -> packages/api/src/trpc.ts",
        "nothing-imports-the-composition-root: packages/api/src/users/service.ts -> packages/api/src/app/router.ts",
        "no-circular: packages/api/src/shared/a.ts -> packages/api/src/shared/b.ts",
        "contracts-import-types-only: packages/contracts/src/index.ts -> packages/api/src/shared/a.ts",
      ]),
    );
  }, 120_000);
});
