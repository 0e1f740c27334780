// Share links: made, listed and revoked inside the workspace under the meeting access rule; opened
// by anyone with the token, on the real database, with real bcrypt (cheap cost) and rate limits.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorld, type World, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let services: Services;
let fingerprints: DatabaseFingerprint;
let world: World;
let a: WorkspaceWorld;
/** A plain member of A who neither owns the meetings below nor manages them. */
let other: AuthUser;
/** A user of A without a full name (an assignee whose email must not leak). */
let unnamedMemberId: string;
let unnamedEmail: string;
/** A meeting of A (by A's member) with a transcript and a finished summary. */
let meetingId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  world = await createWorld(db);
  a = world.a;
  other = await createUser(db, "a-other");
  await db.workspaceMember.create({ data: { workspaceId: a.workspaceId, userId: other.id, role: "member" } });
  const unnamed = await db.user.create({ data: { email: `unnamed-${Date.now()}@example.com` }, select: { id: true, email: true } });
  unnamedEmail = unnamed.email;
  unnamedMemberId = (await db.workspaceMember.create({ data: { workspaceId: a.workspaceId, userId: unnamed.id, role: "member" } })).id;
  meetingId = await meetingWithContent(a.member.id);
  fingerprints = await databaseFingerprint(database.url);
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});

const callerOf = createCallerFactory(appRouter);
const as = (user: AuthUser, with_: Services = services) => callerOf(createContextInner({ db, services: with_, user }));
/** A visitor: nobody signed in, from this address. */
const visitor = (ip = "203.0.113.7", with_: Services = services) => callerOf(createContextInner({ db, services: with_, user: null, ip }));
const ws = () => ({ workspaceId: a.workspaceId });

/** A meeting of A made by `createdById`: three segments (a member, a guest, an unmapped label) and a done summary. */
async function meetingWithContent(createdById: string): Promise<string> {
  const workspaceId = a.workspaceId;
  const meeting = await db.meeting.create({
    data: {
      workspaceId,
      title: "Quarterly review",
      description: "Internal notes nobody outside should read",
      createdById,
      actualStart: new Date("2026-10-01T09:00:00Z"),
      actualEnd: new Date("2026-10-01T10:00:00Z"),
    },
  });
  const guest = await db.meetingParticipant.create({
    data: { workspaceId, meetingId: meeting.id, name: "Rosa Guest", email: "rosa@example.org" },
  });
  const transcript = await db.transcript.create({
    data: { workspaceId, meetingId: meeting.id, version: 1, isCurrent: true, segmentCount: 3, durationMs: 9000, language: "en" },
  });
  const segments = [
    { speakerMemberId: a.memberIds.member, speakerLabel: "Speaker 1", text: "Revenue is up this quarter." },
    { speakerParticipantId: guest.id, speakerLabel: "Speaker 2", text: "Then we hire two engineers." },
    { speakerLabel: "Speaker 3", text: "I will draft the job posts." },
  ];
  for (const [position, segment] of segments.entries()) {
    await db.transcriptSegment.create({
      data: {
        workspaceId,
        meetingId: meeting.id,
        transcriptId: transcript.id,
        position,
        startMs: position * 3000,
        endMs: position * 3000 + 2900,
        ...segment,
      },
    });
  }
  const summary = await db.meetingSummary.create({
    data: {
      workspaceId,
      meetingId: meeting.id,
      transcriptId: transcript.id,
      version: 1,
      isCurrent: true,
      status: "done",
      overview: "Revenue grew; two engineers will be hired.",
      keyPoints: ["Revenue is up."],
      decisions: ["Hire two engineers."],
      topics: [{ title: "Hiring", startPosition: 1, endPosition: 2, startSegmentId: null, endSegmentId: null, startMs: 3000, endMs: 8900 }],
      provider: "extractive",
      completedAt: new Date("2026-10-01T10:05:00Z"),
    },
  });
  await db.actionItem.create({
    data: { workspaceId, meetingId: meeting.id, summaryId: summary.id, text: "Draft the job posts", assigneeId: a.memberIds.member },
  });
  await db.actionItem.create({
    data: { workspaceId, meetingId: meeting.id, summaryId: summary.id, text: "Book the venue", assigneeId: unnamedMemberId },
  });
  // A failed later attempt: the link shows the one that succeeded.
  await db.meetingSummary.create({
    data: { workspaceId, meetingId: meeting.id, version: 2, status: "failed", failureReason: "model down" },
  });
  return meeting.id;
}

