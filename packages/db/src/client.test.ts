// Named prepared statements for the hot reads (queryRows { prepare: true }), what the server turns
// on with DATABASE_PREPARED_STATEMENTS.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient, withJitOff, type Db } from "./client.js";
import { queryRows } from "./direct.js";
import { Prisma } from "./generated/prisma/client.js";
import { createTestDatabase, type TestDatabase } from "./testing.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

/** The statements this client's one connection has prepared, by name (read unnamed). */
async function prepared(db: Db): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(db, Prisma.sql`SELECT name FROM pg_prepared_statements ORDER BY name`);
  return rows.map((row) => row.name);
}

it("names each distinct hot read once per connection, so Postgres parses and plans it once", async () => {
  const db = createPrismaClient(database.url, { poolSize: 1, preparedStatements: true });
  try {
    for (const email of ["a@example.com", "b@example.com", "c@example.com"]) {
      await queryRows(db, Prisma.sql`SELECT id FROM users WHERE email = ${email}`, { prepare: true });
    }
    await queryRows(db, Prisma.sql`SELECT count(*)::int AS n FROM users`, { prepare: true });
    // Prisma's own statements and reads without `prepare` stay unnamed.
    await db.user.count();
    await queryRows(db, Prisma.sql`SELECT 1 AS one`);
    expect(await prepared(db)).toEqual(["mm_0_0", "mm_0_1"]);
  } finally {
    await db.$disconnect();
  }
});

it("recovers when a migration changes what a prepared read returns", async () => {
  const db = createPrismaClient(database.url, { poolSize: 1, preparedStatements: true });
  try {
    await db.$executeRawUnsafe("CREATE TABLE prepared_probe (x int)");
    await db.$executeRawUnsafe("INSERT INTO prepared_probe VALUES (1)");
    const read = () => queryRows<{ x: unknown }>(db, Prisma.sql`SELECT x FROM prepared_probe`, { prepare: true });
    expect(await read()).toEqual([{ x: 1 }]);
    // What a deploy's migration may do under a running server: the prepared plan is now stale.
    await db.$executeRawUnsafe("ALTER TABLE prepared_probe ALTER COLUMN x TYPE text");
    expect(await read()).toEqual([{ x: "1" }]);
    expect(await read()).toEqual([{ x: "1" }]);
    // Prepared again under a new name.
    expect(await prepared(db)).toContain("mm_1_0");
  } finally {
    await db.$executeRawUnsafe("DROP TABLE IF EXISTS prepared_probe");
    await db.$disconnect();
  }
});

it("stops naming new statements past its cap, and names none when off", async () => {
  const db = createPrismaClient(database.url, { poolSize: 1, preparedStatements: true });
  try {
    for (let i = 0; i < 220; i++) await queryRows(db, Prisma.sql`SELECT ${Prisma.raw(String(i))}::int AS n`, { prepare: true });
    expect(await prepared(db)).toHaveLength(200);
  } finally {
    await db.$disconnect();
  }
  const off = createPrismaClient(database.url, { poolSize: 1 });
  try {
    await queryRows(off, Prisma.sql`SELECT 1 AS one`, { prepare: true });
    expect(await prepared(off)).toEqual([]);
  } finally {
    await off.$disconnect();
  }
});

it("turns PostgreSQL's JIT off on every connection, keeping the URL's own options", async () => {
  // JIT compiled a 10 ms meetings.list for 20–70 ms once the access rule raised its cost estimate.
  const url = new URL(database.url);
  url.searchParams.set("options", "-c statement_timeout=12345");
  for (const [target, timeout] of [
    [database.url, null],
    [url.toString(), "12345ms"],
  ] as const) {
    const db = createPrismaClient(target, { poolSize: 1 });
    try {
      expect(await queryRows<{ jit: string }>(db, Prisma.sql`SHOW jit`)).toEqual([{ jit: "off" }]);
      // Prisma's own statements use the same connections.
      expect(await db.$queryRawUnsafe<{ jit: string }[]>("SHOW jit")).toEqual([{ jit: "off" }]);
      if (timeout) expect(await queryRows(db, Prisma.sql`SHOW statement_timeout`)).toEqual([{ statement_timeout: timeout }]);
    } finally {
      await db.$disconnect();
    }
  }
  expect(new URL(withJitOff("postgresql://u@h/db?sslmode=disable")).searchParams.get("options")).toBe("-c jit=off");
});
