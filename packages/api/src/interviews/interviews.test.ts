// Interviews through the procedures a client calls: scheduling with a panel, who sees what (the
// panel and interview managers, nobody else), the hiring events' emails, the stage list, and the
// interview's meeting, which meetings' access and share links treat by the interview rule. The
// interview's transcript (and search and Ask Mind over it): transcript.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { HIRING_POSITION } from "../testing/hiring-fixtures.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorld, type World, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let world: World;
let w: WorkspaceWorld;
let fingerprints: DatabaseFingerprint;
/** A member granted `interviews:manage`: a hiring manager. */
let manager: AuthUser & { memberId: string };
/** Another member who may sit on panels. */
let second: AuthUser & { memberId: string };

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });
const soon = (days: number) => new Date(Date.UTC(2031, 0, 1 + days, 10));

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  world = await createWorld(db);
  w = world.a;
  const managerUser = await createUser(db, "hiring-manager");
  const managerMember = await db.workspaceMember.create({
    data: { workspaceId: w.workspaceId, userId: managerUser.id, role: "member", grantedPermissions: ["interviews:manage"] },
  });
  manager = { ...managerUser, memberId: managerMember.id };
  const secondUser = await createUser(db, "second-interviewer");
  const secondMember = await db.workspaceMember.create({ data: { workspaceId: w.workspaceId, userId: secondUser.id, role: "member" } });
  second = { ...secondUser, memberId: secondMember.id };
  fingerprints = await databaseFingerprint(database.url);
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});

/** Refused with `code` (and `appCode`, when given), and the database is as it was. */
async function expectRefused(call: () => Promise<unknown>, code: string, appCode?: string) {
  const before = await fingerprints.take();
  const error = await errorOf(call());
  expect(error).toMatchObject(appCode ? { code, appCode } : { code });
  expect(await fingerprints.take()).toBe(before);
}

async function schedule(overrides: Record<string, unknown> = {}) {
  return as(w.owner).interviews.create({
    ...ws(),
    candidateId: w.hiring.candidate.id,
    positionTitle: HIRING_POSITION,
    stage: "technical",
    scheduledAt: soon(1),
    panelMemberIds: [w.hiring.interviewerMemberId],
    ...overrides,
  });
}

/** A valid create input, less the workspace. */
function baseFor() {
  return {
    candidateId: w.hiring.candidate.id,
    positionTitle: HIRING_POSITION,
    stage: "onsite",
    scheduledAt: soon(4),
    panelMemberIds: [w.hiring.interviewerMemberId],
  };
}

/** The emails queued about one interview: to whom, and what they say. */
async function emailsAbout(interviewId: string) {
  const rows = await db.emailOutbox.findMany({
    where: { textBody: { contains: `/interviews/${interviewId}` } },
    orderBy: { createdAt: "asc" },
    select: { toAddress: true, subject: true, textBody: true, htmlBody: true },
  });
  return rows;
}

