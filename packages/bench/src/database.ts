// A database for a bench or an evaluation: a given one as it is, a temporary embedded PostgreSQL
// server, or a fresh database on a Postgres server, dropped afterwards unless kept.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "@meetmind/db";

/** The machine's Postgres, where scripts create their fresh databases by default. */
export const LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface ScratchDatabase {
  url: string;
  /** For reports: which database this was. */
  label: string;
  close(): Promise<void>;
}

export interface ScratchOptions {
  /** Use this database as it is; never dropped. */
  databaseUrl?: string | undefined;
  /** A temporary embedded PostgreSQL server (deleted afterwards) instead of a database on adminUrl. */
  embedded?: boolean | undefined;
  /** Any database on the server where the fresh one is created. */
  adminUrl: string;
  /** Names the fresh database, e.g. "bench_search". */
  purpose: string;
  keep?: boolean | undefined;
  /** Told where a kept database is. */
  progress?: (message: string) => void;
}

async function adminQuery<R extends pg.QueryResultRow>(adminUrl: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** "15.20" for the server at `url`. */
export async function postgresVersion(url: string): Promise<string> {
  const rows = await adminQuery<{ server_version: string }>(url, "SHOW server_version");
  return rows[0]?.server_version.split(" ")[0] ?? "?";
}

export async function openScratchDatabase(options: ScratchOptions): Promise<ScratchDatabase> {
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    return { url, label: `given database ${new URL(url).pathname.slice(1)}`, close: async () => {} };
  }
  if (options.embedded) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, label: "embedded PostgreSQL 17 (temporary, no fsync)", close: () => embedded.close() };
  }
  // Generated here, never input: safe to put in the statement (identifiers cannot be bound).
  const name = `meetmind_${options.purpose}_${randomBytes(4).toString("hex")}`;
  await adminQuery(options.adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: `fresh database ${name}${options.keep ? " (kept)" : " (dropped afterwards)"}`,
    async close() {
      if (options.keep) options.progress?.(`kept: ${url.toString()}`);
      else await adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
