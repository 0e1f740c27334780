// Hot reads straight through the pool Prisma itself uses. Prisma runs a raw query through its query
// interpreter and maps every row and value a second time; for the most frequent reads
// (meetings.list/get, transcripts.get) that was an eighth of the request's CPU. `queryRows` sends
// the same `Prisma.sql` statement to the same pg pool (named, when prepared statements are on) and
// returns pg's rows. Only for clients made by createPrismaClient (and their workspace-scoped
// versions): inside a transaction, or on any other client, it is Prisma's `$queryRaw` as before.
import type pg from "pg";
import type { Prisma } from "./generated/prisma/client.js";

interface Direct {
  pool: pg.Pool;
  /** The prepared statement's name for this SQL, or "" for none. */
  name: (sql: string) => string;
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

/** The rows of one read statement, with pg's types: numbers, strings, booleans, Dates, arrays. */
export async function queryRows<T>(db: RawQueryable, query: Prisma.Sql): Promise<T[]> {
  const direct = directs.get(db);
  if (!direct) return db.$queryRaw<T[]>(query);
  direct.onQuery?.(query.text);
  try {
    const name = direct.name(query.text);
    const result = await direct.pool.query<T & pg.QueryResultRow>({ ...(name ? { name } : {}), text: query.text, values: query.values });
    return result.rows;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE.has(code)) {
      throw Object.assign(new Error(`The database is unreachable (${code})`, { cause: error }), { kind: "DatabaseNotReachable" });
    }
    throw error;
  }
}
