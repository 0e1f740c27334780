import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
  /** Receives every SQL statement (tests count queries with it, to catch N+1 patterns). */
  onQuery?: (sql: string) => void;
}

/** The one place a PrismaClient is made: always through the pg driver adapter, no native engine. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: options.poolSize ?? 10 },
    options.onPoolError ? { onPoolError: options.onPoolError } : undefined,
  );
  if (!options.onQuery) return new PrismaClient({ adapter });
  const onQuery = options.onQuery;
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (event) => onQuery(event.query));
  return client;
}

export type Db = PrismaClient;
