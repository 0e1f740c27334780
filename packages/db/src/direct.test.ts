// queryRows: the hot reads' way past Prisma's raw-query mapping, same rows, same types.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient, type Db } from "./client.js";
import { queryRows } from "./direct.js";
import { Prisma } from "./generated/prisma/client.js";
import { scopedDb } from "./scope.js";
import { createTestDatabase, type TestDatabase } from "./testing.js";

let database: TestDatabase;
let db: Db;
const statements: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrismaClient(database.url, { poolSize: 1, onQuery: (sql) => void statements.push(sql) });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.close();
});

// One of each type the hot reads return: uuid, text, int, bigint-free counts, bool, timestamptz,
// text[], json, float, null.
const sample = Prisma.sql`
  SELECT ${"0190d6a0-0000-7000-8000-000000000001"}::uuid AS id, ${"a title"}::text AS title, 42::int AS n,
         true AS flag, ${new Date("2026-12-03T10:11:12.345Z")}::timestamptz AS at, ARRAY['a', 'b']::text[] AS tags,
         json_build_object('editedAt', '2026-12-03T10:11:12.345+00:00', 'k', 1) AS doc, 0.5::float8 AS rank, NULL::text AS none`;

it("returns what $queryRaw returns, through the client's own pool", async () => {
  statements.length = 0;
  const direct = await queryRows<Record<string, unknown>>(db, sample);
  // Counted like any other statement (tests count queries with onQuery).
  expect(statements).toHaveLength(1);
  expect(direct).toEqual(await db.$queryRaw<Record<string, unknown>[]>(sample));
  expect(direct[0]?.at).toEqual(new Date("2026-12-03T10:11:12.345Z"));
  expect(direct[0]?.n).toBe(42);
});

it("reads through a workspace-scoped client's pool too, and inside a transaction through the transaction", async () => {
  const scoped = scopedDb(db, "0190d6a0-0000-7000-8000-0000000000ff");
  expect(await queryRows(scoped, Prisma.sql`SELECT 1::int AS one`)).toEqual([{ one: 1 }]);
  const email = `tx-${crypto.randomUUID()}@example.com`;
  const seen = await db.$transaction(async (tx) => {
    await tx.user.create({ data: { email, passwordHash: "x" } });
    // Not committed yet: only a read inside the transaction can see it.
    return queryRows<{ email: string }>(tx, Prisma.sql`SELECT email FROM users WHERE email = ${email}`);
  });
  expect(seen).toEqual([{ email }]);
});

it("labels a refused connection as the database being unreachable", async () => {
  // Nothing listens on port 9 (discard).
  const dead = createPrismaClient("postgresql://postgres@127.0.0.1:9/none", { poolSize: 1 });
  try {
    await expect(queryRows(dead, Prisma.sql`SELECT 1`)).rejects.toMatchObject({ kind: "DatabaseNotReachable" });
  } finally {
    await dead.$disconnect();
  }
});

it("goes through Prisma once the client's pool is closed (Prisma opens a new one)", async () => {
  const client = createPrismaClient(database.url, { poolSize: 1 });
  await client.$queryRaw`SELECT 1`;
  await client.$disconnect();
  expect(await queryRows(client, Prisma.sql`SELECT 2::int AS two`)).toEqual([{ two: 2 }]);
  await client.$disconnect();
});
