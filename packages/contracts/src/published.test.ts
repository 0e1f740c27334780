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
import type { AppCode, AppRouter, RouterInputs, RouterOutputs } from "@meetmind/contracts";
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

export function appCodeOf(error: unknown): AppCode | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.appCode : undefined;
}

// Every code handled, or the never check below does not compile: a code the API adds breaks this build.
export function reactionTo(code: AppCode): "retry" | "sign in" | "fix input" | "denied" | "conflict" | "missing" | "bug" {
  switch (code) {
    case "rate_limited": case "askmind_budget_exceeded": case "ai_quota_exceeded": case "too_many_requests": case "service_unavailable":
    case "database_unavailable": case "timeout": case "gateway_timeout": case "bad_gateway": case "client_closed_request":
      return "retry";
    case "unauthorized": case "invalid_credentials": case "account_deactivated": case "session_expired":
    case "invalid_refresh_token": case "refresh_token_reused": case "invalid_api_key":
      return "sign in";
    case "share_password_required": case "share_password_invalid":
      return "fix input";
    case "invalid_input": case "invalid_json": case "parse_error": case "bad_request": case "validation_failed":
    case "invalid_token": case "token_used": case "token_expired": case "cannot_target_self": case "weak_password":
    case "password_too_long": case "malformed_transcript": case "transcript_missing": case "interview_has_no_transcript": case "invalid_time_range":
    case "invalid_cursor": case "not_failed": case "base_url_not_allowed": case "api_key_required":
    case "api_key_storage_unavailable": case "invalid_prompt": case "interview_meeting": case "payload_too_large": case "transcript_too_large":
    case "unsupported_media_type": case "unprocessable_content": case "precondition_failed":
    case "precondition_required": case "payment_required":
      return "fix input";
    case "forbidden": case "insufficient_role": case "csrf_rejected": case "invite_email_mismatch":
    case "email_not_verified": case "not_author": case "insufficient_access":
      return "denied";
    case "not_link_creator": case "api_key_scope":
      return "denied";
    case "conflict": case "email_taken": case "slug_taken": case "last_owner": case "already_member":
    case "invite_pending": case "already_participant": case "duplicate_external_id": case "too_many_prompts": case "too_many_grants":
    case "stale_prompt_version":
      return "conflict";
    case "group_name_taken": case "already_in_group": case "too_many_api_keys":
      return "conflict";
    case "not_group_admin":
      return "denied";
    case "not_on_panel":
      return "denied";
    case "scorecard_template_position_taken": case "scorecard_template_archived": case "rating_scale_locked":
    case "scorecard_submitted": case "interview_cancelled":
      return "conflict";
    case "interview_has_no_template": case "invalid_category": case "invalid_rating": case "scorecard_incomplete":
      return "fix input";
    case "candidate_email_taken": case "interview_meeting_in_use":
      return "conflict";
    case "unknown_stage": case "grant_requires_member_role":
      return "fix input";
    case "not_found": case "method_not_supported": case "not_implemented":
      return "missing";
    case "internal_server_error":
      return "bug";
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

export function reactionToFailure(error: unknown): string {
  const code = appCodeOf(error);
  return code === undefined ? "offline" : reactionTo(code);
}
`;

// Every line marked "fails" must be an error, and nothing else may be.
const WRONG = `
import { TRPCClientError } from "@trpc/client";
import type { AppCode, AppRouter } from "@meetmind/contracts";
import { client } from "./client.js";

export async function mistakes(): Promise<void> {
  await client.auth.signIn.mutate({ email: "a@example.com", password: "x" }); // fails: no such procedure
  await client.auth.login.mutate({ email: "a@example.com", password: 42 }); // fails: wrong input type
  await client.auth.login.query({ email: "a@example.com", password: "x" }); // fails: a mutation, not a query
  const live = await client.health.live.query();
  const uptime: string = live.uptimeSeconds; // fails: the output field is a number
  console.log(uptime);
}

export function codes(error: TRPCClientError<AppRouter>): void {
  const code = error.data?.appCode;
  if (code === "email_taekn") return; // fails: a misspelt appCode
  const typo: AppCode = "emailTaken"; // fails: not an appCode
  console.log(typo);
}

export function partly(code: AppCode): string {
  switch (code) {
    case "email_taken":
    case "rate_limited":
      return code;
    default: {
      const unhandled: never = code; // fails: the switch misses codes
      return unhandled;
    }
  }
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

  it("rejects wrong procedures, inputs, uses of outputs and appCodes at compile time", () => {
    const marked = WRONG.split("\n").flatMap((text, index) => (text.includes("// fails:") ? [index + 1] : []));
    expect(marked).toHaveLength(7);
    const failing = new Set(diagnostics.filter((diagnostic) => diagnostic.file === "wrong.ts").map((diagnostic) => diagnostic.line));
    expect([...failing]).toEqual(marked);
  });
});
