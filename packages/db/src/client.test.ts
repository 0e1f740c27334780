// Named prepared statements: what the server turns on with DATABASE_PREPARED_STATEMENTS.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient, type Db } from "./client.js";
import { createTestDatabase, type TestDatabase } from "./testing.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

/** The statements this client's one connection has prepared, by name. */
async function prepared(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`SELECT name FROM pg_prepared_statements ORDER BY name`;
  return rows.map((row) => row.name);
}

it("names each distinct statement once per connection, so Postgres parses and plans it once", async (context) => {
  // PGlite serves every connection from one session: names from two clients collide there.
  if (database.mode === "embedded") return context.skip();
  const db = createPrismaClient(database.url, { poolSize: 1, preparedStatements: true });
  try {
    for (let i = 0; i < 3; i++) await db.user.findMany({ where: { email: `someone-${i}@example.com` }, select: { id: true } });
    const names = await prepared(db);
    // The findMany (same SQL three times: one name) and the pg_prepared_statements query itself.
    expect(names).toEqual(["mm_0", "mm_1"]);
  } finally {
    await db.$disconnect();
  }
});

it("stops naming new statements past its cap, and names none when off", async (context) => {
  if (database.mode === "embedded") return context.skip();
  const db = createPrismaClient(database.url, { poolSize: 1, preparedStatements: true });
  try {
    // 520 distinct texts: more than the 500 the cap allows.
    for (let i = 0; i < 520; i++) await db.$queryRawUnsafe(`SELECT ${i}::int AS n`);
    expect(await prepared(db)).toHaveLength(500);
  } finally {
    await db.$disconnect();
  }
  const off = createPrismaClient(database.url, { poolSize: 1 });
  try {
    await off.user.count();
    expect(await prepared(off)).toEqual([]);
  } finally {
    await off.$disconnect();
  }
});
