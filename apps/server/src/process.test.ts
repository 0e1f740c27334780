// The server as an operator runs it: a real process, real signals, the embedded database on disk.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "@meetmind/db/testing";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tsx = path.join(serverDir, "node_modules/.bin/tsx");
/** Issue 14: a fresh clone's server is healthy within 10 s of starting, on the embedded database. */
const START_BUDGET_MS = 10_000;

interface Running {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  // The whole group: killing tsx alone would leave the server it runs (its child) behind.
  for (const child of children.splice(0)) if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
});

// Each holds a PostgreSQL cluster (~40 MB): removed after the file's tests.
const scratch: string[] = [];
async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "meetmind-data-"));
  scratch.push(dir);
  return dir;
}
afterAll(() =>
  Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {}))),
);

/** Runs the server (or, given a script, another of our commands) with these settings. */
function run(settings: Record<string, string>, script = { cwd: serverDir, file: "src/main.ts" }): Running {
  // eslint-disable-next-line no-restricted-properties -- the child needs PATH and the like.
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info", NODE_ENV: "development", ...settings };
  // The test runner's own database settings must not leak into the server under test.
  delete env.TEST_DATABASE_URL;
  if (!settings.DATABASE_URL) delete env.DATABASE_URL;
  const child = spawn(tsx, ["--conditions=@meetmind/source", script.file], { cwd: script.cwd, env, detached: true });
  children.push(child);
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    async waitFor(pattern, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const match = pattern.exec(text);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${text}`);
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Resolves when the server listens ("serving") or with its exit code when it stops first. */
function outcome(server: Running): Promise<"serving" | number | null> {
  return server.waitFor(/MeetMind listening on/, 60_000).then(
    () => "serving" as const,
    () => server.exited,
  );
}

/** The process id on the server's log lines (pino writes it on each). */
function loggedPid(server: Running): number {
  return Number(/"pid":(\d+)/.exec(server.output())?.[1]);
}

/** Starts two servers on dataDir at the same moment; expects one to serve and the other to refuse. */
async function startTwoAtOnce(dataDir: string): Promise<Running> {
  const pair = [run({ DATA_DIR: dataDir, PORT: "0" }), run({ DATA_DIR: dataDir, PORT: "0" })] as const;
  const outcomes = await Promise.all(pair.map(outcome));
  expect(
    outcomes.filter((result) => result === "serving"),
    pair.map((server) => server.output()).join("\n---\n"),
  ).toHaveLength(1);
  const [serving, refused] = outcomes[0] === "serving" ? pair : [pair[1], pair[0]];
  expect(outcomes).toContain(1);
  // The refusal names the process that serves, so the operator knows what to stop.
  expect(refused.output()).toContain(`already served by process ${loggedPid(serving)}`);
  return serving;
}

describe("server process", () => {
  it("refuses to start with invalid settings, listing every problem", async () => {
    const server = run({ NODE_ENV: "production", PORT: "not-a-port", LOG_LEVEL: "loud", DATA_DIR: "/nonexistent" });
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toContain("Invalid configuration");
    expect(output).toMatch(/PORT: /);
    expect(output).toMatch(/LOG_LEVEL: /);
    expect(output).toMatch(/JWT_SECRET: is required in production/);
  });

  it("runs on the embedded database: migrates, seeds once, persists, and shuts down gracefully", async () => {
    const dataDir = await newDataDir();

    // A fresh clone's first start: creating the database, migrating and seeding included, through
    // tsx (slower than `pnpm serve`'s built code), it must be ready within START_BUDGET_MS.
    const started = Date.now();
    const first = run({ DATA_DIR: dataDir, PORT: "0" });
    const [, url] = await first.waitFor(/MeetMind listening on (http:\/\/[\d.:]+)/, 60_000);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(Date.now() - started, first.output()).toBeLessThan(START_BUDGET_MS);
    expect(first.output()).toMatch(/Creating the embedded PostgreSQL 17 database/);
    expect(first.output()).toMatch(/Applying migration \d{14}_init/);
    expect(first.output()).toMatch(/Log in as demo@meetmind\.local with password \S+/);
    expect(existsSync(path.join(dataDir, "embedded.json"))).toBe(true);

    // A subscription in flight when SIGTERM arrives still completes before the process exits.
    const stream = fetch(`${url}/trpc/health.watch?input=${encodeURIComponent(JSON.stringify({ json: { intervalMs: 200, count: 4 } }))}`, {
      headers: { accept: "text/event-stream" },
    }).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 150));
    first.child.kill("SIGTERM");
    const events = (await stream).match(/"sequence":\d/g) ?? [];
    expect(events).toHaveLength(4);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("shutdown complete");
    expect(existsSync(path.join(dataDir, "embedded.json"))).toBe(false);

    // Every PostgreSQL process stopped with the server.
    const postmaster = Number((await readFile(path.join(dataDir, "pgdata", "postmaster.pid"), "utf8").catch(() => "0")).split("\n")[0]);
    expect(postmaster).toBe(0);

    // Second start: the data survived (no new seed, no migration to apply).
    const restarted = Date.now();
    const second = run({ DATA_DIR: dataDir, PORT: "0" });
    await second.waitFor(/MeetMind listening on/, 60_000);
    expect(Date.now() - restarted, second.output()).toBeLessThan(START_BUDGET_MS);
    expect(second.output()).not.toMatch(/Creating the embedded PostgreSQL/);
    expect(second.output()).not.toMatch(/Seeded a demo workspace/);
    expect(second.output()).not.toMatch(/Applying migration/);

    // A second server on the same directory is refused instead of corrupting it.
    const third = run({ DATA_DIR: dataDir, PORT: "0" });
    expect(await third.exited).toBe(1);
    expect(third.output()).toMatch(/already served by process/);

    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  }, 120_000);

  it("of two servers started at once on one data directory, exactly one serves, also over a stale lock", { timeout: 180_000 }, async () => {
    const dataDir = await newDataDir();
    const first = await startTwoAtOnce(dataDir);

    // Killed without a chance to clean up, it leaves its lock behind (and maybe, for a moment, its
    // PostgreSQL server): the next starters take over, and again only one of two started together.
    // (The server's own process: tsx, its parent, would leave it running.)
    process.kill(loggedPid(first), "SIGKILL");
    await first.exited;
    expect(existsSync(path.join(dataDir, "lock"))).toBe(true);
    const second = await startTwoAtOnce(dataDir);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    // Nothing of the lock is left after a clean stop.
    expect((await readdir(dataDir)).sort()).toEqual(["pgdata", "postgres-password"]);
  });

  it("reads a relative DATA_DIR from the repository root, as the db tools do, and logs no database password", {
    timeout: 120_000,
  }, async () => {
    // Relative paths that meant different directories from apps/server and from packages/db.
    const relative = path.join("node_modules/.cache", `meetmind-test-${randomUUID()}`);
    const dataDir = path.join(repoRoot, relative);
    try {
      // The server runs in apps/server, `pnpm db:seed` in packages/db.
      const server = run({ DATA_DIR: relative, PORT: "0" });
      await server.waitFor(/MeetMind listening on/, 60_000);
      const { url: databaseUrl } = JSON.parse(await readFile(path.join(dataDir, "embedded.json"), "utf8")) as { url: string };
      // The log names the database but keeps its password out (it is in embedded.json).
      expect(server.output()).toContain(new URL(databaseUrl).port);
      expect(server.output()).not.toContain(new URL(databaseUrl).password);
      const seed = run({ DATA_DIR: relative }, { cwd: path.join(repoRoot, "packages/db"), file: "../../prisma/seed.ts" });
      expect(await seed.exited).toBe(0);
      // It went through the running server to the database the server seeded.
      expect(seed.output()).toContain(`served by process ${loggedPid(server)}`);
      expect(seed.output()).toContain("already has users");

      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("with DATABASE_URL uses that server and never touches the embedded directory", async () => {
    const database = await createTestDatabase();
    try {
      const dataDir = path.join(await newDataDir(), "data");
      const server = run({ DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: "0" });
      const [, url] = await server.waitFor(/MeetMind listening on (http:\/\/[\d.:]+)/);
      expect(server.output()).toContain('"database":"postgres"');
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
      expect(await readdir(path.dirname(dataDir))).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
