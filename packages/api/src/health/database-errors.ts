// "The database is down" told apart from every other failure, so a request that meets an outage
// answers 503 with a retry hint instead of 500. Covers what pg and Prisma's pg adapter report when
// the server refuses, drops or cannot hand out a connection.
import { ServiceUnavailableError } from "../errors.js";

/** How long clients are asked to wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Prisma: P1001 cannot reach the server, P1002 reached it but timed out, P1008 operation timed out,
// P1017 the server closed the connection, P2024 no pool connection in time, P2037 too many connections.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// @prisma/adapter-pg's kinds for socket failures; raw queries carry them as P2010 with this cause.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// SQLSTATE: class 08 connection exceptions (not 08P01, a protocol violation: a bug, not an outage),
// 57P01–57P03 (shutting down, crashed, starting up), 53300 (too many connections).
const SQLSTATE = /^(0800[0-7]|57P0[1-3]|53300)$/;
// pg raises these as plain Errors, without a code, when a connection dies under a query or the pool
// cannot hand one out; Prisma passes them through as they are.
const PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;
// P2028 also covers expired transactions (our bug, not an outage): only its start timeout counts.
const TRANSACTION_START_TIMEOUT = "Unable to start a transaction in the given time";

function signalsOutage(error: object): boolean {
  const { name, code, errorCode, kind, message, severity } = error as Record<string, unknown>;
  if (typeof name === "string" && name.startsWith("PrismaClient")) {
    const prismaCode = typeof code === "string" ? code : errorCode;
    if (typeof prismaCode === "string" && PRISMA_CODES.has(prismaCode)) return true;
    if (prismaCode === "P2028" && typeof message === "string" && message.includes(TRANSACTION_START_TIMEOUT)) return true;
  }
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  // The adapter's "postgres" kind and pg's own DatabaseError both carry the SQLSTATE in `code`.
  if ((kind === "postgres" || typeof severity === "string") && typeof code === "string" && SQLSTATE.test(code)) return true;
  return error instanceof Error && PG_MESSAGES.test(error.message);
}

/**
 * Whether an error (or anything in its cause chain, or the driver error Prisma keeps in
 * `meta.driverAdapterError`) says the database could not be reached or dropped the connection.
 * Socket errors of other clients (the model's API, SMTP, Redis) do not count: only pg's and Prisma's shapes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    if (signalsOutage(current)) return true;
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    pending.push(cause, meta?.driverAdapterError);
  }
  return false;
}

/** What a request that met a database outage answers: 503, `database_unavailable`, retry in a few seconds. */
export function databaseUnavailableError(cause: unknown): ServiceUnavailableError {
  const error = new ServiceUnavailableError(
    DATABASE_RETRY_AFTER_SECONDS,
    "The database is unavailable, try again shortly",
    "database_unavailable",
  );
  // Kept for the server's log; clients see only the message above.
  error.cause = cause;
  return error;
}
