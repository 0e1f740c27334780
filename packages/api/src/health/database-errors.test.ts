// Real errors from a real database (and from an unreachable one), told apart: an outage or not.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { failureOf as failureOfType } from "../testing/outcomes.js";
import { isDatabaseUnavailable } from "./database-errors.js";

const failureOf = (work: Promise<unknown>) => failureOfType(work, Error);

let database: TestDatabase;
let deadUrl: string;
beforeAll(async () => {
  database = await createTestDatabase();
  // A port that was just free and now has no listener: connections to it are refused.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const url = new URL(database.url);
  url.host = `127.0.0.1:${port}`;
  deadUrl = url.toString();
});
afterAll(() => database.close());

describe("isDatabaseUnavailable", () => {
  it("recognises a refused connection, through the model API, raw SQL and a transaction", async () => {
    const dead = createPrismaClient(deadUrl, { poolSize: 1 });
    try {
      expect(isDatabaseUnavailable(await failureOf(dead.user.findFirst()))).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(dead.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(dead.$transaction((tx) => tx.user.count())))).toBe(true);
      // However deep it is wrapped.
      expect(isDatabaseUnavailable(new Error("import failed", { cause: await failureOf(dead.user.count()) }))).toBe(true);
    } finally {
      await dead.$disconnect();
    }
  });

  it("does not count the database's answers, nor other services being unreachable", async () => {
    const email = `taken-${crypto.randomUUID()}@example.com`;
    await database.db.user.create({ data: { email } });
    expect(isDatabaseUnavailable(await failureOf(database.db.user.create({ data: { email } })))).toBe(false);
    expect(isDatabaseUnavailable(await failureOf(database.db.user.findUniqueOrThrow({ where: { email: "nobody@example.com" } })))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(await failureOf(database.db.$queryRaw`SELECT * FROM no_such_table`))).toBe(false);
    // The model's API (or SMTP, Redis) refusing connections is not the database being down.
    expect(isDatabaseUnavailable(await failureOf(fetch(deadUrl.replace(/^postgresql:/, "http:"))))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Something else went wrong"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("recognises the server ending the session under a query (57P01)", async () => {
    const victim = createPrismaClient(database.url, { poolSize: 1 });
    try {
      const [{ pid }] = await victim.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
      const running = failureOf(victim.$queryRaw`SELECT pg_sleep(5)`);
      await expect
        .poll(() => database.db.$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid} AND state = 'active'`)
        .toHaveLength(1);
      await database.db.$queryRaw`SELECT pg_terminate_backend(${pid})`;
      expect(isDatabaseUnavailable(await running)).toBe(true);
    } finally {
      await victim.$disconnect();
    }
  });
});
