import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { enableDirectQueries, type StatementNames } from "./direct.js";
import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
  /** Named prepared statements for queryRows' hot reads (DATABASE_PREPARED_STATEMENTS); off by default. */
  preparedStatements?: boolean;
  /** Receives every SQL statement (tests count queries with it, to catch N+1 patterns). */
  onQuery?: (sql: string) => void;
}

/**
 * Distinct statements that get a name. Postgres keeps a named statement (parsed, and after a few
 * runs planned) for the life of the connection; the cap bounds what each connection holds.
 */
const MAX_NAMED_STATEMENTS = 200;

/**
 * Names statements by their text: the same SQL always gets the same name; new SQL past the cap gets
 * "" (pg's unnamed statement, parsed on every run). After forget(), names start over under a new
 * prefix, so no connection mistakes a name it prepared before for the new statement.
 */
function statementNames(): StatementNames {
  let names = new Map<string, string>();
  let generation = 0;
  return {
    name(sql) {
      const known = names.get(sql);
      if (known !== undefined) return known;
      if (names.size >= MAX_NAMED_STATEMENTS) return "";
      const name = `mm_${generation}_${names.size}`;
      names.set(sql, name);
      return name;
    },
    forget() {
      names = new Map();
      generation += 1;
    },
  };
}

function loggingClient(adapter: PrismaPg, onQuery: (sql: string) => void): PrismaClient {
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (event) => onQuery(event.query));
  return client;
}

/**
 * The connection URL with PostgreSQL's JIT compiler off in its startup options (any options the URL
 * gives are kept). Our statements are short OLTP reads whose planner cost can still cross
 * `jit_above_cost` (the meeting access rule's subqueries raise the estimate): JIT then spent 20–70 ms
 * compiling a `meetings.list` that runs in 10 ms, a 4× loss measured with bench:http. In the URL,
 * because pg lets a connection string's fields override the config's.
 */
export function withJitOff(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const given = parsed.searchParams.get("options");
  parsed.searchParams.set("options", given ? `${given} -c jit=off` : "-c jit=off");
  return parsed.toString();
}

/** The one place a PrismaClient is made: always through the pg driver adapter, no native engine. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  // Our pool, given to the adapter, so the hot reads of direct.ts can use the same connections.
  const pool = new pg.Pool({ connectionString: withJitOff(url), max: options.poolSize ?? 10 });
  // From the start (the adapter would attach its own only on Prisma's first query): an idle
  // connection dropped by the server must not crash a process whose first reads were direct.
  pool.on("error", options.onPoolError ?? (() => undefined));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = options.onQuery ? loggingClient(adapter, options.onQuery) : new PrismaClient({ adapter });
  enableDirectQueries(client, { pool, names: options.preparedStatements ? statementNames() : undefined, onQuery: options.onQuery });
  return client;
}

export type Db = PrismaClient;
