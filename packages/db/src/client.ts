import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { enableDirectQueries } from "./direct.js";
import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  /** Connections in the pool. Embedded PGlite serialises them anyway; keep it small there. */
  poolSize?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
  /** Named prepared statements (the server's choice, DATABASE_PREPARED_STATEMENTS); off by default. */
  preparedStatements?: boolean;
  /** Receives every SQL statement (tests count queries with it, to catch N+1 patterns). */
  onQuery?: (sql: string) => void;
}

/**
 * Distinct statements that get a name. Postgres keeps a named statement (parsed, and after a few
 * runs planned) for the life of the connection, so the hot reads skip parsing and planning; the cap
 * bounds what each connection holds when queries vary in shape (an `IN` list of any length).
 */
const MAX_NAMED_STATEMENTS = 500;

/**
 * Names statements by their text: the same SQL always gets the same name; new SQL past the cap gets
 * "" (pg's unnamed statement, parsed on every run).
 */
function statementNamer(): (sql: string) => string {
  const names = new Map<string, string>();
  return (sql) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= MAX_NAMED_STATEMENTS) return "";
    const name = `mm_${names.size}`;
    names.set(sql, name);
    return name;
  };
}

function loggingClient(adapter: PrismaPg, onQuery: (sql: string) => void): PrismaClient {
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (event) => onQuery(event.query));
  return client;
}

/** The one place a PrismaClient is made: always through the pg driver adapter, no native engine. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  // Our pool, given to the adapter, so the hot reads of direct.ts can use the same connections.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  const name = options.preparedStatements ? statementNamer() : () => "";
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(options.preparedStatements ? { statementNameGenerator: ({ sql }: { sql: string }) => name(sql) } : {}),
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  const client = options.onQuery ? loggingClient(adapter, options.onQuery) : new PrismaClient({ adapter });
  enableDirectQueries(client, { pool, name, onQuery: options.onQuery });
  return client;
}

export type Db = PrismaClient;
