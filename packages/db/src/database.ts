// Chooses the database: the Postgres at DATABASE_URL, or embedded PGlite in DATA_DIR.
import { findRunningEmbedded, startEmbeddedPostgres } from "./embedded.js";
import { applyMigrations } from "./migrations/apply.js";

export interface DatabaseTarget {
  mode: "postgres" | "embedded";
  url: string;
  /** Stops the embedded database (flushing it to disk); nothing to do for a real server. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort?: number;
  migrate?: boolean;
  /** Tools (migrate, studio) may share an embedded database a running server already serves. */
  reuseRunningEmbedded?: boolean;
  log?: (message: string) => void;
}

async function resolveTarget(options: OpenDatabaseOptions): Promise<DatabaseTarget> {
  if (options.databaseUrl) return { mode: "postgres", url: options.databaseUrl, close: async () => {} };
  if (options.reuseRunningEmbedded) {
    const running = await findRunningEmbedded(options.dataDir);
    if (running) return { mode: "embedded", url: running.url, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    ...(options.embeddedPort !== undefined ? { port: options.embeddedPort } : {}),
  });
  return { mode: "embedded", url: embedded.url, close: () => embedded.close() };
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseTarget> {
  const target = await resolveTarget(options);
  try {
    if (options.migrate ?? true) await applyMigrations(target.url, options.log ? { log: options.log } : {});
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}
