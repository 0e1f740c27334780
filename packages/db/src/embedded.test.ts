// The embedded database as other local processes see it: one owner per data directory, and no
// client in without the directory's password. (Its lifecycle: embedded-lifecycle.test.ts.)
import { spawn, type ChildProcess } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.js";
import { useScratchEmbedded } from "./testing/scratch-embedded.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

const { newDataDir, open } = useScratchEmbedded();
const children: ChildProcess[] = [];
// Registered after the fixture's, so it runs first: the children go before the servers close.
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

interface Opener {
  child: ChildProcess;
  /** What the process said: it serves (its pid), or why it refused. */
  outcome: Promise<{ serving?: number; refused?: string }>;
}

/** A separate process that opens dataDir (src/testing/open-data-dir.ts). */
function openInProcess(dataDir: string): Opener {
  // Node itself runs the file (tsx as a loader), so child.pid is the process that opens it.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@meetmind/source", "src/testing/open-data-dir.ts", dataDir], {
    cwd: packageDir,
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const outcome = new Promise<{ serving?: number; refused?: string }>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^\{.*\}$/m.exec(output)?.[0];
      if (line) resolve(JSON.parse(line) as { serving?: number; refused?: string });
    });
    child.once("exit", () => reject(new Error(`exited without saying:\n${output}`)));
  });
  return { child, outcome };
}

/** Opens dataDir from several processes at the same moment; exactly one must serve it. */
async function openAtOnce(dataDir: string, count: number): Promise<Opener> {
  const openers = Array.from({ length: count }, () => openInProcess(dataDir));
  const outcomes = await Promise.all(openers.map((opener) => opener.outcome));
  const serving = outcomes.filter((outcome) => outcome.serving);
  expect(serving, JSON.stringify(outcomes)).toHaveLength(1);
  const winner = openers[outcomes.findIndex((outcome) => outcome.serving)]!;
  expect(serving[0]!.serving).toBe(winner.child.pid);
  // Every other one refused, naming the process that serves.
  for (const outcome of outcomes.filter((outcome) => !outcome.serving)) {
    expect(outcome.refused).toContain(`already served by process ${winner.child.pid}.`);
  }
  return winner;
}

describe("embedded database: one process per data directory", () => {
  it("of several processes opening a new directory at once, exactly one serves it", { timeout: 90_000 }, async () => {
    const dataDir = await newDataDir();
    const winner = await openAtOnce(dataDir, 4);
    winner.child.stdin!.end();
    await new Promise((resolve) => winner.child.once("exit", resolve));
    expect(winner.child.exitCode).toBe(0);
  });

  it("takes over the lock of a killed process, in exactly one of several processes started at once", { timeout: 90_000 }, async () => {
    const dataDir = await newDataDir();
    const first = openInProcess(dataDir);
    expect((await first.outcome).serving).toBe(first.child.pid);
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const winner = await openAtOnce(dataDir, 4);
    winner.child.stdin!.end();
    await new Promise((resolve) => winner.child.once("exit", resolve));
    expect(winner.child.exitCode).toBe(0);
  });

  it("refuses a directory this process serves or a live process holds, and takes over its own id's stale lock", async () => {
    const served = await newDataDir();
    await open(served);
    await expect(startEmbeddedPostgres({ dataDir: served })).rejects.toThrow(`already served by process ${process.pid}.`);

    // A lock naming another live process (here, our parent) is respected, whatever else is there.
    const held = await newDataDir();
    await writeFile(path.join(held, "lock"), JSON.stringify({ pid: process.ppid, token: "held" }));
    await expect(startEmbeddedPostgres({ dataDir: held })).rejects.toThrow(`already served by process ${process.ppid}.`);

    // Our own id in a lock we do not hold: an earlier process with the same id (pid 1 in a
    // restarted container) died holding it.
    const stale = await newDataDir();
    await writeFile(path.join(stale, "lock"), JSON.stringify({ pid: process.pid, token: "earlier" }));
    const embedded = await open(stale);
    expect(await query(embedded.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });
});

describe("embedded database: password", () => {
  let dataDir: string;
  let embedded: EmbeddedPostgres;
  beforeAll(async () => {
    dataDir = await newDataDir();
    embedded = await startEmbeddedPostgres({ dataDir });
  });
  afterAll(() => embedded.close());

  it("lets in only clients that know the data directory's password", async () => {
    expect(await query(embedded.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    for (const password of ["postgres", "wrong"]) {
      await expect(query(withPassword(embedded.url, password), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    }
    // Without a password node-postgres cannot even answer the server's challenge.
    await expect(query(withPassword(embedded.url, ""), "SELECT 1")).rejects.toThrow(/password/);
  });

  it("runs nothing a client sends before it has proved the password", async () => {
    const socket = connect(Number(new URL(embedded.url).port), "127.0.0.1");
    const body = Buffer.from("\0\0\0\0user\0postgres\0database\0postgres\0\0", "latin1");
    body.writeInt32BE(196_608, 0); // protocol 3.0
    const startup = Buffer.concat([Buffer.alloc(4), body]);
    startup.writeInt32BE(startup.length, 0);
    const sql = Buffer.from("SELECT 'leaked' || '-row'\0", "latin1");
    const queryMessage = Buffer.concat([Buffer.from("Q"), Buffer.alloc(4), sql]);
    queryMessage.writeInt32BE(4 + sql.length, 1);
    socket.write(Buffer.concat([startup, queryMessage]));
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(received.toString("latin1")).not.toContain("leaked-row");
    // The server asked for SCRAM, then gave up on the client.
    expect(received.toString("latin1")).toContain("SCRAM-SHA-256");
  });

  it("listens on loopback TCP only, and asks every client for the password", async () => {
    expect(new URL(embedded.url).hostname).toBe("127.0.0.1");
    const [settings] = await query(
      embedded.url,
      "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets",
    );
    expect(settings).toEqual({ listen: "127.0.0.1", sockets: "" });
    const rules = await query(embedded.url, "SELECT type, address, auth_method, error FROM pg_hba_file_rules ORDER BY rule_number");
    expect(rules).toEqual([{ type: "host", address: "127.0.0.1", auth_method: "scram-sha-256", error: null }]);
  });

  it("keeps one password per data directory, readable by its owner only", async () => {
    const password = new URL(embedded.url).password;
    expect(password.length).toBeGreaterThanOrEqual(32);
    // As root, PostgreSQL runs as the postgres OS user, which must pass through to its cluster.
    const root = userInfo().uid === 0;
    expect(((await stat(dataDir)).mode & 0o777).toString(8)).toBe(root ? "711" : "700");
    const cluster = await stat(path.join(dataDir, "pgdata"));
    expect((cluster.mode & 0o777).toString(8)).toBe("700");
    expect(cluster.uid === userInfo().uid).toBe(!root);
    // The file names are documented (README, Troubleshooting).
    for (const file of ["postgres-password", "embedded.json"]) {
      const info = await stat(path.join(dataDir, file));
      expect((info.mode & 0o777).toString(8)).toBe("600");
      expect(info.uid).toBe(userInfo().uid);
    }
    await embedded.close();

    embedded = await startEmbeddedPostgres({ dataDir });
    expect(new URL(embedded.url).password).toBe(password);
    const other = await open(await newDataDir());
    expect(new URL(other.url).password).not.toBe(password);
  });
});
