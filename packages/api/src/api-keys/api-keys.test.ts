// Workspace API keys: managing them (admins), and what a key may do when it is presented as
// `Authorization: Bearer mm_…`. The HTTP side (both transports, Retry-After) is in
// apps/server/src/api-keys-http.test.ts; the whole router against keys in sweep.test.ts.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import { API_KEY_CACHE_TTL_MS, ApiKeyValidator } from "../identity/api-keys.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { codeOf, errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { MAX_LIVE_KEYS } from "./service.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  fingerprints = await databaseFingerprint(database.url);
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(database.db, `k${Math.random().toString(36).slice(2, 8)}`);
});

const callerOf = createCallerFactory(appRouter);
const as = (user: AuthUser) => callerOf(createContextInner({ db: database.db, services, user }));
/** A caller presenting `token` as its bearer token, as an HTTP client would. */
const byKey = (token: string, using: AppServices = services) =>
  callerOf(
    createContextInner({
      db: database.db,
      services: using,
      credentials: { accessToken: token, via: "bearer" },
      ip: "198.51.100.7",
      requestId: "req-key-1",
    }),
  );
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function createKey(user: AuthUser, scopes: ("read" | "write" | "ask")[], extra: { expiresAt?: Date; name?: string } = {}) {
  return as(user).apiKeys.create({ workspaceId: w.workspaceId, name: extra.name ?? "Script", scopes, ...extra });
}

async function auditOf(workspaceId: string, action: string) {
  return database.db.auditEvent.findMany({
    where: { workspaceId, action },
    select: { actorId: true, targetId: true, metadata: true, ip: true, requestId: true },
  });
}

