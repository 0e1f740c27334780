// Embedded Postgres: PGlite (Postgres compiled to wasm) persisted in a data directory and served on
// loopback with the Postgres wire protocol, so the app, the migrator, psql and Prisma Studio all
// talk to it exactly as they talk to a real server.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** postgres:// URL of the loopback socket. */
  url: string;
  dataDir: string | undefined;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Persist here; omitted = in memory (tests). */
  dataDir?: string;
  /** A `dumpDataDir` tarball to start from (fast test isolation). */
  snapshot?: Blob;
  port?: number;
  maxConnections?: number;
}

/** Written into the data directory while a process serves it, so other tools (Studio) find it. */
export const EMBEDDED_STATE_FILE = "embedded.json";
const PGDATA = "pgdata";

interface EmbeddedState {
  pid: number;
  url: string;
}

export class EmbeddedInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly state: EmbeddedState,
  ) {
    super(
      `The embedded database in ${dataDir} is already served by process ${state.pid} at ${state.url}. ` +
        "Stop that process, or connect to its URL instead of opening the directory again.",
    );
    this.name = "EmbeddedInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The URL of an embedded database another process is serving from dataDir, if any. */
export async function findRunningEmbedded(dataDir: string): Promise<EmbeddedState | undefined> {
  try {
    const state = JSON.parse(await readFile(path.join(dataDir, EMBEDDED_STATE_FILE), "utf8")) as EmbeddedState;
    return isAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dataDir) {
    // PGlite is single-process: opening the same directory twice would corrupt it.
    const running = await findRunningEmbedded(dataDir);
    if (running) throw new EmbeddedInUseError(dataDir, running);
    await mkdir(dataDir, { recursive: true });
  }

  const db = await PGlite.create({
    ...(dataDir ? { dataDir: path.join(dataDir, PGDATA) } : {}),
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
    extensions: { vector },
  });
  // pgvector ships with PGlite, so the embedded database always has it (Ask Mind's vector
  // retrieval uses it when embeddings are configured); on a real server it is the operator's choice.
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 32,
  });
  await server.start();
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;

  const stateFile = dataDir ? path.join(dataDir, EMBEDDED_STATE_FILE) : undefined;
  if (stateFile) await writeFile(stateFile, JSON.stringify({ pid: process.pid, url } satisfies EmbeddedState));

  let closed = false;
  return {
    url,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      // close() flushes PGlite's files to disk; without it recent writes can be lost.
      await db.close();
      if (stateFile) await rm(stateFile, { force: true });
    },
  };
}

/** A tarball of an embedded database, for starting copies of it quickly. */
export async function snapshotEmbedded(setup: (url: string) => Promise<void>): Promise<Blob> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
  await server.start();
  try {
    await setup(`postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`);
  } finally {
    await server.stop();
  }
  const blob = await db.dumpDataDir("none");
  await db.close();
  return blob;
}
