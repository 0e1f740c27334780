// `pnpm db:studio` against each kind of database, asking Studio's own backend for rows.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../embedded.js";
import { applyMigrations } from "../migrations/apply.js";
import { createTestDatabase } from "../testing.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
});

// Each holds a PostgreSQL cluster (~40 MB): removed after the file's tests.
const scratch: string[] = [];
async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "meetmind-studio-"));
  scratch.push(dir);
  return dir;
}
afterAll(() =>
  Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {}))),
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `pnpm db:studio` (its script) and returns a function that runs SQL through Studio. */
async function startStudio(settings: Record<string, string>) {
  const port = await freePort();
  // eslint-disable-next-line no-restricted-properties -- the child needs PATH and the like.
  const env: NodeJS.ProcessEnv = { ...process.env, ...settings, STUDIO_PORT: String(port) };
  delete env.TEST_DATABASE_URL;
  if (!settings.DATABASE_URL) delete env.DATABASE_URL;
  const child = spawn(path.join(packageDir, "node_modules/.bin/tsx"), ["--conditions=@meetmind/source", "src/cli/studio.ts"], {
    cwd: packageDir,
    env,
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const query = async (sql: string): Promise<unknown> => {
    const response = await fetch(`http://127.0.0.1:${port}/bff`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ procedure: "query", query: { sql, parameters: [] } }),
    });
    const [error, rows] = (await response.json()) as [unknown, unknown];
    if (error) throw new Error(JSON.stringify(error));
    return rows;
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`studio exited:\n${output}`);
    if (Date.now() - started > 40_000) throw new Error(`studio did not start:\n${output}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { query, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function insertUser(url: string, email: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), $1, now())", [email]);
  await client.end();
}

describe("pnpm db:studio", { timeout: 90_000 }, () => {
  it("browses the database at DATABASE_URL", async () => {
    const database = await createTestDatabase();
    try {
      await insertUser(database.url, "real@example.com");
      const studio = await startStudio({ DATABASE_URL: database.url });
      expect(await studio.query("SELECT email FROM users")).toEqual([{ email: "real@example.com" }]);
    } finally {
      await database.close();
    }
  });

  it("browses the embedded database through the PostgreSQL a running server started", async () => {
    const dataDir = await newDataDir();
    // Stands in for the running server: it owns the directory and runs its PostgreSQL.
    const embedded = await startEmbeddedPostgres({ dataDir });
    try {
      await applyMigrations(embedded.url);
      await insertUser(embedded.url, "while-running@example.com");
      const studio = await startStudio({ DATA_DIR: dataDir });
      expect(await studio.query("SELECT email FROM users")).toEqual([{ email: "while-running@example.com" }]);
      expect(studio.output()).toContain("embedded database");
    } finally {
      for (const child of children.splice(0)) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      await embedded.close();
    }
  });

  it("serves the embedded directory itself when no server runs", async () => {
    const dataDir = await newDataDir();
    const studio = await startStudio({ DATA_DIR: dataDir });
    // It applied the migrations, so the tables are there to browse.
    expect(await studio.query("SELECT count(*)::int AS n FROM users")).toEqual([{ n: 0 }]);
  });
});
