// The embedded PostgreSQL server's life: created once, data kept across restarts, many sessions at
// once, every process gone after close, and nothing a crashed owner left behind in the way.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded.js";
import { useScratchEmbedded } from "./testing/scratch-embedded.js";
import { isRunning, postgresBinaries, postgresOsUser, spawnProgram } from "./postgres-process.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const { opened, newDataDir, open } = useScratchEmbedded();

async function query<R extends Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, "pgdata", "postmaster.pid"), "utf8")).split("\n")[0]);
}

/** The processes whose parent is pid (Linux: /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command name, which is in parentheses: state, then parent pid.
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) children.push(Number(entry));
  }
  return children;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const linux = existsSync("/proc/self/stat");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("embedded database: lifecycle", () => {
  it("keeps its data across restarts, and serves many sessions at once", { timeout: 60_000 }, async () => {
    // A data directory whose parents do not exist yet: they are made as any folder (the directory
    // itself private), so that, as root, the postgres OS user can pass through them.
    const scratch = await newDataDir();
    await chmod(scratch, 0o711);
    const dataDir = path.join(scratch, "a", "b", "data");
    const first = await open(dataDir);
    await query(first.url, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");
    await first.close();

    const second = await open(dataDir);
    expect(await query(second.url, "SELECT body FROM notes")).toEqual([{ body: "kept" }]);
    // Real sessions: eight connections sleeping 0.5 s each take about 0.5 s, not 4 s.
    const pool = new pg.Pool({ connectionString: second.url, max: 8 });
    try {
      const started = Date.now();
      const pids = await Promise.all(
        Array.from({ length: 8 }, () => pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, pg_sleep(0.5)")),
      );
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(new Set(pids.map((result) => result.rows[0]?.pid)).size).toBe(8);
    } finally {
      await pool.end();
    }
  });

  it.runIf(linux)("stops every PostgreSQL process on close, and leaves the directory reusable", { timeout: 60_000 }, async () => {
    const dataDir = await newDataDir();
    const embedded = await open(dataDir);
    const postmaster = await postmasterPid(dataDir);
    const children = await childrenOf(postmaster);
    // The checkpointer, background writer, WAL writer... are the postmaster's children.
    expect(children.length).toBeGreaterThanOrEqual(3);
    await embedded.close();
    for (const pid of [postmaster, ...children]) expect(await isRunning(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, "pgdata", "postmaster.pid"))).toBe(false);
    expect((await readdir(dataDir)).sort()).toEqual(["pgdata", "postgres-password"]);
  });

  it("stops a PostgreSQL server left running on the directory by a process that died", { timeout: 60_000 }, async () => {
    const dataDir = await newDataDir();
    await (await open(dataDir)).close();
    // What a crashed owner leaves where PostgreSQL is not told to follow it (no setpriv, e.g. macOS):
    // a postmaster on the directory that nobody manages.
    const { postgres } = await postgresBinaries();
    const pgdata = path.join(dataDir, "pgdata");
    const args = ["-D", pgdata, "-p", String(await freePort()), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
    const leftover = await spawnProgram(postgres, args, { user: await postgresOsUser(), dieWithUs: false });
    expect(await waitUntil(async () => existsSync(path.join(pgdata, "postmaster.pid")), 10_000)).toBe(true);
    const pid = await postmasterPid(dataDir);
    expect(pid).toBe(leftover.pid);

    const logs: string[] = [];
    const embedded = await startEmbeddedPostgres({ dataDir, log: (message) => logs.push(message) });
    opened.push(embedded);
    expect(await isRunning(pid)).toBe(false);
    expect(logs.join("\n")).toContain(`Stopping the PostgreSQL server (process ${pid}) that a previous process left running`);
    expect(await query(embedded.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });

  it("starts over a postmaster.pid whose process id now belongs to another program", { timeout: 60_000 }, async () => {
    const dataDir = await newDataDir();
    await (await open(dataDir)).close();
    // A crash left the file; after a reboot its process id is ours (a live process, not PostgreSQL).
    const pidFile = path.join(dataDir, "pgdata", "postmaster.pid");
    await writeFile(pidFile, `${process.pid}\n${path.join(dataDir, "pgdata")}\n`);
    const embedded = await open(dataDir);
    expect(await query(embedded.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });

  it.runIf(linux && existsSync("/usr/bin/setpriv"))(
    "takes its PostgreSQL server down with it when killed (SIGKILL)",
    { timeout: 60_000 },
    async () => {
      const dataDir = await newDataDir();
      const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@meetmind/source", "src/testing/open-data-dir.ts", dataDir], {
        cwd: packageDir,
        stdio: ["pipe", "pipe", "inherit"],
      });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("serving") && resolve());
          child.once("exit", () => reject(new Error("the opener exited")));
        });
        const postmaster = await postmasterPid(dataDir);
        expect(await isRunning(postmaster)).toBe(true);
        child.kill("SIGKILL");
        expect(await waitUntil(async () => !(await isRunning(postmaster)), 15_000)).toBe(true);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    },
  );

  it.runIf(userInfo().uid === 0 && existsSync("/usr/bin/setpriv"))(
    "runs PostgreSQL as the user itself when that user is not root",
    { timeout: 60_000 },
    async () => {
      // The other tests here run as root (CI, these machines): PostgreSQL runs as the postgres OS
      // user. A user that is not root (nobody) runs it as itself, in a directory only it can open.
      const scratch = await newDataDir();
      await chmod(scratch, 0o755);
      const dataDir = path.join(scratch, "data");
      const nobody = { uid: 65_534, gid: 65_534 };
      await chown(scratch, nobody.uid, nobody.gid);
      const child = spawn(
        "/usr/bin/setpriv",
        [`--reuid=${nobody.uid}`, `--regid=${nobody.gid}`, "--clear-groups", "--", process.execPath, "--import", "tsx"].concat([
          "--conditions=@meetmind/source",
          "src/testing/open-data-dir.ts",
          dataDir,
        ]),
        { cwd: packageDir, stdio: ["pipe", "pipe", "inherit"], env: { PATH: "/usr/bin:/bin", HOME: scratch } },
      );
      try {
        const said = await new Promise<string>((resolve, reject) => {
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes("}")) resolve(output);
          });
          child.once("exit", () => reject(new Error(`the opener exited: ${output}`)));
        });
        expect(said).toContain("serving");
        const { url } = JSON.parse(await readFile(path.join(dataDir, "embedded.json"), "utf8")) as { url: string };
        expect(await query(url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
        const owner = await Promise.all([stat(dataDir), stat(path.join(dataDir, "pgdata"))]);
        expect(owner.map((info) => [info.uid, (info.mode & 0o777).toString(8)])).toEqual([
          [nobody.uid, "700"],
          [nobody.uid, "700"],
        ]);
        const postmaster = await postmasterPid(dataDir);
        child.stdin.end();
        await new Promise((resolve) => child.once("exit", resolve));
        expect(child.exitCode).toBe(0);
        expect(await isRunning(postmaster)).toBe(false);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    },
  );

  it("gives a data directory a new password when its password file was deleted", { timeout: 60_000 }, async () => {
    const dataDir = await newDataDir();
    const first = await open(dataDir);
    const old = first.url;
    await query(old, "CREATE TABLE kept (id int)");
    await first.close();
    await rm(path.join(dataDir, "postgres-password"));

    const logs: string[] = [];
    const second = await startEmbeddedPostgres({ dataDir, log: (message) => logs.push(message) });
    opened.push(second);
    expect(logs.join("\n")).toContain("Set the new password");
    expect(new URL(second.url).password).not.toBe(new URL(old).password);
    expect(await query(second.url, "SELECT count(*)::int AS n FROM kept")).toEqual([{ n: 0 }]);
    const withOld = new URL(second.url);
    withOld.password = new URL(old).password;
    await expect(query(withOld.toString(), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
  });

  it("refuses, saying what to do, a directory of the former embedded database", async () => {
    const pglite = await newDataDir();
    // PGlite 0.5 kept a PostgreSQL 18 cluster in pgdata.
    await mkdir(path.join(pglite, "pgdata"));
    await writeFile(path.join(pglite, "pgdata", "PG_VERSION"), "18\n");
    await writeFile(path.join(pglite, "postgres-password"), "earlier\n", { mode: 0o600 });
    await expect(startEmbeddedPostgres({ dataDir: pglite })).rejects.toThrow(
      /holds a PostgreSQL 18 database \(made by the former embedded database, PGlite\).*Move the data directory away/s,
    );
    // Its password and data are left as they were, and no lock.
    expect((await readdir(pglite)).sort()).toEqual(["pgdata", "postgres-password"]);
    expect(await readFile(path.join(pglite, "postgres-password"), "utf8")).toBe("earlier\n");
  });
});
