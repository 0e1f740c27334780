// Graceful shutdown under load, as an orchestrator does it: a real server process, keep-alive
// clients writing and reading without pause, SIGTERM in the middle, then the database re-opened
// to see what was really stored.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createPrismaClient, openDatabase } from "@meetmind/db";
import { createTestDatabase } from "@meetmind/db/testing";
import { loadTestEnv } from "@meetmind/config";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const SHUTDOWN_TIMEOUT_MS = 20_000;
const CLIENTS = 6;

const children: ChildProcess[] = [];
const agents: http.Agent[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const agent of agents.splice(0)) agent.destroy();
});

function startServerProcess(settings: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    // eslint-disable-next-line no-restricted-properties -- the child needs PATH and the like.
    ...process.env,
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    SEED_DEMO: "false",
    BCRYPT_COST: "4",
    ...settings,
  };
  // The test runner's own database settings must not leak into the server under test.
  delete env.TEST_DATABASE_URL;
  if (!settings.DATABASE_URL) delete env.DATABASE_URL;
  // tsx as a loader inside one node process: its CLI wrapper relays signals to a second process and
  // SIGKILLs it if that does not acknowledge within 30 ms, which a loaded machine can miss.
  const child = spawn(process.execPath, ["--conditions=@meetmind/source", "--import", "tsx", "src/main.ts"], { cwd: serverDir, env });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  return {
    child,
    exited,
    output: () => output,
    async url(): Promise<string> {
      const started = Date.now();
      for (;;) {
        const match = /MeetMind listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match?.[1]) return match[1];
        if (child.exitCode !== null || Date.now() - started > 120_000) throw new Error(`server did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/**
 * How a request ended. "answered": a complete response. "unsent": the connection was refused, or
 * closed before any of the response arrived. "cut": a response began and never completed.
 */
type Outcome =
  | { ended: "answered"; status: number; connectionClose: boolean; body: string }
  | { ended: "unsent"; error: string }
  | { ended: "cut"; error: string };

function send(url: string, agent: http.Agent, method: "GET" | "POST", target: string, token: string, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const request = http.request(`${url}${target}`, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error: NodeJS.ErrnoException) => settle({ ended: "cut", error: error.code ?? error.message }));
      response.on("aborted", () => settle({ ended: "cut", error: "aborted" }));
      response.on("end", () =>
        settle({
          ended: "answered",
          status: response.statusCode ?? 0,
          connectionClose: response.headers.connection === "close",
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on("error", (error: NodeJS.ErrnoException) => settle({ ended: "unsent", error: error.code ?? error.message }));
    request.end(body);
  });
}

it("on SIGTERM finishes every request under way, tells keep-alive clients to leave, loses no acknowledged write, and exits 0 in time", {
  timeout: 240_000,
}, async () => {
  const { TEST_DATABASE_URL } = loadTestEnv();
  // Embedded: the server's own PostgreSQL in a data directory (stopped, so flushed, at shutdown).
  const external = TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const scratch = await mkdtemp(path.join(tmpdir(), "meetmind-shutdown-"));
  // As root the embedded PostgreSQL runs as the postgres OS user, which must pass through (0700: no).
  await chmod(scratch, 0o711);
  const dataDir = path.join(scratch, "data");
  try {
    const server = startServerProcess({
      PORT: "0",
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...(external ? { DATABASE_URL: external.url } : { DATA_DIR: dataDir }),
    });
    const url = await server.url();
    const signup = await fetch(`${url}/trpc/auth.signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: `shutdown-${crypto.randomUUID()}@example.com`, password: "Correct-Horse-9-Battery" } }),
    });
    const token = ((await signup.json()) as { result: { data: { json: { accessToken: string } } } }).result.data.json.accessToken;
    const workspace = await fetch(`${url}/trpc/workspaces.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: { name: "Shutdown club" } }),
    });
    const workspaceId = ((await workspace.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;

    const writes: { title: string; outcome: Outcome }[] = [];
    const reads: Outcome[] = [];
    let stop = false;
    // Each client: one keep-alive connection, a write then a read, over and over, until the server
    // turns it away (a real client would then go to another instance).
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      for (let n = 0; !stop; n++) {
        const title = `load ${client}-${n}`;
        const outcome = await send(url, agent, "POST", "/trpc/meetings.create", token, JSON.stringify({ json: { workspaceId, title } }));
        writes.push({ title, outcome });
        if (outcome.ended !== "answered") return;
        const input = encodeURIComponent(JSON.stringify({ json: { workspaceId, limit: 5 } }));
        const read = await send(url, agent, "GET", `/trpc/meetings.list?input=${input}`, token);
        reads.push(read);
        if (read.ended !== "answered") return;
      }
    });

    // A slow upload, mid-body when SIGTERM arrives: an in-flight request that must still be served.
    const slowBody = JSON.stringify({ json: { workspaceId, title: "slow upload" } });
    const slowAgent = new http.Agent({ keepAlive: true });
    agents.push(slowAgent);
    const slowRequest = http.request(`${url}/trpc/meetings.create`, {
      method: "POST",
      // Keep-alive, like the others: whether the connection closes after it is the server's call.
      agent: slowAgent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(slowBody), authorization: `Bearer ${token}` },
    });
    slowRequest.write(slowBody.slice(0, 20));
    const slowAnswer = new Promise<Outcome>((resolve) => {
      slowRequest.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () =>
          resolve({
            ended: "answered",
            status: response.statusCode ?? 0,
            connectionClose: response.headers.connection === "close",
            body: text,
          }),
        );
        response.on("error", (error) => resolve({ ended: "cut", error: error.message }));
      });
      slowRequest.on("error", (error) => resolve({ ended: "cut", error: error.message }));
    });

    // Load is under way when the signal comes.
    await expect
      .poll(() => writes.filter((write) => write.outcome.ended === "answered").length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3 * CLIENTS);
    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    slowRequest.end(slowBody.slice(20));
    const exit = await server.exited;
    const slow = await slowAnswer;
    stop = true;
    await Promise.all(clients);

    // In time and cleanly.
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(server.output()).toContain("shutdown complete");
    expect(server.output()).not.toContain("shutdown deadline reached");

    // Nothing cut mid-way: every request either got its whole answer, or was never taken on.
    const outcomes = [...writes.map((write) => write.outcome), ...reads, slow];
    expect(outcomes.filter((outcome) => outcome.ended === "cut")).toEqual([]);
    for (const outcome of outcomes) {
      if (outcome.ended === "answered") expect(outcome.status).toBe(200);
      else expect(["ECONNREFUSED", "ECONNRESET", "EPIPE"]).toContain(outcome.error);
    }
    // The upload under way was finished, and told its client to reconnect elsewhere; so were
    // the keep-alive clients that kept sending during the drain.
    expect(slow).toMatchObject({ ended: "answered", status: 200, connectionClose: true });
    expect(outcomes.some((outcome) => outcome.ended === "answered" && outcome.connectionClose && outcome !== slow)).toBe(true);

    // Every acknowledged write is stored; nothing that went unanswered is.
    const embedded = external ? undefined : await openDatabase({ databaseUrl: undefined, dataDir, migrate: false });
    const db = external?.db ?? createPrismaClient(embedded?.url ?? "", { poolSize: 1 });
    try {
      const stored = new Set(
        (await db.meeting.findMany({ where: { workspaceId }, select: { title: true } })).map((meeting) => meeting.title),
      );
      const acknowledged = writes.filter((write) => write.outcome.ended === "answered").map((write) => write.title);
      const unanswered = writes.filter((write) => write.outcome.ended !== "answered").map((write) => write.title);
      expect(acknowledged.length).toBeGreaterThanOrEqual(3 * CLIENTS);
      expect(acknowledged.filter((title) => !stored.has(title))).toEqual([]);
      expect(unanswered.filter((title) => stored.has(title))).toEqual([]);
      expect(stored.has("slow upload")).toBe(true);
    } finally {
      if (embedded) {
        await db.$disconnect();
        await embedded.close();
      }
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await external?.close();
    // A PostgreSQL cluster (~40 MB). Best effort: one still stopping may add a file meanwhile.
    await rm(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {});
  }
});