describe("managing keys", () => {
  it("shows the token once, stores only its SHA-256, and lists the key without it", async () => {
    const created = await createKey(w.admin, ["read", "ask"], { name: "Nightly export" });
    expect(created.token).toMatch(/^mm_[A-Za-z0-9_-]{43}$/);
    expect(created.key).toMatchObject({
      name: "Nightly export",
      prefix: created.token.slice(0, 11),
      scopes: ["read", "ask"],
      status: "active",
      createdBy: { userId: w.admin.id, email: w.admin.email },
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });

    const row = await database.db.apiKey.findUniqueOrThrow({ where: { id: created.key.id } });
    expect(row).toMatchObject({ secretHash: sha256(created.token), createdById: w.admin.id, createdByMemberId: w.memberIds.admin });
    // Nothing stored holds the secret part of the token.
    const secret = created.token.slice(11);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(await database.db.auditEvent.findMany({ where: { workspaceId: w.workspaceId } }))).not.toContain(secret);

    const page = await as(w.owner).apiKeys.list({ workspaceId: w.workspaceId });
    expect(page.items.map((key) => key.id)).toEqual([created.key.id, w.apiKey.id]);
    expect(Object.keys(page.items[0] ?? {})).not.toEqual(expect.arrayContaining(["token"]));
    expect(JSON.stringify(page)).not.toContain(secret);
    expect(JSON.stringify(page)).not.toContain(row.secretHash);

    const [audit] = await auditOf(w.workspaceId, "api_key.created");
    expect(audit).toMatchObject({
      actorId: w.admin.id,
      targetId: created.key.id,
      metadata: { name: "Nightly export", scopes: ["read", "ask"] },
    });
  });

  it("refuses bad input with BAD_REQUEST naming the field, and writes nothing", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["name", { name: "", scopes: ["read"] }],
      ["name", { name: "   ", scopes: ["read"] }],
      ["name", { name: "x".repeat(101), scopes: ["read"] }],
      ["name", { name: "a\u0000b", scopes: ["read"] }],
      ["scopes", { name: "Script", scopes: [] }],
      ["scopes", { name: "Script", scopes: ["admin"] }],
      ["scopes", { name: "Script", scopes: ["read", "read"] }],
      ["scopes", { name: "Script" }],
      ["expiresAt", { name: "Script", scopes: ["read"], expiresAt: new Date(Date.now() - 1000) }],
      ["expiresAt", { name: "Script", scopes: ["read"], expiresAt: new Date("+010000-01-01T00:00:00.000Z") }],
      ["expiresAt", { name: "Script", scopes: ["read"], expiresAt: "tomorrow" }],
    ];
    for (const [field, input] of cases) {
      const before = await fingerprints.take();
      const failure = await as(w.owner)
        .apiKeys.create({ workspaceId: w.workspaceId, ...input } as never)
        .then(
          () => null,
          (error: { code?: string; cause?: { issues?: { path: PropertyKey[] }[] } }) => error,
        );
      expect({ input, code: failure?.code }).toEqual({ input, code: "BAD_REQUEST" });
      expect(failure?.cause?.issues?.map((issue) => String(issue.path[0]))).toContain(field);
      expect(await fingerprints.take(), `${JSON.stringify(input)} changed the database`).toBe(before);
    }
  });

  it("is for owners and admins; other workspaces' keys are NOT_FOUND, and refusals write nothing", async () => {
    const other = await createWorkspaceWorld(database.db, `o${Math.random().toString(36).slice(2, 8)}`);
    const outsider = await createUser(database.db, "outsider");
    const before = await fingerprints.take();
    for (const user of [w.member, w.viewer]) {
      expect(await codeOf(as(user).apiKeys.create({ workspaceId: w.workspaceId, name: "Mine", scopes: ["read"] }))).toBe("FORBIDDEN");
      expect(await codeOf(as(user).apiKeys.list({ workspaceId: w.workspaceId }))).toBe("FORBIDDEN");
      expect(await codeOf(as(user).apiKeys.revoke({ workspaceId: w.workspaceId, apiKeyId: w.apiKey.id }))).toBe("FORBIDDEN");
    }
    expect(await codeOf(as(outsider).apiKeys.list({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
    // Another workspace's admin, naming this workspace, or this workspace's key from theirs.
    expect(await codeOf(as(other.admin).apiKeys.revoke({ workspaceId: w.workspaceId, apiKeyId: w.apiKey.id }))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.admin).apiKeys.revoke({ workspaceId: other.workspaceId, apiKeyId: w.apiKey.id }))).toBe("NOT_FOUND");
    expect((await as(other.admin).apiKeys.list({ workspaceId: other.workspaceId })).items.map((key) => key.id)).toEqual([other.apiKey.id]);
    expect(await fingerprints.take()).toBe(before);
  });

  it("revokes at once and for good, recording it once", async () => {
    expect(await byKey(w.apiKey.token).meetings.get({ workspaceId: w.workspaceId, meetingId: w.meeting.id })).toMatchObject({
      id: w.meeting.id,
    });
    await as(w.owner).apiKeys.revoke({ workspaceId: w.workspaceId, apiKeyId: w.apiKey.id });
    expect(await errorOf(byKey(w.apiKey.token).meetings.get({ workspaceId: w.workspaceId, meetingId: w.meeting.id }))).toEqual({
      code: "UNAUTHORIZED",
      appCode: "invalid_api_key",
    });
    await as(w.admin).apiKeys.revoke({ workspaceId: w.workspaceId, apiKeyId: w.apiKey.id });
    expect(await auditOf(w.workspaceId, "api_key.revoked")).toEqual([
      expect.objectContaining({ actorId: w.owner.id, targetId: w.apiKey.id }),
    ]);
    const [listed] = (await as(w.owner).apiKeys.list({ workspaceId: w.workspaceId })).items;
    expect(listed).toMatchObject({ id: w.apiKey.id, status: "revoked", revokedAt: expect.any(Date) });
  });

  it("keeps a workspace to its live-key bound", async () => {
    const rows = Array.from({ length: MAX_LIVE_KEYS - 2 }, (_, i) => ({
      workspaceId: w.workspaceId,
      name: `Bulk ${i}`,
      scopes: ["read" as const],
      prefix: "mm_bulk",
      secretHash: sha256(`${w.workspaceId}-${i}`),
      createdByMemberId: w.memberIds.admin,
    }));
    await database.db.apiKey.createMany({ data: rows });
    // An expired key is not live: it does not count.
    await database.db.apiKey.create({
      data: { ...rows[0], secretHash: sha256(`${w.workspaceId}-expired`), expiresAt: new Date(Date.now() - 1000) } as never,
    });
    await createKey(w.admin, ["read"]);
    const before = await fingerprints.take();
    expect(await errorOf(createKey(w.admin, ["read"]))).toEqual({ code: "CONFLICT", appCode: "too_many_api_keys" });
    expect(await fingerprints.take()).toBe(before);
  });
});