describe("interviews.create", () => {
  it("schedules an interview with its panel, the position's template, and emails the panel and hiring managers, not the actor", async () => {
    const interview = await schedule({ stage: "Technical", positionTitle: "backend engineer" });
    expect(interview).toMatchObject({
      candidate: { id: w.hiring.candidate.id, name: w.hiring.candidate.name },
      positionTitle: "backend engineer",
      stage: "technical",
      scheduledAt: soon(1),
      durationMinutes: 60,
      status: "scheduled",
      cancelledAt: null,
      templateId: w.hiring.template.id,
      meetingId: null,
      panel: [{ memberId: w.hiring.interviewerMemberId, userId: w.hiring.interviewer.id, name: expect.any(String) }],
      myRole: { onPanel: false, manage: true },
    });
    const emails = await emailsAbout(interview.id);
    expect(emails.map((email) => email.toAddress).sort()).toEqual([manager.email, w.hiring.interviewer.email].sort());
    for (const email of emails) {
      expect(email.subject).toContain("Interview scheduled");
      expect(`${email.subject} ${email.textBody} ${email.htmlBody ?? ""}`).not.toContain(w.hiring.candidate.name);
    }
    const audited = await db.auditEvent.findMany({ where: { targetId: interview.id }, select: { action: true, actorId: true } });
    expect(audited).toEqual([{ action: "interview.scheduled", actorId: w.owner.id }]);
  });

  it("lets a hiring manager schedule (a granted member), and not the actor's own inbox", async () => {
    const interview = await as(manager).interviews.create({
      ...ws(),
      candidateId: w.hiring.candidate.id,
      positionTitle: "Data Engineer",
      stage: "screen",
      scheduledAt: soon(2),
      durationMinutes: 30,
      panelMemberIds: [w.hiring.interviewerMemberId, manager.memberId, w.memberIds.admin],
    });
    expect(interview).toMatchObject({ templateId: null, durationMinutes: 30, myRole: { onPanel: true, manage: true } });
    expect(interview.panel).toHaveLength(3);
    const recipients = (await emailsAbout(interview.id)).map((email) => email.toAddress).sort();
    expect(recipients).toEqual([w.admin.email, w.hiring.interviewer.email].sort());
  });

  it("refuses bad input with 4xx and writes nothing", async () => {
    const base = { ...ws(), ...baseFor() };
    const owner = as(w.owner);
    await expectRefused(() => owner.interviews.create({ ...base, stage: "coffee chat" }), "BAD_REQUEST", "unknown_stage");
    await expectRefused(() => owner.interviews.create({ ...base, panelMemberIds: [w.memberIds.viewer] }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.create({ ...base, panelMemberIds: [] }), "BAD_REQUEST");
    const many = Array.from({ length: 21 }, () => crypto.randomUUID());
    await expectRefused(() => owner.interviews.create({ ...base, panelMemberIds: many }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.create({ ...base, durationMinutes: 0 }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.create({ ...base, scheduledAt: new Date("+010000-01-01T00:00:00Z") }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.create({ ...base, positionTitle: "x".repeat(201) }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.create({ ...base, candidateId: w.hiring.deletedCandidate.id }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, candidateId: crypto.randomUUID() }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, templateId: crypto.randomUUID() }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, meetingId: w.deletedMeeting.id }), "NOT_FOUND");
  });

  it("finds nothing of another workspace: candidate, panel members, template, meeting", async () => {
    const b = world.b;
    const base = { ...ws(), ...baseFor() };
    const owner = as(w.owner);
    await expectRefused(() => owner.interviews.create({ ...base, candidateId: b.hiring.candidate.id }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, panelMemberIds: [b.hiring.interviewerMemberId] }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, templateId: b.hiring.template.id }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.create({ ...base, meetingId: b.meeting.id }), "NOT_FOUND");
    await expectRefused(() => as(b.owner).interviews.create({ ...base }), "NOT_FOUND");
  });

  it("is for interview managers: members (even on the panel) and viewers are FORBIDDEN", async () => {
    const input = { ...ws(), ...baseFor() };
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await expectRefused(() => as(user).interviews.create(input), "FORBIDDEN", "insufficient_role");
    }
  });
});

