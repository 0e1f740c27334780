// What a frontend outside the monorepo gets: pack the contract as it would be published, install
// the tarball into a scratch project in a temporary folder (no workspace, no @meetmind/api), and
// type-check calls there. A declaration that still imports a workspace package would give `any`
// (or a missing-module error) instead of the router: the wrong calls below must not compile.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** The scratch project installs the versions the workspace has: the store has them, offline. */
async function installedVersion(name: string): Promise<string> {
  for (const modules of ["node_modules", "../../node_modules"]) {
    const manifest = await readFile(join(packageDir, modules, name, "package.json"), "utf8").catch(() => null);
    if (manifest) return (JSON.parse(manifest) as { version: string }).version;
  }
  throw new Error(`${name} is not installed in the workspace`);
}

const CLIENT = `
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@meetmind/contracts";

export const client = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "http://127.0.0.1:3000/trpc", transformer: superjson })],
});
`;

// Must compile, with types precise enough to be useful (literal status, Date through superjson).
const CORRECT = `
import { TRPCClientError } from "@trpc/client";
import type { AppRouter, RouterInputs, RouterOutputs } from "@meetmind/contracts";
import { client } from "./client.js";

export async function signIn(email: string, password: string): Promise<Date> {
  const input: RouterInputs["auth"]["login"] = { email, password };
  const session: RouterOutputs["auth"]["login"] = await client.auth.login.mutate(input);
  const userId: string = session.user.id;
  const live = await client.health.live.query();
  const status: "ok" = live.status;
  console.log(userId, status);
  return session.accessTokenExpiresAt;
}

export function appCodeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.appCode : undefined;
}
`;

// Every line marked "fails" must be an error, and nothing else may be.
const WRONG = `
import { client } from "./client.js";

export async function mistakes(): Promise<void> {
  await client.auth.signIn.mutate({ email: "a@example.com", password: "x" }); // fails: no such procedure
  await client.auth.login.mutate({ email: "a@example.com", password: 42 }); // fails: wrong input type
  await client.auth.login.query({ email: "a@example.com", password: "x" }); // fails: a mutation, not a query
  const live = await client.health.live.query();
  const uptime: string = live.uptimeSeconds; // fails: the output field is a number
  console.log(uptime);
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ESNext", "DOM", "DOM.Iterable"],
    module: "ESNext",
    moduleResolution: "Bundler",
    strict: true,
    noEmit: true,
    // Check the published declaration itself too: a dangling reference there must not pass as any.
    skipLibCheck: false,
    types: [],
  },
  files: ["client.ts", "correct.ts", "wrong.ts"],
};

let scratch: string;
let declaration: string;
let diagnostics: { file: string; line: number; code: string }[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "contracts-consumer-"));
  // `pnpm pack` runs prepack, the build: the tarball carries declarations of the current sources.
  await run("pnpm", ["pack", "--pack-destination", scratch], { cwd: packageDir });
  const tarball = (await readdir(scratch)).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack left no tarball in ${scratch}`);

  const dependencies: Record<string, string> = { "@meetmind/contracts": `file:./${tarball}` };
  for (const name of ["@trpc/client", "@trpc/server", "superjson", "typescript"]) {
    dependencies[name] = await installedVersion(name);
  }
  await writeFile(join(scratch, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }));
  await writeFile(join(scratch, "tsconfig.json"), JSON.stringify(TSCONFIG));
  await writeFile(join(scratch, "client.ts"), CLIENT);
  await writeFile(join(scratch, "correct.ts"), CORRECT);
  await writeFile(join(scratch, "wrong.ts"), WRONG);
  await run("pnpm", ["install", "--ignore-workspace", "--no-frozen-lockfile", "--prefer-offline"], { cwd: scratch });

  declaration = await readFile(join(scratch, "node_modules/@meetmind/contracts/dist/index.d.ts"), "utf8");
  const tsc = join(scratch, "node_modules/typescript/bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: scratch }).then(
    ({ stdout }) => stdout,
    (error: Error & { stdout?: string }) => error.stdout ?? String(error),
  );
  diagnostics = [...result.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+)/gm)].map(([, file, line, code]) => ({
    file: file!,
    line: Number(line),
    code: code!,
  }));
}, 240_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the published contract, installed outside the workspace", () => {
  it("imports nothing but its peer dependencies: no workspace package", async () => {
    const manifest = JSON.parse(await readFile(join(scratch, "node_modules/@meetmind/contracts/package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    const imported = [...declaration.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map(
      ([, from, dynamic]) => from ?? dynamic,
    );
    expect(imported.filter((specifier) => specifier?.startsWith("@meetmind/"))).toEqual([]);
    expect(new Set(imported)).toEqual(new Set(Object.keys(manifest.peerDependencies)));
    expect(declaration).toMatch(/type AppRouter\b/);
  });

  it("type-checks correct calls with precise types", () => {
    expect(diagnostics.filter((diagnostic) => diagnostic.file !== "wrong.ts")).toEqual([]);
  });

  it("rejects wrong procedures, inputs and uses of outputs at compile time", () => {
    const marked = WRONG.split("\n").flatMap((text, index) => (text.includes("// fails:") ? [index + 1] : []));
    expect(marked).toHaveLength(4);
    const failing = new Set(diagnostics.filter((diagnostic) => diagnostic.file === "wrong.ts").map((diagnostic) => diagnostic.line));
    expect([...failing]).toEqual(marked);
  });
});
