import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { DomainError } from "../errors.js";
import { createTestServices } from "../testing/services.js";
import { refresh, type AuthResult } from "../auth/service.js";
import { createSession, REFRESH_REUSE_GRACE_MS, revokeSession, SESSION_CACHE_TTL_MS, SessionValidator } from "./sessions.js";
import { generateOpaqueToken, hashToken, openSealedToken } from "./tokens.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("session validation across server instances", () => {
  it("a session revoked on one instance stops working on another within 5 seconds", async () => {
    expect(SESSION_CACHE_TTL_MS).toBeLessThanOrEqual(5_000);
    const user = await database.db.user.create({ data: { email: "multi@example.com" } });
    const session = await createSession(
      database.db,
      { refreshTtlDays: 7, sessionMaxAgeDays: 30 },
      { userId: user.id, ip: null, userAgent: null },
    );
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
    const session = await createSession(
      database.db,
      { refreshTtlDays: 7, sessionMaxAgeDays: 30 },
      { userId: owner.id, ip: null, userAgent: null },
    );
    const validator = new SessionValidator(database.db);
    expect(await validator.principal(session.sessionId, "0190d6a0-0000-7000-8000-00000000dead")).toBeNull();
  });
});

describe("refresh token rotation", () => {
  const settings = { refreshTtlDays: 7, sessionMaxAgeDays: 30 };
  let services: Awaited<ReturnType<typeof createTestServices>>;
  let counter = 0;
  beforeAll(async () => {
    services = await createTestServices(database.db);
  });
  afterAll(() => services?.close());

  async function newSession() {
    const user = await database.db.user.create({ data: { email: `rotation-${++counter}@example.com` } });
    return createSession(database.db, settings, { userId: user.id, ip: null, userAgent: null });
  }

  async function outcome(attempt: Promise<AuthResult>): Promise<AuthResult | string> {
    try {
      return await attempt;
    } catch (error) {
      if (error instanceof DomainError) return error.appCode;
      throw error;
    }
  }

  async function revokedReason(sessionId: string) {
    return (await database.db.activeSession.findUniqueOrThrow({ where: { id: sessionId } })).revokedReason;
  }

  /** Moves the rotation of the token back in time, as if it had happened `ms` ago. */
  async function rotatedAgo(token: string, ms: number) {
    await database.db.refreshToken.update({ where: { tokenHash: hashToken(token) }, data: { rotatedAt: new Date(Date.now() - ms) } });
  }

  it("concurrent refreshes with the same token all succeed with the same new pair; the session lives on", async () => {
    const { sessionId, refreshToken } = await newSession();
    const results = await Promise.all(Array.from({ length: 4 }, () => outcome(refresh(database.db, services, { refreshToken }))));
    const [first, ...others] = results;
    expect(typeof first).toBe("object");
    for (const other of others) expect(other).toEqual(first);
    const pair = first as AuthResult;
    expect(pair.refreshToken).not.toBe(refreshToken);
    expect(await revokedReason(sessionId)).toBeNull();
    // One rotation happened, not four: the session holds two tokens, the new one unused.
    expect(await database.db.refreshToken.count({ where: { sessionId } })).toBe(2);
    const next = await refresh(database.db, services, { refreshToken: pair.refreshToken });
    expect(next.sessionId).toBe(sessionId);
  });

  it("answers the same pair to a repeat within the grace window, and counts a repeat after it as reuse", async () => {
    const { sessionId, refreshToken } = await newSession();
    const first = await refresh(database.db, services, { refreshToken });
    // A retry after a lost answer: the same answer, access token included.
    expect(await refresh(database.db, services, { refreshToken })).toEqual(first);
    await rotatedAgo(refreshToken, REFRESH_REUSE_GRACE_MS - 2_000);
    expect((await refresh(database.db, services, { refreshToken })).refreshToken).toBe(first.refreshToken);

    await rotatedAgo(refreshToken, REFRESH_REUSE_GRACE_MS + 1_000);
    expect(await outcome(refresh(database.db, services, { refreshToken }))).toBe("refresh_token_reused");
    expect(await revokedReason(sessionId)).toBe("refresh_token_reused");
    // The whole session: the token handed out in the window is dead too.
    expect(await outcome(refresh(database.db, services, { refreshToken: first.refreshToken }))).toBe("invalid_refresh_token");
  });

  it("counts a repeat as reuse, even within the window, once the new token has itself been used", async () => {
    const { sessionId, refreshToken } = await newSession();
    const second = await refresh(database.db, services, { refreshToken });
    await refresh(database.db, services, { refreshToken: second.refreshToken });
    expect(await outcome(refresh(database.db, services, { refreshToken }))).toBe("refresh_token_reused");
    expect(await revokedReason(sessionId)).toBe("refresh_token_reused");
  });

  it("answers no repeat for a session revoked since", async () => {
    const { sessionId, refreshToken } = await newSession();
    await refresh(database.db, services, { refreshToken });
    await revokeSession(database.db, { sessionId, reason: "logout" });
    expect(await outcome(refresh(database.db, services, { refreshToken }))).toBe("refresh_token_reused");
    expect(await revokedReason(sessionId)).toBe("logout");
  });

  it("keeps tokens unreadable at rest: hashes, and the new token sealed under the old one only while unused", async () => {
    const { sessionId, refreshToken } = await newSession();
    const second = await refresh(database.db, services, { refreshToken });
    const rows = await database.db.refreshToken.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } });
    const stored = JSON.stringify(rows);
    for (const token of [refreshToken, second.refreshToken]) expect(stored).not.toContain(token);
    const [old, current] = rows;
    expect(old!.sealedForPredecessor).toBeNull();
    expect(openSealedToken(refreshToken, current!.sealedForPredecessor!, old!.id)).toBe(second.refreshToken);
    // Neither another token, nor what is stored about the old one, nor another row's id opens it.
    expect(openSealedToken(generateOpaqueToken(), current!.sealedForPredecessor!, old!.id)).toBeNull();
    expect(openSealedToken(old!.tokenHash, current!.sealedForPredecessor!, old!.id)).toBeNull();
    expect(openSealedToken(refreshToken, current!.sealedForPredecessor!, current!.id)).toBeNull();

    // Once the new token is used, its seal is gone.
    await refresh(database.db, services, { refreshToken: second.refreshToken });
    expect((await database.db.refreshToken.findUniqueOrThrow({ where: { id: current!.id } })).sealedForPredecessor).toBeNull();
  });
});