describe("using a key", () => {
  const ws = () => ({ workspaceId: w.workspaceId });

  it("reads, writes or asks as its scopes say, and no key manages anything", async () => {
    const read = byKey(w.apiKey.token);
    expect((await read.meetings.list(ws())).items.map((m) => m.id)).toContain(w.meeting.id);
    expect(await read.meetings.get({ ...ws(), meetingId: w.meeting.id })).toMatchObject({ id: w.meeting.id });
    expect(await read.workspaces.members.list(ws())).toMatchObject({ items: expect.any(Array) });
    for (const refused of [
      () => read.meetings.create({ ...ws(), title: "Not with a read key" }),
      () => read.askMind.sessions.list(ws()),
      () => read.workspaces.leave(ws()),
      () => read.workspaces.update({ ...ws(), name: "Taken" }),
      () => read.workspaces.auditLog.list(ws()),
      () => read.apiKeys.list(ws()),
    ]) {
      expect(await errorOf(refused())).toEqual({ code: "FORBIDDEN", appCode: "api_key_scope" });
    }

    // write includes read.
    const write = byKey((await createKey(w.admin, ["write"])).token);
    const meeting = await write.meetings.create({ ...ws(), title: "Imported by a script" });
    expect(await write.meetings.get({ ...ws(), meetingId: meeting.id })).toMatchObject({ title: "Imported by a script" });
    expect(await errorOf(write.askMind.sessions.list(ws()))).toEqual({ code: "FORBIDDEN", appCode: "api_key_scope" });
    expect(await errorOf(write.workspaces.leave(ws()))).toEqual({ code: "FORBIDDEN", appCode: "api_key_scope" });
    expect(await errorOf(write.apiKeys.create({ ...ws(), name: "Another", scopes: ["write"] }))).toEqual({
      code: "FORBIDDEN",
      appCode: "api_key_scope",
    });

    const ask = byKey((await createKey(w.admin, ["ask"])).token);
    const session = await ask.askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: w.meeting.id } });
    expect(await errorOf(ask.meetings.get({ ...ws(), meetingId: w.meeting.id }))).toEqual({ code: "FORBIDDEN", appCode: "api_key_scope" });

    // What the key made is its creator's, as if they had made it themselves.
    expect(await database.db.meeting.findUniqueOrThrow({ where: { id: meeting.id }, select: { createdById: true } })).toEqual({
      createdById: w.admin.id,
    });
    expect(await database.db.askMindSession.findUniqueOrThrow({ where: { id: session.id }, select: { createdById: true } })).toEqual({
      createdById: w.admin.id,
    });
  });

  it("is refused outside workspace procedures (FORBIDDEN) and by other workspaces (NOT_FOUND)", async () => {
    const key = byKey((await createKey(w.owner, ["read", "write", "ask"])).token);
    for (const refused of [
      () => key.users.me(),
      () => key.workspaces.list(),
      () => key.auth.sessions.list(),
      () => key.admin.users.list({}),
    ]) {
      expect(await errorOf(refused())).toEqual({ code: "FORBIDDEN", appCode: "api_key_scope" });
    }
    // Public procedures do not care.
    expect(await key.health.live()).toMatchObject({ status: "ok" });

    const other = await createWorkspaceWorld(database.db, `x${Math.random().toString(36).slice(2, 8)}`);
    // The creator is a member of the other workspace too: still NOT_FOUND, the key is for this one.
    await database.db.workspaceMember.create({ data: { workspaceId: other.workspaceId, userId: w.owner.id, role: "owner" } });
    const before = await fingerprints.take();
    expect(await codeOf(key.meetings.get({ workspaceId: other.workspaceId, meetingId: other.meeting.id }))).toBe("NOT_FOUND");
    expect(await codeOf(key.meetings.create({ workspaceId: other.workspaceId, title: "Elsewhere" }))).toBe("NOT_FOUND");
    expect(await codeOf(key.meetings.get({ ...ws(), meetingId: other.meeting.id }))).toBe("NOT_FOUND");
    expect(await fingerprints.take()).toBe(before);
  });

  it("refuses malformed, unknown and expired keys with UNAUTHORIZED", async () => {
    const unknown = `mm_${"A".repeat(43)}`;
    for (const token of ["mm_", "mm_short", unknown, `${w.apiKey.token}x`, w.apiKey.token.slice(0, -1)]) {
      expect({ token, outcome: await errorOf(byKey(token).meetings.list(ws())) }).toEqual({
        token,
        outcome: { code: "UNAUTHORIZED", appCode: "invalid_api_key" },
      });
    }
    // Not a key: the access-token path, as before.
    expect(await errorOf(byKey("eyJhbGciOiJIUzI1NiJ9.e30.x").meetings.list(ws()))).toEqual({
      code: "UNAUTHORIZED",
      appCode: "invalid_token",
    });

    const expiresAt = new Date(Date.now() + 2_000);
    const expiring = await createKey(w.admin, ["read"], { expiresAt });
    expect(await byKey(expiring.token).meetings.list(ws())).toMatchObject({ items: expect.any(Array) });
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    // Refused at its expiry even though the check is still cached.
    expect(await errorOf(byKey(expiring.token).meetings.list(ws()))).toEqual({ code: "UNAUTHORIZED", appCode: "invalid_api_key" });
    const listed = (await as(w.admin).apiKeys.list(ws())).items.find((key) => key.id === expiring.key.id);
    expect(listed?.status).toBe("expired");
  });

  it("follows its creator's role at once, and dies with their membership", async () => {
    const { token, key } = await createKey(w.admin, ["read", "write"]);
    const script = byKey(token);
    await script.meetings.create({ ...ws(), title: "As an admin" });

    await as(w.owner).workspaces.members.updateRole({ ...ws(), userId: w.admin.id, role: "viewer" });
    expect(await errorOf(script.meetings.create({ ...ws(), title: "As a viewer" }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_role",
    });
    expect(await script.meetings.get({ ...ws(), meetingId: w.meeting.id })).toMatchObject({ id: w.meeting.id });

    await as(w.owner).workspaces.members.remove({ ...ws(), userId: w.admin.id });
    expect(await errorOf(script.meetings.get({ ...ws(), meetingId: w.meeting.id }))).toEqual({
      code: "UNAUTHORIZED",
      appCode: "invalid_api_key",
    });
    // Joining again is a new membership: the old key stays dead.
    await database.db.workspaceMember.create({ data: { workspaceId: w.workspaceId, userId: w.admin.id, role: "admin" } });
    expect(await codeOf(script.meetings.get({ ...ws(), meetingId: w.meeting.id }))).toBe("UNAUTHORIZED");
    await new Promise((resolve) => setTimeout(resolve, API_KEY_CACHE_TTL_MS + 100));
    expect(await codeOf(script.meetings.get({ ...ws(), meetingId: w.meeting.id }))).toBe("UNAUTHORIZED");
    const listed = (await as(w.owner).apiKeys.list(ws())).items.find((item) => item.id === key.id);
    expect(listed).toMatchObject({ status: "inactive", createdBy: { userId: w.admin.id } });
  });

  it("stops on every instance within the cache's lifetime after a revocation or deactivation elsewhere", async () => {
    expect(API_KEY_CACHE_TTL_MS).toBeLessThanOrEqual(5_000);
    // A second validator stands for another server instance sharing the database.
    const there = { ...services, apiKeys: new ApiKeyValidator(database.db) };
    const revoked = await createKey(w.admin, ["read"]);
    const deactivated = await createKey(w.owner, ["read"]);
    for (const { token } of [revoked, deactivated]) await byKey(token, there).meetings.list(ws());

    await as(w.owner).apiKeys.revoke({ ...ws(), apiKeyId: revoked.key.id });
    await database.db.user.update({ where: { id: w.owner.id }, data: { isActive: false } });
    const changedAt = Date.now();
    for (const { token } of [revoked, deactivated]) {
      while ((await codeOf(byKey(token, there).meetings.list(ws()))) !== "UNAUTHORIZED") {
        expect(Date.now() - changedAt).toBeLessThan(5_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  it("writes its last use at most once per interval, and audits the first use", async () => {
    const instance = { ...services, apiKeys: new ApiKeyValidator(database.db, { lastUsedIntervalMs: 1_000 }) };
    const { token, key } = await createKey(w.admin, ["read"]);
    const lastUsed = async () => (await database.db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;

    await byKey(token, instance).meetings.list(ws());
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await Promise.all([1, 2, 3].map(() => byKey(token, instance).meetings.list(ws())));
    expect(await lastUsed()).toEqual(first);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await byKey(token, instance).meetings.list(ws());
    expect((await lastUsed())?.getTime()).toBeGreaterThan(first?.getTime() ?? Infinity);

    expect(await auditOf(w.workspaceId, "api_key.first_used")).toEqual([
      { actorId: w.admin.id, targetId: key.id, metadata: { apiKeyId: key.id }, ip: "198.51.100.7", requestId: "req-key-1" },
    ]);
    const [listed] = (await as(w.admin).apiKeys.list(ws())).items;
    expect(listed?.lastUsedAt).toEqual(await lastUsed());
  });

  it("is rate limited per key", async () => {
    const limited = await createTestServices(database.db, { limits: { apiKey: { points: 3 } } });
    try {
      const { token } = await createKey(w.admin, ["read"]);
      for (let i = 0; i < 3; i++) await byKey(token, limited).meetings.list(ws());
      const refused = await byKey(token, limited)
        .meetings.list(ws())
        .then(
          () => null,
          (error: { code?: string; cause?: { appCode?: string; retryAfterSeconds?: number } }) => error,
        );
      expect(refused).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        cause: { appCode: "rate_limited", retryAfterSeconds: expect.any(Number) },
      });
      // Another key has its own count.
      expect(await byKey(w.apiKey.token, limited).meetings.list(ws())).toMatchObject({ items: expect.any(Array) });
    } finally {
      await limited.close();
    }
  });
});
