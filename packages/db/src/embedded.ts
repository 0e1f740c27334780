// Embedded Postgres: PGlite (Postgres compiled to wasm) persisted in a data directory and served on
// loopback with the Postgres wire protocol, so the app, the migrator, psql and Prisma Studio all
// talk to it exactly as they talk to a real server. Clients need the data directory's password.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir, lockHolder, type DataDirLock } from "./data-dir-lock.js";
import { startPasswordGate } from "./password-gate.js";
import { resolveDataDir } from "./paths.js";

export { EmbeddedInUseError } from "./data-dir-lock.js";

export interface EmbeddedPostgres {
  /** postgres:// URL of the loopback socket, password included. */
  url: string;
  dataDir: string | undefined;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Persist here (relative: to the repository root); omitted = in memory (tests). */
  dataDir?: string;
  /** A `dumpDataDir` tarball to start from (fast test isolation). */
  snapshot?: Blob;
  port?: number;
  maxConnections?: number;
}

/** Written into the data directory while a process serves it, so other tools (Studio) find it. */
export const EMBEDDED_STATE_FILE = "embedded.json";
/** The password clients need, generated with the data directory and kept in it. */
export const PASSWORD_FILE = "postgres-password";
const PGDATA = "pgdata";

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

async function dataDirPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    const password = (await readFile(file, "utf8")).trim();
    if (password) return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // URL-safe, so it goes into postgres:// URLs as it is.
  const password = randomBytes(24).toString("base64url");
  await writePrivateFile(file, `${password}\n`);
  return password;
}

interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves db on loopback behind the password gate. */
async function serve(db: PGlite, password: string, port: number, maxConnections: number): Promise<Served> {
  // The socket server itself checks no password, so it listens where only this user can connect.
  const socketDir = await mkdtemp(path.join(tmpdir(), "meetmind-pg-"));
  const server = new PGLiteSocketServer({ db, path: path.join(socketDir, "socket"), maxConnections });
  try {
    await server.start();
    const gate = await startPasswordGate({ host: "127.0.0.1", port, password, upstream: path.join(socketDir, "socket") });
    return {
      url: `postgresql://postgres:${password}@127.0.0.1:${gate.port}/postgres?sslmode=disable`,
      async close() {
        await gate.close();
        await server.stop();
        await rm(socketDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop();
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir ? resolveDataDir(options.dataDir) : undefined;
  let lock: DataDirLock | undefined;
  if (dataDir) {
    // The database files and its password are for this user only (as Postgres requires of its
    // data directory); an existing directory made before that is tightened.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700).catch(() => undefined);
    // PGlite is single-process: a second process opening the same directory would lose writes.
    lock = await lockDataDir(dataDir);
  }

  const stateFile = dataDir ? path.join(dataDir, EMBEDDED_STATE_FILE) : undefined;
  let db: PGlite | undefined;
  let served: Served | undefined;
  try {
    const password = dataDir ? await dataDirPassword(dataDir) : randomBytes(24).toString("base64url");
    db = await PGlite.create({
      ...(dataDir ? { dataDir: path.join(dataDir, PGDATA) } : {}),
      ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
      extensions: { vector },
    });
    // pgvector ships with PGlite, so the embedded database always has it (Ask Mind's vector
    // retrieval uses it when embeddings are configured); on a real server it is the operator's choice.
    await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
    served = await serve(db, password, options.port ?? 0, options.maxConnections ?? 32);
    // It holds the password: readable by this user only.
    if (stateFile) await writePrivateFile(stateFile, JSON.stringify({ pid: process.pid, url: served.url } satisfies EmbeddedState));
  } catch (error) {
    await served?.close();
    await db?.close();
    await lock?.release();
    throw error;
  }

  const database = db;
  const socket = served;
  let closed = false;
  return {
    url: served.url,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await socket.close();
      // close() flushes PGlite's files to disk; without it recent writes can be lost.
      await database.close();
      if (stateFile) await rm(stateFile, { force: true });
      await lock?.release();
    },
  };
}

/** A tarball of an embedded database, for starting copies of it quickly. */
export async function snapshotEmbedded(setup: (url: string) => Promise<void>): Promise<Blob> {
  const db = await PGlite.create();
  const served = await serve(db, randomBytes(24).toString("base64url"), 0, 8);
  try {
    await setup(served.url);
  } finally {
    await served.close();
  }
  const blob = await db.dumpDataDir("none");
  await db.close();
  return blob;
}
