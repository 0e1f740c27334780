// Hot reads straight through the pool Prisma itself uses. Prisma runs a raw query through its query
// interpreter and maps every row and value a second time; for the most frequent reads
// (meetings.list/get, transcripts.get) that was an eighth of the request's CPU. `queryRows` sends
// the same `Prisma.sql` statement to the same pg pool (named, when prepared statements are on) and
// returns pg's rows. Only for clients made by createPrismaClient (and their workspace-scoped
// versions): inside a transaction, on any other client, or once the client is disconnected, it is
// Prisma's `$queryRaw` as before.
import type pg from "pg";
import type { Prisma } from "./generated/prisma/client.js";

export interface StatementNames {
  /** The prepared statement's name for this SQL, or "" for none. */
  name(sql: string): string;
  /** Drops every name: the next use of a statement prepares it again, under a new name. */
  forget(): void;
}

interface Direct {
  pool: pg.Pool;
  names: StatementNames | undefined;
  onQuery: ((sql: string) => void) | undefined;
}

const directs = new WeakMap<object, Direct>();

/** Called by createPrismaClient: `client` may send its hot reads straight to `pool`. */
export function enableDirectQueries(client: object, direct: Direct): void {
  directs.set(client, direct);
}

/** An extended client (scopedDb) reads through the pool of the client it extends. */
export function shareDirectQueries(from: object, to: object): void {
  const direct = directs.get(from);
  if (direct) directs.set(to, direct);
}

/** Socket failures of our own pool, labelled as @prisma/adapter-pg labels them (see health/database-errors). */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

interface RawQueryable {
  $queryRaw<T>(query: Prisma.Sql): Prisma.PrismaPromise<T>;
}

/**
 * What a named statement can meet that an unnamed one would not: a migration changed what it returns
 * (0A000, "cached plan must not change result type"), or a pooler in between lost or mixed up the
 * session that held it (26000 does not exist, 42P05 already exists).
 */
const STALE_STATEMENT = new Set(["0A000", "26000", "42P05"]);

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

export interface QueryRowsOptions {
  /**
   * Run it as a named prepared statement (when the client has them on): parsed once per connection.
   * For the hot reads whose plan does not depend on the values; not for statements that a generic
   * plan would serve badly (search ranks by what the query matches).
   */
  prepare?: boolean;
}

/** The rows of one read statement, with pg's types: numbers, strings, booleans, Dates, arrays. */
export async function queryRows<T>(db: RawQueryable, query: Prisma.Sql, options: QueryRowsOptions = {}): Promise<T[]> {
  const direct = directs.get(db);
  if (!direct || direct.pool.ending || direct.pool.ended) return db.$queryRaw<T[]>(query);
  const text = query.text;
  direct.onQuery?.(text);
  const run = (name: string) =>
    direct.pool.query<T & pg.QueryResultRow>({ ...(name ? { name } : {}), text, values: query.values }).then((result) => result.rows);
  const name = options.prepare && direct.names ? direct.names.name(text) : "";
  try {
    return await run(name).catch((error: unknown) => {
      if (!name || !STALE_STATEMENT.has(codeOf(error) as string)) throw error;
      // Every connection may hold the stale statement: new names everywhere, and this one unnamed.
      direct.names?.forget();
      return run("");
    });
  } catch (error) {
    const code = codeOf(error);
    if (typeof code === "string" && UNREACHABLE.has(code)) {
      throw Object.assign(new Error(`The database is unreachable (${code})`, { cause: error }), { kind: "DatabaseNotReachable" });
    }
    throw error;
  }
}
