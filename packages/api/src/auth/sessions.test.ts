import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createSession, revokeSession, SESSION_CACHE_TTL_MS, SessionValidator } from "./sessions.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("session validation across server instances", () => {
  it("a session revoked on one instance stops working on another within 5 seconds", async () => {
    expect(SESSION_CACHE_TTL_MS).toBeLessThanOrEqual(5_000);
    const user = await database.db.user.create({ data: { email: "multi@example.com" } });
    const session = await createSession(database.db, { refreshTtlDays: 7, sessionMaxAgeDays: 30 }, { userId: user.id, ip: null, userAgent: null });
    // Two validators stand for two server instances sharing one database.
    const here = new SessionValidator(database.db);
    const there = new SessionValidator(database.db);
    expect(await there.principal(session.sessionId, user.id)).toMatchObject({ userId: user.id });

    await revokeSession(database.db, { sessionId: session.sessionId, reason: "test" });
    here.forget([session.sessionId]);
    expect(await here.principal(session.sessionId, user.id)).toBeNull();

    const revokedAt = Date.now();
    while ((await there.principal(session.sessionId, user.id)) !== null) {
      expect(Date.now() - revokedAt).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("a token naming another user's session is refused", async () => {
    const owner = await database.db.user.create({ data: { email: "owner@example.com" } });
    const session = await createSession(database.db, { refreshTtlDays: 7, sessionMaxAgeDays: 30 }, { userId: owner.id, ip: null, userAgent: null });
    const validator = new SessionValidator(database.db);
    expect(await validator.principal(session.sessionId, "0190d6a0-0000-7000-8000-00000000dead")).toBeNull();
  });
});
