import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { hasPgvector } from "./vector.js";

let database: TestDatabase;
const clients: Db[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()));
  await database?.close();
});

/**
 * A new client of the test database (hasPgvector remembers its answer per client) that counts
 * the pgvector checks it runs.
 */
function countedClient(): { db: Db; checks: () => number } {
  let checks = 0;
  const db = createPrismaClient(database.url, { poolSize: 1, onQuery: (sql) => void (sql.includes("pg_extension") && checks++) });
  clients.push(db);
  return { db, checks: () => checks };
}

/** What the database itself says, asked without hasPgvector. */
async function extensionPresent(): Promise<boolean> {
  const [row] = await database.db.$queryRaw<
    { present: boolean }[]
  >`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS present`;
  return row?.present === true;
}

describe("hasPgvector", () => {
  it("answers what the database says, and asks a client only once", async () => {
    const present = await extensionPresent();
    const { db, checks } = countedClient();
    expect(await hasPgvector(db)).toBe(present);
    expect(await hasPgvector(db)).toBe(present);
    expect(checks()).toBe(1);
  });

  it("answers false for a database without the extension", async () => {
    const hadIt = await extensionPresent();
    // Neither the embedded PostgreSQL nor the local server ships pgvector, but a test server may have
    // it installed in this database: then it is dropped, so the answer must come from the database.
    await database.db.$executeRaw`DROP EXTENSION IF EXISTS vector`;
    try {
      // A new client: the answer remembered for another client says nothing about this one.
      const { db } = countedClient();
      expect(await hasPgvector(db)).toBe(false);
    } finally {
      if (hadIt) await database.db.$executeRaw`CREATE EXTENSION IF NOT EXISTS vector`;
    }
  });

  it("does not remember a failed check: the next call asks the database again", async () => {
    const present = await extensionPresent();
    // The connection fails for the first check (the database was unreachable), then works.
    let calls = 0;
    const flaky = {
      $queryRaw: (query: TemplateStringsArray, ...values: unknown[]) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) : database.db.$queryRaw(query, ...values);
      },
    } as unknown as Db;

    // Unknown this time: retrieval falls back to full text rather than failing the question.
    expect(await hasPgvector(flaky)).toBe(false);
    expect(await hasPgvector(flaky)).toBe(present);
    expect(calls).toBe(2);
    // The answer the database gave is the one kept.
    expect(await hasPgvector(flaky)).toBe(present);
    expect(calls).toBe(2);
  });
});