const viewsOf = async (linkId: string) =>
  (await db.shareLink.findUniqueOrThrow({ where: { id: linkId }, select: { viewCount: true, lastViewedAt: true } })).viewCount;

/** Must be refused with `code`, writing nothing; returns the error's codes and message. */
async function refused(call: () => Promise<unknown>, code: string) {
  const before = await fingerprints.take();
  const outcome = await call().then(
    () => ({ ok: true as const }),
    (error: { code?: string; message: string; cause?: { appCode?: string } }) => ({
      ok: false as const,
      code: error.code,
      appCode: error.cause?.appCode,
      message: error.message,
    }),
  );
  expect(outcome).toMatchObject({ ok: false, code });
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
  return outcome as { code: string; appCode?: string; message: string };
}

describe("making and opening a link", () => {
  it("creates a link whose token is shown once and stored only as its hash; a visitor reads the summary and transcript", async () => {
    const created = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId, includeTranscript: true });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/share/${created.token}`);
    expect(created.url).toBe(`${services.settings.appUrl}/share/${created.token}`);
    expect(created.link).toMatchObject({ meetingId, status: "active", includeTranscript: true, hasPassword: false, viewCount: 0 });
    expect(created.link.createdBy).toMatchObject({ memberId: a.memberIds.member, email: a.member.email });
    // Default expiry: 30 days.
    expect(Math.abs(created.link.expiresAt.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);

    const stored = await db.shareLink.findUniqueOrThrow({ where: { id: created.link.id } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(created.token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const shared = await visitor().shareLinks.open({ token: created.token });
    expect(shared).toEqual({
      meeting: { title: "Quarterly review", startsAt: new Date("2026-10-01T09:00:00Z"), endsAt: new Date("2026-10-01T10:00:00Z") },
      summary: {
        overview: "Revenue grew; two engineers will be hired.",
        keyPoints: ["Revenue is up."],
        decisions: ["Hire two engineers."],
        topics: [{ title: "Hiring", startPosition: 1, endPosition: 2, startMs: 3000, endMs: 8900 }],
        actionItems: [
          { text: "Draft the job posts", assignee: "a-member", dueDate: null, status: "open" },
          { text: "Book the venue", assignee: null, dueDate: null, status: "open" },
        ],
        generatedAt: new Date("2026-10-01T10:05:00Z"),
      },
      includesTranscript: true,
      transcript: {
        language: "en",
        durationMs: 9000,
        segmentCount: 3,
        segments: [
          { position: 0, speaker: "a-member", startMs: 0, endMs: 2900, text: "Revenue is up this quarter." },
          { position: 1, speaker: "Rosa Guest", startMs: 3000, endMs: 5900, text: "Then we hire two engineers." },
          { position: 2, speaker: "Speaker 3", startMs: 6000, endMs: 8900, text: "I will draft the job posts." },
        ],
        nextCursor: null,
      },
      expiresAt: created.link.expiresAt,
    });
    // Nothing of the workspace's inside: no ids, no emails, no description.
    const text = JSON.stringify(shared);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
    expect(text).not.toContain("@");
    expect(text).not.toContain(unnamedEmail);
    expect(text).not.toContain("Internal notes");

    expect(await viewsOf(created.link.id)).toBe(1);
    await visitor("198.51.100.1").shareLinks.open({ token: ` ${created.token} ` });
    const [listed] = (await as(a.viewer).meetings.shareLinks.list({ ...ws(), meetingId })).items.filter((l) => l.id === created.link.id);
    expect(listed).toMatchObject({ viewCount: 2, lastViewedAt: expect.any(Date), status: "active" });
  });

  it("pages through the transcript; only the first page counts as a view", async () => {
    const { token, link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId, includeTranscript: true });
    const first = await visitor().shareLinks.open({ token, limit: 2 });
    expect(first.transcript?.segments.map((s) => s.position)).toEqual([0, 1]);
    expect(first.transcript?.nextCursor).toBe(1);
    const second = await visitor().shareLinks.open({ token, limit: 2, cursor: 1 });
    expect(second.transcript?.segments.map((s) => s.position)).toEqual([2]);
    expect(second.transcript?.nextCursor).toBeNull();
    expect(await viewsOf(link.id)).toBe(1);
  });

  it("shares the summary only unless the transcript is included", async () => {
    const { token } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId });
    const shared = await visitor().shareLinks.open({ token });
    expect(shared).toMatchObject({ includesTranscript: false, transcript: null, summary: { overview: expect.any(String) } });
  });

  it("opens a meeting that has no summary or transcript yet", async () => {
    const bare = await as(a.member).meetings.create({ ...ws(), title: "Kick-off" });
    const { token } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId: bare.id, includeTranscript: true });
    expect(await visitor().shareLinks.open({ token })).toMatchObject({
      meeting: { title: "Kick-off", startsAt: null, endsAt: null },
      summary: null,
      includesTranscript: true,
      transcript: null,
    });
  });

  it("counts parallel opens exactly", async () => {
    const { token, link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId });
    await Promise.all(Array.from({ length: 8 }, () => visitor().shareLinks.open({ token })));
    expect(await viewsOf(link.id)).toBe(8);
  });

  it("records creating and revoking in the audit log", async () => {
    const { link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId, password: "garden-party-9" });
    await as(a.member).meetings.shareLinks.revoke({ ...ws(), linkId: link.id });
    const events = await db.auditEvent.findMany({
      where: { targetId: link.id },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, metadata: true },
    });
    expect(events).toMatchObject([
      { action: "share_link.created", actorId: a.member.id, metadata: { meetingId, hasPassword: true, includeTranscript: false } },
      { action: "share_link.revoked", actorId: a.member.id },
    ]);
    // The password itself is nowhere in the log.
    expect(JSON.stringify(events)).not.toContain("garden-party-9");
  });
});

describe("passwords", () => {
  it("asks for the password, refuses a wrong one without counting a view, and opens with the right one", async () => {
    const { token, link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
    expect(link.hasPassword).toBe(true);
    const stored = await db.shareLink.findUniqueOrThrow({ where: { id: link.id }, select: { passwordHash: true } });
    expect(stored.passwordHash).toMatch(/^\$2[aby]\$\d{2}\$/);
    expect(stored.passwordHash).not.toContain("correct horse 9");

    expect(await errorOf(visitor().shareLinks.open({ token }))).toEqual({ code: "UNAUTHORIZED", appCode: "share_password_required" });
    expect(await errorOf(visitor().shareLinks.open({ token, password: "wrong horse 9" }))).toEqual({
      code: "UNAUTHORIZED",
      appCode: "share_password_invalid",
    });
    expect(await viewsOf(link.id)).toBe(0);
    expect((await visitor().shareLinks.open({ token, password: "correct horse 9" })).meeting.title).toBe("Quarterly review");
    expect(await viewsOf(link.id)).toBe(1);
  });

  it("limits wrong guesses per link, whatever the address, and then refuses even the right password for a while", async () => {
    const strict = await createTestServices(db, { limits: { sharePassword: { points: 3 }, sharePasswordIp: { points: 100 } } });
    try {
      const { token, link } = await as(a.member, strict).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
      for (const ip of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) {
        expect((await errorOf(visitor(ip, strict).shareLinks.open({ token, password: "guess-guess" })))?.appCode).toBe(
          "share_password_invalid",
        );
      }
      expect(await errorOf(visitor("192.0.2.4", strict).shareLinks.open({ token, password: "correct horse 9" }))).toEqual({
        code: "TOO_MANY_REQUESTS",
        appCode: "rate_limited",
      });
      expect(await viewsOf(link.id)).toBe(0);
      // Another link is not affected.
      const second = await as(a.member, strict).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
      await visitor("192.0.2.4", strict).shareLinks.open({ token: second.token, password: "correct horse 9" });
    } finally {
      await strict.close();
    }
  });

  it("limits wrong guesses per address across links; right passwords give their attempt back", async () => {
    const strict = await createTestServices(db, { limits: { sharePasswordIp: { points: 2 } } });
    try {
      const one = await as(a.member, strict).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
      const two = await as(a.member, strict).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
      const me = visitor("192.0.2.50", strict);
      // Right passwords, any number of times: nothing used up.
      for (let i = 0; i < 3; i++) await me.shareLinks.open({ token: one.token, password: "correct horse 9" });
      expect((await errorOf(me.shareLinks.open({ token: one.token, password: "guess-guess" })))?.appCode).toBe("share_password_invalid");
      expect((await errorOf(me.shareLinks.open({ token: two.token, password: "guess-guess" })))?.appCode).toBe("share_password_invalid");
      expect((await errorOf(me.shareLinks.open({ token: two.token, password: "correct horse 9" })))?.code).toBe("TOO_MANY_REQUESTS");
      // Another address still gets in.
      await visitor("192.0.2.51", strict).shareLinks.open({ token: two.token, password: "correct horse 9" });
    } finally {
      await strict.close();
    }
  });
});

describe("a link that no longer opens is NOT_FOUND, the same answer whatever the reason", () => {
  async function notFound(token: string, password?: string) {
    const refusal = await refused(() => visitor().shareLinks.open({ token, ...(password ? { password } : {}) }), "NOT_FOUND");
    expect(refusal).toMatchObject({ appCode: "not_found", message: "Share link not found" });
  }

  it("unknown token", async () => {
    await notFound("A".repeat(43));
  });

  it("expired", async () => {
    const { token, link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId, password: "correct horse 9" });
    await db.shareLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Not even the password is checked any more.
    await notFound(token, "correct horse 9");
    const [listed] = (await as(a.member).meetings.shareLinks.list({ ...ws(), meetingId })).items.filter((l) => l.id === link.id);
    expect(listed?.status).toBe("expired");
  });

  it("revoked", async () => {
    const { token, link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId });
    await visitor().shareLinks.open({ token });
    const revoked = await as(a.member).meetings.shareLinks.revoke({ ...ws(), linkId: link.id });
    expect(revoked).toMatchObject({ id: link.id, status: "revoked", revokedAt: expect.any(Date), viewCount: 1 });
    await notFound(token);
    // Revoking again changes nothing and still answers the link.
    expect((await as(a.member).meetings.shareLinks.revoke({ ...ws(), linkId: link.id })).revokedAt).toEqual(revoked.revokedAt);
  });

  it("its meeting was deleted", async () => {
    const doomed = await meetingWithContent(a.member.id);
    const { token } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId: doomed });
    await as(a.member).meetings.delete({ ...ws(), meetingId: doomed });
    await notFound(token);
  });

  it("its workspace was deleted", async () => {
    const gone = world.b;
    const { token } = await as(gone.member).meetings.shareLinks.create({ workspaceId: gone.workspaceId, meetingId: gone.meeting.id });
    await db.workspace.update({ where: { id: gone.workspaceId }, data: { deletedAt: new Date() } });
    try {
      await notFound(token);
    } finally {
      await db.workspace.update({ where: { id: gone.workspaceId }, data: { deletedAt: null } });
    }
  });
});

describe("bad input is a 400 and writes nothing", () => {
  const cases: [string, (c: ReturnType<typeof as>) => Promise<unknown>, string][] = [
    [
      "an expiry in the past",
      (c) => c.meetings.shareLinks.create({ ...ws(), meetingId, expiresAt: new Date(Date.now() - 60_000) }),
      "expiresAt",
    ],
    [
      "an expiry more than a year ahead",
      (c) => c.meetings.shareLinks.create({ ...ws(), meetingId, expiresAt: new Date(Date.now() + 366 * 86_400_000) }),
      "expiresAt",
    ],
    ["a password over 72 bytes", (c) => c.meetings.shareLinks.create({ ...ws(), meetingId, password: "é".repeat(37) }), "password"],
    ["a password under 8 characters", (c) => c.meetings.shareLinks.create({ ...ws(), meetingId, password: "short" }), "password"],
    ["a meeting id that is not a uuid", (c) => c.meetings.shareLinks.create({ ...ws(), meetingId: "not-a-uuid" }), "meetingId"],
    ["a link id that is not a uuid", (c) => c.meetings.shareLinks.revoke({ ...ws(), linkId: "1" }), "linkId"],
    ["a page too long", (c) => c.meetings.shareLinks.list({ ...ws(), meetingId, limit: 101 }), "limit"],
  ];
  for (const [name, call, field] of cases) {
    it(name, async () => {
      const before = await db.shareLink.count();
      const refusal = await refused(() => call(as(a.member)), "BAD_REQUEST");
      expect(refusal.message).toContain(field);
      expect(await db.shareLink.count()).toBe(before);
    });
  }

  const openCases: [string, Record<string, unknown>][] = [
    ["a token of the wrong shape", { token: "not a token" }],
    ["a token far too long", { token: "A".repeat(10_000) }],
    ["a password over 72 bytes", { token: "A".repeat(43), password: "x".repeat(73) }],
    ["an empty password", { token: "A".repeat(43), password: "" }],
    ["a page of zero", { token: "A".repeat(43), limit: 0 }],
    ["a cursor past int4", { token: "A".repeat(43), cursor: 2 ** 31 }],
  ];
  for (const [name, input] of openCases) {
    it(`open: ${name}`, async () => {
      await refused(() => visitor().shareLinks.open(input as { token: string }), "BAD_REQUEST");
    });
  }
});

describe("who may make, list and revoke links", () => {
  it("another workspace's meeting or link is NOT_FOUND, and nothing is written", async () => {
    const link = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId });
    const b = world.b;
    const inB = { workspaceId: b.workspaceId };
    await refused(() => as(b.owner).meetings.shareLinks.create({ ...inB, meetingId }), "NOT_FOUND");
    await refused(() => as(b.owner).meetings.shareLinks.list({ ...inB, meetingId }), "NOT_FOUND");
    await refused(() => as(b.owner).meetings.shareLinks.revoke({ ...inB, linkId: link.link.id }), "NOT_FOUND");
    // Naming A's workspace without belonging to it.
    await refused(() => as(b.owner).meetings.shareLinks.create({ ...ws(), meetingId }), "NOT_FOUND");
    await refused(() => as(world.outsider).meetings.shareLinks.list({ ...ws(), meetingId }), "NOT_FOUND");
  });

  it("a private meeting is NOT_FOUND to a member who cannot see it, even an admin", async () => {
    const hidden = await meetingWithContent(a.member.id);
    const { link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId: hidden });
    await db.meeting.update({ where: { id: hidden }, data: { visibility: "private" } });
    for (const user of [a.admin, other]) {
      await refused(() => as(user).meetings.shareLinks.create({ ...ws(), meetingId: hidden }), "NOT_FOUND");
      await refused(() => as(user).meetings.shareLinks.list({ ...ws(), meetingId: hidden }), "NOT_FOUND");
      await refused(() => as(user).meetings.shareLinks.revoke({ ...ws(), linkId: link.id }), "NOT_FOUND");
    }
    // Its owner still manages its links.
    expect((await as(a.member).meetings.shareLinks.list({ ...ws(), meetingId: hidden })).items.map((l) => l.id)).toEqual([link.id]);
  });

  it("a viewer (role) cannot make or revoke links, but lists them", async () => {
    const { link } = await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId });
    expect((await refused(() => as(a.viewer).meetings.shareLinks.create({ ...ws(), meetingId }), "FORBIDDEN")).appCode).toBe(
      "insufficient_role",
    );
    await refused(() => as(a.viewer).meetings.shareLinks.revoke({ ...ws(), linkId: link.id }), "FORBIDDEN");
    const listed = await as(a.viewer).meetings.shareLinks.list({ ...ws(), meetingId });
    expect(listed.items.map((l) => l.id)).toContain(link.id);
    // The list never carries a token or a hash.
    const stored = await db.shareLink.findUniqueOrThrow({ where: { id: link.id }, select: { tokenHash: true } });
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash);
    expect(Object.keys(listed.items[0] ?? {}).sort()).toEqual(
      [
        "createdAt",
        "createdBy",
        "expiresAt",
        "hasPassword",
        "id",
        "includeTranscript",
        "lastViewedAt",
        "meetingId",
        "revokedAt",
        "status",
        "viewCount",
      ].sort(),
    );
  });

  it("a view-only grant on a private meeting lists its links but cannot make one", async () => {
    const granted = await meetingWithContent(a.member.id);
    await db.meeting.update({ where: { id: granted }, data: { visibility: "private" } });
    const otherMemberId = (await db.workspaceMember.findFirstOrThrow({ where: { workspaceId: a.workspaceId, userId: other.id } })).id;
    await db.meetingGrant.create({ data: { workspaceId: a.workspaceId, meetingId: granted, memberId: otherMemberId, level: "view" } });
    expect((await refused(() => as(other).meetings.shareLinks.create({ ...ws(), meetingId: granted }), "FORBIDDEN")).appCode).toBe(
      "insufficient_access",
    );
    expect((await as(other).meetings.shareLinks.list({ ...ws(), meetingId: granted })).items).toEqual([]);
  });

  it("revoking: the link's creator and the meeting's managers may, another member may not", async () => {
    // The meeting is a.member's; a workspace admin manages it too. `other` can edit it, not share it.
    const make = async (user: AuthUser) => (await as(user).meetings.shareLinks.create({ ...ws(), meetingId })).link.id;
    expect((await refused(() => make(other), "FORBIDDEN")).appCode).toBe("insufficient_access");
    const [byAdmin, byAdmin2, byOwner, byOwner2] = [await make(a.admin), await make(a.admin), await make(a.member), await make(a.member)];
    expect((await refused(() => as(other).meetings.shareLinks.revoke({ ...ws(), linkId: byOwner }), "FORBIDDEN")).appCode).toBe(
      "not_link_creator",
    );
    expect((await as(a.admin).meetings.shareLinks.revoke({ ...ws(), linkId: byAdmin })).status).toBe("revoked");
    // The meeting's owner, a workspace admin and the workspace owner manage it.
    expect((await as(a.member).meetings.shareLinks.revoke({ ...ws(), linkId: byAdmin2 })).status).toBe("revoked");
    expect((await as(a.admin).meetings.shareLinks.revoke({ ...ws(), linkId: byOwner })).status).toBe("revoked");
    expect((await as(a.owner).meetings.shareLinks.revoke({ ...ws(), linkId: byOwner2 })).status).toBe("revoked");
  });

  it("lists newest first, a page at a time", async () => {
    const fresh = await as(a.member).meetings.create({ ...ws(), title: "Paged" });
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await as(a.member).meetings.shareLinks.create({ ...ws(), meetingId: fresh.id })).link.id);
    const first = await as(a.member).meetings.shareLinks.list({ ...ws(), meetingId: fresh.id, limit: 2 });
    expect(first.items.map((l) => l.id)).toEqual([made[2], made[1]]);
    const rest = await as(a.member).meetings.shareLinks.list({
      ...ws(),
      meetingId: fresh.id,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest).toEqual({ items: [expect.objectContaining({ id: made[0] })], nextCursor: null });
  });
});
