// Chooses the database: the Postgres at DATABASE_URL, or the embedded PostgreSQL in DATA_DIR.
import { findRunningEmbedded, startEmbeddedPostgres } from "./embedded.js";
import { applyMigrations } from "./migrations/apply.js";
import { resolveDataDir } from "./paths.js";

export interface DatabaseTarget {
  mode: "postgres" | "embedded";
  url: string;
  /** The embedded database's directory (absolute); undefined on a real server. */
  dataDir: string | undefined;
  /** Stops the embedded database's server; nothing to do for a server at DATABASE_URL. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** DATA_DIR; a relative path is relative to the repository root. */
  dataDir: string;
  embeddedPort?: number;
  migrate?: boolean;
  /** Tools (migrate, studio) may share an embedded database a running server already serves. */
  reuseRunningEmbedded?: boolean;
  log?: (message: string) => void;
}

async function resolveTarget(options: OpenDatabaseOptions): Promise<DatabaseTarget> {
  if (options.databaseUrl) return { mode: "postgres", url: options.databaseUrl, dataDir: undefined, close: async () => {} };
  const dataDir = resolveDataDir(options.dataDir);
  if (options.reuseRunningEmbedded) {
    const running = await findRunningEmbedded(dataDir);
    if (running) {
      options.log?.(`Using the embedded database in ${dataDir}, served by process ${running.pid}.`);
      return { mode: "embedded", url: running.url, dataDir, close: async () => {} };
    }
  }
  const embedded = await startEmbeddedPostgres({
    dataDir,
    ...(options.embeddedPort !== undefined ? { port: options.embeddedPort } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { mode: "embedded", url: embedded.url, dataDir, close: () => embedded.close() };
}

/** The URL as it may appear in logs: the password is a secret (the embedded one is in DATA_DIR). */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = "";
  return parsed.toString();
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