describe("the interview's meeting", () => {
  it("links a meeting the caller manages: it becomes an interview meeting, off limits to everyone but the panel and managers", async () => {
    const member = as(w.member);
    const meeting = await member.meetings.create({ ...ws(), title: "Chat with a friend" });
    await member.transcripts.import({
      ...ws(),
      meetingId: meeting.id,
      format: "text",
      content: "Ivy: We rebuilt the quasar ledger in Rust last spring.\nDan: How did the quasar ledger handle retries?",
    });
    const link = await member.meetings.shareLinks.create({ ...ws(), meetingId: meeting.id });
    expect((await as(world.outsider).shareLinks.open({ token: link.token })).meeting.title).toBe("Chat with a friend");
    // The member made the meeting but does not manage interviews; the owner links it.
    const interview = await schedule({ meetingId: meeting.id });
    expect(interview.meetingId).toBe(meeting.id);
    expect(await db.meeting.findUnique({ where: { id: meeting.id }, select: { isInterview: true } })).toEqual({ isInterview: true });

    // Its creator lost it: the interview rule, not ownership or visibility, decides.
    expect(await errorOf(member.meetings.get({ ...ws(), meetingId: meeting.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(as(w.viewer).meetings.get({ ...ws(), meetingId: meeting.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await as(w.hiring.interviewer).meetings.get({ ...ws(), meetingId: meeting.id })).access).toBe("edit");
    expect((await as(w.admin).meetings.get({ ...ws(), meetingId: meeting.id })).id).toBe(meeting.id);
    // The link made before stops opening, as a revoked one.
    expect(await errorOf(as(world.outsider).shareLinks.open({ token: link.token }))).toMatchObject({ code: "NOT_FOUND" });

    // Its access follows the panel: visibility, grants and share links are refused, with a reason.
    const owner = as(w.owner);
    await expectRefused(
      () => owner.meetings.access.setVisibility({ ...ws(), meetingId: meeting.id, visibility: "workspace" }),
      "BAD_REQUEST",
      "interview_meeting",
    );
    await expectRefused(
      () => owner.meetings.access.grant({ ...ws(), meetingId: meeting.id, memberId: w.memberIds.member, level: "view" }),
      "BAD_REQUEST",
      "interview_meeting",
    );
    await expectRefused(
      () => owner.meetings.access.revoke({ ...ws(), meetingId: meeting.id, grantId: crypto.randomUUID() }),
      "BAD_REQUEST",
      "interview_meeting",
    );
    await expectRefused(() => owner.meetings.shareLinks.create({ ...ws(), meetingId: meeting.id }), "BAD_REQUEST", "interview_meeting");
    await expectRefused(
      () => as(w.hiring.interviewer).meetings.shareLinks.create({ ...ws(), meetingId: meeting.id }),
      "BAD_REQUEST",
      "interview_meeting",
    );

    // One interview per meeting.
    await expectRefused(() => schedule({ meetingId: meeting.id }), "CONFLICT");
  });

  it("needs the meeting's manager: someone else's meeting an admin cannot see is NOT_FOUND, one they only edit FORBIDDEN", async () => {
    const mine = await as(w.member).meetings.create({ ...ws(), title: "Private notes", visibility: "private" });
    await expectRefused(() => schedule({ meetingId: mine.id }), "NOT_FOUND");
    const shared = await as(second).meetings.create({ ...ws(), title: "Team sync" });
    await expectRefused(
      () => as(manager).interviews.create({ ...ws(), ...baseFor(), meetingId: shared.id }),
      "FORBIDDEN",
      "insufficient_access",
    );
  });
});

describe("interviews.get and interviews.list", () => {
  it("the panel and managers see an interview; the world's member and viewer do not; another workspace does not", async () => {
    const id = w.hiring.interview.id;
    expect(await as(w.hiring.interviewer).interviews.get({ ...ws(), interviewId: id })).toMatchObject({
      id,
      myRole: { onPanel: true, manage: false },
      candidate: { id: w.hiring.candidate.id },
    });
    expect(await as(manager).interviews.get({ ...ws(), interviewId: id })).toMatchObject({ myRole: { onPanel: false, manage: true } });
    for (const user of [w.member, w.viewer]) {
      expect(await errorOf(as(user).interviews.get({ ...ws(), interviewId: id }))).toMatchObject({ code: "NOT_FOUND" });
      expect((await as(user).interviews.list({ ...ws() })).items).toEqual([]);
      expect(await errorOf(as(user).interviews.list({ ...ws(), candidateId: w.hiring.candidate.id }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    const b = world.b;
    expect(await errorOf(as(b.owner).interviews.get({ workspaceId: b.workspaceId, interviewId: id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await errorOf(as(w.owner).interviews.list({ ...ws(), candidateId: b.hiring.candidate.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses malformed ids and filters with BAD_REQUEST", async () => {
    const owner = as(w.owner);
    expect(await errorOf(owner.interviews.get({ ...ws(), interviewId: "not-a-uuid" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(owner.interviews.list({ ...ws(), candidateId: "nope" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(owner.interviews.list({ ...ws(), status: "hired" as "scheduled" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(owner.interviews.list({ ...ws(), stage: "x".repeat(101) }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(owner.interviews.list({ ...ws(), from: new Date("+010000-01-01T00:00:00Z") }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await errorOf(owner.interviews.transcript.get({ ...ws(), interviewId: w.hiring.interview.id, limit: 0 }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("lists in schedule order with a cursor, and filters", async () => {
    const candidate = await db.candidate.create({
      data: { workspaceId: w.workspaceId, name: "Lin Listed", positionTitle: "Designer", createdById: w.owner.id },
    });
    const made = [];
    for (const [day, stage] of [
      [12, "final"],
      [10, "screen"],
      [11, "final"],
    ] as const) {
      made.push(
        await schedule({
          candidateId: candidate.id,
          positionTitle: "Designer",
          stage,
          scheduledAt: soon(day),
          panelMemberIds: day === 10 ? [second.memberId] : [w.hiring.interviewerMemberId],
        }),
      );
    }
    const [day12, day10, day11] = made.map((interview) => interview.id);
    const owner = as(w.owner);
    const first = await owner.interviews.list({ ...ws(), candidateId: candidate.id, limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([day10, day11]);
    const rest = await owner.interviews.list({ ...ws(), candidateId: candidate.id, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(rest).toMatchObject({ items: [{ id: day12 }], nextCursor: null });
    expect((await owner.interviews.list({ ...ws(), candidateId: candidate.id, stage: "FINAL" })).items.map((i) => i.id)).toEqual([
      day11,
      day12,
    ]);
    expect(
      (await owner.interviews.list({ ...ws(), positionTitle: "designer", from: soon(11), to: soon(11) })).items.map((i) => i.id),
    ).toEqual([day11]);
    expect((await owner.interviews.list({ ...ws(), candidateId: candidate.id, status: "cancelled" })).items).toEqual([]);
    // The second interviewer sees only theirs, and `mine` keeps to the caller's panels.
    expect((await as(second).interviews.list({ ...ws() })).items.map((i) => i.id)).toEqual([day10]);
    const mine = await as(w.hiring.interviewer).interviews.list({ ...ws(), mine: true, positionTitle: "Designer" });
    expect(mine.items.map((i) => i.id)).toEqual([day11, day12]);
    expect((await owner.interviews.list({ ...ws(), mine: true })).items).toEqual([]);
    expect(await errorOf(owner.interviews.list({ ...ws(), limit: 101 }))).toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("interviews.update and interviews.cancel", () => {
  it("reschedules and changes the panel (emails, rescheduled), other changes are audited without email", async () => {
    const interview = await schedule({ scheduledAt: soon(20) });
    const owner = as(w.owner);
    const moved = await owner.interviews.update({ ...ws(), interviewId: interview.id, scheduledAt: soon(21), durationMinutes: 45 });
    expect(moved).toMatchObject({ scheduledAt: soon(21), durationMinutes: 45 });
    let emails = await emailsAbout(interview.id);
    expect(
      emails
        .filter((email) => email.subject.startsWith("Interview updated"))
        .map((email) => email.toAddress)
        .sort(),
    ).toEqual([manager.email, w.hiring.interviewer.email].sort());

    // A new panel: the new interviewer sees it and is emailed; the one removed no longer sees it.
    const repanelled = await owner.interviews.update({ ...ws(), interviewId: interview.id, panelMemberIds: [second.memberId] });
    expect(repanelled.panel.map((p) => p.memberId)).toEqual([second.memberId]);
    emails = await emailsAbout(interview.id);
    expect(emails.some((email) => email.toAddress === second.email)).toBe(true);
    expect(await errorOf(as(w.hiring.interviewer).interviews.get({ ...ws(), interviewId: interview.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await as(second).interviews.get({ ...ws(), interviewId: interview.id })).myRole).toEqual({ onPanel: true, manage: false });

    const count = emails.length;
    const restaged = await owner.interviews.update({
      ...ws(),
      interviewId: interview.id,
      stage: "final",
      status: "completed",
      templateId: null,
    });
    expect(restaged).toMatchObject({ stage: "final", status: "completed", templateId: null });
    expect(await emailsAbout(interview.id)).toHaveLength(count);
    // Nothing changed: nothing recorded.
    await owner.interviews.update({ ...ws(), interviewId: interview.id, stage: "final" });
    const audited = await db.auditEvent.findMany({
      where: { targetId: interview.id },
      orderBy: { id: "asc" },
      select: { action: true, metadata: true },
    });
    expect(audited.map((event) => event.action)).toEqual([
      "interview.scheduled",
      "interview.scheduled",
      "interview.scheduled",
      "interview.updated",
    ]);
    expect(audited[1]?.metadata).toMatchObject({ rescheduled: true });
    expect(audited[3]?.metadata).toEqual({ fields: ["stage", "status", "templateId"] });
  });

  it("refuses bad input, other workspaces, the off-panel and non-managers, writing nothing", async () => {
    const id = w.hiring.interview.id;
    const owner = as(w.owner);
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, stage: "coffee" }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, panelMemberIds: [w.memberIds.viewer] }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, durationMinutes: 10_000 }), "BAD_REQUEST");
    // `cancelled` is interviews.cancel's.
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, status: "cancelled" as "completed" }), "BAD_REQUEST");
    const b = world.b;
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, panelMemberIds: [b.memberIds.member] }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: id, meetingId: b.meeting.id }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.update({ ...ws(), interviewId: b.hiring.interview.id, stage: "final" }), "NOT_FOUND");
    await expectRefused(() => owner.interviews.cancel({ ...ws(), interviewId: b.hiring.interview.id }), "NOT_FOUND");
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await expectRefused(() => as(user).interviews.update({ ...ws(), interviewId: id, stage: "final" }), "FORBIDDEN");
      await expectRefused(() => as(user).interviews.cancel({ ...ws(), interviewId: id }), "FORBIDDEN");
    }
  });

  it("links a meeting later, and unlinking leaves it an interview meeting (its transcript may hold the candidate's words)", async () => {
    const interview = await schedule();
    const meeting = await as(manager).meetings.create({ ...ws(), title: "Onsite room" });
    const linked = await as(manager).interviews.update({ ...ws(), interviewId: interview.id, meetingId: meeting.id });
    expect(linked.meetingId).toBe(meeting.id);
    expect(await db.meeting.findUnique({ where: { id: meeting.id }, select: { isInterview: true } })).toEqual({ isInterview: true });
    expect(await errorOf(as(w.member).meetings.get({ ...ws(), meetingId: meeting.id }))).toMatchObject({ code: "NOT_FOUND" });
    const unlinked = await as(manager).interviews.update({ ...ws(), interviewId: interview.id, meetingId: null });
    expect(unlinked.meetingId).toBeNull();
    expect(await db.meeting.findUnique({ where: { id: meeting.id }, select: { isInterview: true } })).toEqual({ isInterview: true });
    // Off the panel now (no interview holds it): interview managers only.
    expect(await errorOf(as(w.hiring.interviewer).meetings.get({ ...ws(), meetingId: meeting.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await as(manager).meetings.get({ ...ws(), meetingId: meeting.id })).id).toBe(meeting.id);
  });

  it("keeps the template once scorecards were submitted against it", async () => {
    const interview = await schedule();
    await db.interviewScorecard.create({
      data: { workspaceId: w.workspaceId, interviewId: interview.id, memberId: w.hiring.interviewerMemberId, submittedAt: new Date() },
    });
    await expectRefused(() => as(w.owner).interviews.update({ ...ws(), interviewId: interview.id, templateId: null }), "CONFLICT");
  });

  it("cancels once, with a reason and an email; a cancelled interview changes no more", async () => {
    const interview = await schedule({ scheduledAt: soon(30) });
    const before = (await emailsAbout(interview.id)).length;
    const cancelled = await as(manager).interviews.cancel({ ...ws(), interviewId: interview.id, reason: "Position filled" });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelReason: "Position filled", cancelledAt: expect.any(Date) });
    const emails = await emailsAbout(interview.id);
    expect(emails.slice(before).map((email) => [email.toAddress, email.subject.startsWith("Interview cancelled")])).toEqual([
      [w.hiring.interviewer.email, true],
    ]);
    expect(await as(manager).interviews.cancel({ ...ws(), interviewId: interview.id })).toMatchObject({ cancelReason: "Position filled" });
    expect(await emailsAbout(interview.id)).toHaveLength(emails.length);
    await expectRefused(() => as(w.owner).interviews.update({ ...ws(), interviewId: interview.id, stage: "final" }), "CONFLICT");

    const held = await schedule();
    await as(w.owner).interviews.update({ ...ws(), interviewId: held.id, status: "completed" });
    await expectRefused(() => as(w.owner).interviews.cancel({ ...ws(), interviewId: held.id }), "CONFLICT");
    await expectRefused(() => as(w.owner).interviews.cancel({ ...ws(), interviewId: held.id, reason: "x".repeat(1_001) }), "BAD_REQUEST");
  });
});

describe("interviews.stages", () => {
  it("everyone reads the ordered list; interview managers change it; a stage in use cannot go", async () => {
    expect(await as(w.viewer).interviews.stages.get(ws())).toEqual({ stages: ["screen", "technical", "onsite", "final"] });
    const set = await as(manager).interviews.stages.set({ ...ws(), stages: ["screen", "technical", "onsite", "final", "Offer call"] });
    expect(set.stages).toEqual(["screen", "technical", "onsite", "final", "Offer call"]);
    expect(await as(w.member).interviews.stages.get(ws())).toEqual(set);
    // `onsite` is the hiring world's interview's (and candidate's) stage.
    await expectRefused(() => as(w.owner).interviews.stages.set({ ...ws(), stages: ["screen", "technical", "final"] }), "CONFLICT");
    const error = await as(w.owner)
      .interviews.stages.set({ ...ws(), stages: ["screen", "technical", "final"] })
      .catch((caught: Error) => caught.message);
    expect(error).toContain('"onsite"');
    // A change of case and a new order are no removal; an unused stage goes.
    await as(w.owner).interviews.stages.set({ ...ws(), stages: ["Screen", "Technical", "Onsite", "Final"] });
    expect(await as(w.owner).interviews.stages.get(ws())).toEqual({ stages: ["Screen", "Technical", "Onsite", "Final"] });
    const audited = await db.auditEvent.count({ where: { workspaceId: w.workspaceId, action: "interview_stages.updated" } });
    expect(audited).toBe(2);
    // Stages are matched without regard to case, and stored as the list spells them.
    expect((await schedule({ stage: "onsite" })).stage).toBe("Onsite");
  });

  it("refuses bad lists, other workspaces and non-managers, writing nothing", async () => {
    const owner = as(w.owner);
    await expectRefused(() => owner.interviews.stages.set({ ...ws(), stages: [] }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.stages.set({ ...ws(), stages: ["Screen", "screen"] }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.stages.set({ ...ws(), stages: [" "] }), "BAD_REQUEST");
    await expectRefused(() => owner.interviews.stages.set({ ...ws(), stages: ["x".repeat(101)] }), "BAD_REQUEST");
    await expectRefused(
      () => owner.interviews.stages.set({ ...ws(), stages: Array.from({ length: 21 }, (_, i) => `s${i}`) }),
      "BAD_REQUEST",
    );
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await expectRefused(() => as(user).interviews.stages.set({ ...ws(), stages: ["screen"] }), "FORBIDDEN");
    }
    await expectRefused(() => as(world.b.owner).interviews.stages.set({ ...ws(), stages: ["screen"] }), "NOT_FOUND");
    expect(await errorOf(as(world.b.owner).interviews.stages.get(ws()))).toMatchObject({ code: "NOT_FOUND" });
  });
});
