import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createJobHandlers } from "../app/jobs.js";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import { startJobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { HIRING_POSITION } from "../testing/hiring-fixtures.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import type { AskEvent } from "../askmind/schemas.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;
/** Another workspace, for ids that must not reach across. */
let other: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  fingerprints = await databaseFingerprint(database.url);
  other = await createWorkspaceWorld(db, "other");
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(db, `c${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });

/** The call must be refused with `code` (and `appCode`, if given) and write nothing at all. */
async function refusedWithoutWrites(call: () => Promise<unknown>, code: string, appCode?: string): Promise<void> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome?.code).toBe(code);
  if (appCode) expect(outcome?.appCode).toBe(appCode);
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
}

async function auditOf(targetId: string) {
  return db.auditEvent.findMany({ where: { workspaceId: w.workspaceId, targetId }, orderBy: { id: "asc" } });
}

describe("candidates: create, get, update, delete, restore", () => {
  it("a manager creates one (email lowercased, blanks as none), reads it with its interviews, and it is audited by id only", async () => {
    const created = await as(w.admin).candidates.create({
      ...ws(),
      name: "  Grace Hopper ",
      email: "Grace.Hopper@Example.COM",
      phone: "+1 (555) 010-2030",
      links: ["https://example.com/cv.pdf", "https://example.com/cv.pdf", "http://github.com/grace"],
      positionTitle: HIRING_POSITION,
      stage: "screen",
      source: "",
      notes: "Referred by the compiler team",
    });
    expect(created).toMatchObject({
      name: "Grace Hopper",
      email: "grace.hopper@example.com",
      phone: "+1 (555) 010-2030",
      links: ["https://example.com/cv.pdf", "http://github.com/grace"],
      positionTitle: HIRING_POSITION,
      stage: "screen",
      source: null,
      deletedAt: null,
    });
    const detail = await as(w.owner).candidates.get({ ...ws(), candidateId: created.id });
    expect(detail).toMatchObject({ id: created.id, interviews: [] });

    const [audit] = await auditOf(created.id);
    expect(audit?.action).toBe("candidate.created");
    expect(JSON.stringify(audit)).not.toMatch(/grace|hopper|010-2030/i);
  });

  it("get shows the candidate's interviews: the panel sees them, an off-panel member and another workspace get NOT_FOUND", async () => {
    const candidateId = w.hiring.candidate.id;
    const seen = await as(w.hiring.interviewer).candidates.get({ ...ws(), candidateId });
    expect(seen).toMatchObject({ id: candidateId, name: w.hiring.candidate.name, email: w.hiring.candidate.email });
    expect(seen.interviews).toEqual([
      { id: w.hiring.interview.id, positionTitle: HIRING_POSITION, stage: "onsite", scheduledAt: expect.any(Date), status: "scheduled" },
    ]);
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(w.viewer).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(other.owner).candidates.get({ workspaceId: other.workspaceId, candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(other.owner).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    // A soft-deleted candidate is not there to get.
    expect((await errorOf(as(w.owner).candidates.get({ ...ws(), candidateId: w.hiring.deletedCandidate.id })))?.code).toBe("NOT_FOUND");
  });

  it("a second live candidate with the same email is a CONFLICT naming the first, in any case; bad input is a 4xx and writes nothing", async () => {
    const first = await as(w.admin).candidates.create({ ...ws(), name: "Linus", email: "linus@example.com" });
    const before = await fingerprints.take();
    const conflict = await as(w.admin)
      .candidates.create({ ...ws(), name: "Other Linus", email: "LINUS@example.com" })
      .then(
        () => null,
        (error: { code?: string; message?: string; cause?: { appCode?: string } }) => error,
      );
    expect(conflict).toMatchObject({ code: "CONFLICT", cause: { appCode: "candidate_email_taken" } });
    expect(conflict?.message).toContain(first.id);
    expect(await fingerprints.take()).toBe(before);
    // Updating another candidate onto the email: the same answer.
    await refusedWithoutWrites(
      () => as(w.admin).candidates.update({ ...ws(), candidateId: w.hiring.candidate.id, email: "linus@example.com" }),
      "CONFLICT",
      "candidate_email_taken",
    );
    // Another workspace has its own candidates.
    await as(other.owner).candidates.create({ workspaceId: other.workspaceId, name: "Linus", email: "linus@example.com" });

    const bad = [
      { name: "" },
      { name: "x".repeat(201) },
      { name: "Ok", email: "not-an-email" },
      { name: "Ok", links: ["javascript:alert(1)"] },
      { name: "Ok", links: ["ftp://example.com/cv"] },
      { name: "Ok", links: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`) },
      { name: "Ok", phone: "call me maybe" },
      { name: "Ok", notes: "x".repeat(10_001) },
    ];
    for (const input of bad) {
      await refusedWithoutWrites(() => as(w.admin).candidates.create({ ...ws(), ...input }), "BAD_REQUEST");
    }
    await refusedWithoutWrites(
      () => as(w.admin).candidates.create({ ...ws(), name: "Ok", stage: "phone-call" }),
      "BAD_REQUEST",
      "unknown_stage",
    );
    await refusedWithoutWrites(
      () => as(w.admin).candidates.update({ ...ws(), candidateId: first.id, stage: "nonsense" }),
      "BAD_REQUEST",
      "unknown_stage",
    );
  });

  it("update changes only the fields given (null clears), and is audited with field names only", async () => {
    const candidateId = w.hiring.candidate.id;
    const updated = await as(w.owner).candidates.update({
      ...ws(),
      candidateId,
      stage: "final",
      phone: "+44 1632 960000",
      positionTitle: null,
    });
    expect(updated).toMatchObject({ name: w.hiring.candidate.name, stage: "final", phone: "+44 1632 960000", positionTitle: null });
    const audit = (await auditOf(candidateId)).at(-1);
    expect(audit).toMatchObject({ action: "candidate.updated", metadata: { changed: ["phone", "positionTitle", "stage"] } });
    expect(JSON.stringify(audit)).not.toContain("1632");
    // Keeping its own email is no conflict.
    await as(w.owner).candidates.update({ ...ws(), candidateId, email: w.hiring.candidate.email.toUpperCase() });
  });

  it("only managers write: members (on the panel or not) and viewers are FORBIDDEN; an unknown or foreign id is NOT_FOUND", async () => {
    const candidateId = w.hiring.candidate.id;
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(() => as(user).candidates.create({ ...ws(), name: "Nope" }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.update({ ...ws(), candidateId, name: "Nope" }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.delete({ ...ws(), candidateId }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.restore({ ...ws(), candidateId: w.hiring.deletedCandidate.id }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.erase({ ...ws(), candidateId }), "FORBIDDEN");
    }
    for (const candidateId of [crypto.randomUUID(), other.hiring.candidate.id]) {
      await refusedWithoutWrites(() => as(w.owner).candidates.update({ ...ws(), candidateId, name: "Nope" }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.delete({ ...ws(), candidateId }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.restore({ ...ws(), candidateId }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.erase({ ...ws(), candidateId }), "NOT_FOUND");
    }
    await refusedWithoutWrites(() => as(w.owner).candidates.get({ ...ws(), candidateId: "not-a-uuid" }), "BAD_REQUEST");
  });

  it("delete is soft and restorable; deleting twice, or restoring a live one, is NOT_FOUND; restore onto a taken email is a CONFLICT", async () => {
    const candidateId = w.hiring.candidate.id;
    await as(w.admin).candidates.delete({ ...ws(), candidateId });
    expect((await errorOf(as(w.admin).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await as(w.admin).candidates.list({ ...ws() })).items.map((c) => c.id)).not.toContain(candidateId);
    expect((await as(w.admin).candidates.list({ ...ws(), deleted: true })).items.map((c) => c.id)).toContain(candidateId);
    await refusedWithoutWrites(() => as(w.admin).candidates.delete({ ...ws(), candidateId }), "NOT_FOUND");

    // Someone else takes the email meanwhile: the restore would break uniqueness.
    const taker = await as(w.admin).candidates.create({ ...ws(), name: "Newcomer", email: w.hiring.candidate.email });
    await refusedWithoutWrites(() => as(w.admin).candidates.restore({ ...ws(), candidateId }), "CONFLICT", "candidate_email_taken");
    await as(w.admin).candidates.delete({ ...ws(), candidateId: taker.id });

    const restored = await as(w.admin).candidates.restore({ ...ws(), candidateId });
    expect(restored).toMatchObject({ id: candidateId, deletedAt: null });
    await refusedWithoutWrites(() => as(w.admin).candidates.restore({ ...ws(), candidateId }), "NOT_FOUND");
    expect((await auditOf(candidateId)).map((a) => a.action)).toEqual(["candidate.deleted", "candidate.restored"]);
  });
});

describe("candidates.list", () => {
  it("pages newest first, filters by position, stage and name/email query, and shows a panelist only their candidates", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        (
          await as(w.admin).candidates.create({
            ...ws(),
            name: `Paged ${i}`,
            email: `paged_${i}@example.com`,
            positionTitle: i % 2 ? "Designer" : HIRING_POSITION,
            stage: i % 2 ? "screen" : "technical",
          })
        ).id,
      );
    }
    const all = [...made].reverse().concat(w.hiring.candidate.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(w.owner).candidates.list({ ...ws(), limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);

    const ids = async (filters: Record<string, unknown>) =>
      (await as(w.owner).candidates.list({ ...ws(), ...filters })).items.map((c) => c.id);
    expect(await ids({ positionTitle: "Designer" })).toEqual([made[3], made[1]]);
    expect(await ids({ positionTitle: "designer", stage: "screen" })).toEqual([made[3], made[1]]);
    expect(await ids({ stage: "technical" })).toEqual([made[4], made[2], made[0]]);
    expect(await ids({ query: "PAGED 3" })).toEqual([made[3]]);
    // `_` is an underscore, not a wildcard; the query matches emails too.
    expect(await ids({ query: "d_1@" })).toEqual([made[1]]);
    expect(await ids({ query: "zzz" })).toEqual([]);

    // The interviewer sees the one candidate of their interview; the member and viewer see none.
    expect((await as(w.hiring.interviewer).candidates.list({ ...ws() })).items.map((c) => c.id)).toEqual([w.hiring.candidate.id]);
    expect((await as(w.member).candidates.list({ ...ws() })).items).toEqual([]);
    expect((await as(w.viewer).candidates.list({ ...ws() })).items).toEqual([]);
    // Another workspace's caller never sees ours.
    expect((await as(other.owner).candidates.list({ workspaceId: other.workspaceId })).items.map((c) => c.id)).not.toContain(
      w.hiring.candidate.id,
    );
  });

  it("refuses a foreign or unknown cursor and unbounded input", async () => {
    expect(await errorOf(as(w.owner).candidates.list({ ...ws(), cursor: other.hiring.candidate.id }))).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "invalid_cursor",
    });
    for (const input of [{ limit: 0 }, { limit: 101 }, { query: "x".repeat(101) }, { query: "   " }]) {
      expect((await errorOf(as(w.owner).candidates.list({ ...ws(), ...input })))?.code).toBe("BAD_REQUEST");
    }
  });
});

describe("workspaces.members.setPermissions", () => {
  it("grants interviews:manage to a member, who then sees and manages every candidate; revoking takes it away", async () => {
    const memberId = w.memberIds.member;
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");

    await as(w.admin).workspaces.members.setPermissions({ ...ws(), memberId, permissions: ["interviews:manage"] });
    const listed = (await as(w.viewer).workspaces.members.list({ ...ws() })).items.find((m) => m.memberId === memberId);
    expect(listed?.grantedPermissions).toEqual(["interviews:manage"]);
    expect((await as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })).interviews).toHaveLength(1);
    expect((await as(w.member).candidates.list({ ...ws() })).items.map((c) => c.id)).toEqual([w.hiring.candidate.id]);
    await as(w.member).candidates.create({ ...ws(), name: "Hired by a hiring manager" });

    await as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId, permissions: [] });
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(w.member).candidates.create({ ...ws(), name: "Nope" })))?.code).toBe("FORBIDDEN");

    const audits = await db.auditEvent.findMany({
      where: { workspaceId: w.workspaceId, action: "member.permissions_changed" },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.metadata)).toEqual([
      { userId: w.member.id, from: [], to: ["interviews:manage"] },
      { userId: w.member.id, from: ["interviews:manage"], to: [] },
    ]);
  });

  it("a role change away from member drops the grants", async () => {
    await as(w.admin).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds.member, permissions: ["interviews:manage"] });
    await as(w.admin).workspaces.members.updateRole({ ...ws(), userId: w.member.id, role: "viewer" });
    await as(w.admin).workspaces.members.updateRole({ ...ws(), userId: w.member.id, role: "member" });
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");
  });

  it("grants go to members only; others are a BAD_REQUEST, unknown permissions too, and nothing is written", async () => {
    for (const role of ["viewer", "admin", "owner"] as const) {
      await refusedWithoutWrites(
        () => as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds[role], permissions: ["interviews:manage"] }),
        "BAD_REQUEST",
        "grant_requires_member_role",
      );
    }
    await refusedWithoutWrites(
      () =>
        as(w.owner).workspaces.members.setPermissions({
          ...ws(),
          memberId: w.memberIds.member,
          permissions: ["workspace:delete"],
        } as never),
      "BAD_REQUEST",
    );
    await refusedWithoutWrites(
      () =>
        as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId: other.memberIds.member, permissions: ["interviews:manage"] }),
      "NOT_FOUND",
    );
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(
        () => as(user).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds.member, permissions: ["interviews:manage"] }),
        "FORBIDDEN",
      );
    }
  });
});

// ─── Erasure ─────────────────────────────────────────────────────────────────────────────────────

const NAME = "Zephyrine Quillfeather";
const EMAIL = "zephyrine.q@candidates.example";
const PHONE = "+44 20 7946 0958";
/** Words only the candidate said: no table may hold them after erasure. */
const PHRASE = "flangewidget";
const OTHER_PHRASE = "marzipantastic";

/** Every row of every table as lowercase text (as testing/fingerprint.ts enumerates them). */
async function everyRowAsText(): Promise<{ table: string; row: string }[]> {
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    const tables = await sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const rows: { table: string; row: string }[] = [];
    for (const { table_name: table } of tables.rows) {
      const result = await sql.query<{ row: string }>(`SELECT lower(x::text) AS row FROM "${table}" x`);
      rows.push(...result.rows.map(({ row }) => ({ table, row })));
    }
    return rows;
  } finally {
    await sql.end();
  }
}

async function collect(stream: AsyncIterable<AskEvent>) {
  const events: AskEvent[] = [];
  for await (const event of stream) events.push(event);
  const last = events.at(-1);
  if (last?.type !== "final") throw new Error("no final message");
  return last.message;
}

/**
 * A candidate with everything a real one accumulates: a soft-deleted and restored history, an
 * interview held in an interview meeting with a transcript (imported through the transcripts service,
 * the candidate's speaker mapped to their participant), segment embeddings, a meeting summary made
 * by the job, an interview summary, Ask Mind answers citing their words, scorecards with notes and
 * comments (and a submitted version).
 */
async function realisticCandidate() {
  const owner = as(w.owner);
  const candidate = await owner.candidates.create({
    ...ws(),
    name: NAME,
    email: EMAIL.toUpperCase(),
    phone: PHONE,
    links: ["https://quillfeather.example/portfolio"],
    positionTitle: HIRING_POSITION,
    stage: "screen",
    source: "Referral",
    notes: `Met ${NAME} at a conference; talked about ${PHRASE}s`,
  });
  await owner.candidates.update({ ...ws(), candidateId: candidate.id, stage: "onsite" });
  await owner.candidates.delete({ ...ws(), candidateId: candidate.id });
  await owner.candidates.restore({ ...ws(), candidateId: candidate.id });

  const meeting = await owner.meetings.create({ ...ws(), title: `Onsite: ${NAME}` });
  await db.meeting.update({ where: { id: meeting.id }, data: { isInterview: true } });
  const participant = await db.meetingParticipant.create({
    data: { workspaceId: w.workspaceId, meetingId: meeting.id, name: NAME, email: EMAIL, role: "candidate" },
  });
  const interview = await db.interview.create({
    data: {
      workspaceId: w.workspaceId,
      candidateId: candidate.id,
      meetingId: meeting.id,
      templateId: w.hiring.template.id,
      positionTitle: HIRING_POSITION,
      stage: "onsite",
      scheduledAt: new Date("2026-11-30T10:00:00Z"),
      cancelReason: `${NAME} asked to move it`,
      panel: { create: [{ workspaceId: w.workspaceId, memberId: w.hiring.interviewerMemberId }] },
    },
  });

  const lines = [
    { speaker: "Interviewer", text: "Tell me about the hardest system you built." },
    { speaker: NAME, text: `I rebuilt the ${PHRASE} pipeline at Quokkatronics; it was ${OTHER_PHRASE} work on retries and queues.` },
    { speaker: "Interviewer", text: "How did you test it?" },
    { speaker: NAME, text: `Every ${PHRASE} stage had contract tests, and my email ${EMAIL} was on the on-call rota.` },
  ];
  const content = JSON.stringify({
    segments: lines.map((line, i) => ({ speaker: line.speaker, start_ms: i * 10_000, end_ms: i * 10_000 + 9_000, text: line.text })),
  });
  await owner.transcripts.import({ ...ws(), meetingId: meeting.id, format: "json", content });
  await owner.transcripts.speakers.assign({ ...ws(), meetingId: meeting.id, speakerLabel: NAME, participantId: participant.id });
  const segments = await db.transcriptSegment.findMany({ where: { meetingId: meeting.id }, select: { id: true } });
  expect(segments.length).toBe(4);
  await db.segmentEmbedding.createMany({
    data: segments.map((segment) => ({
      segmentId: segment.id,
      workspaceId: w.workspaceId,
      meetingId: meeting.id,
      model: "test",
      embedding: [0.1, 0.2],
    })),
  });

  await owner.meetings.summary.generate({ ...ws(), meetingId: meeting.id });
  const worker = startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai: services.ai, embeddings: null, log: silentLogger }),
    pollIntervalMs: 0,
    backoff: () => 0,
  });
  await worker.runDue();
  await worker.stop();
  expect((await owner.meetings.summary.get({ ...ws(), meetingId: meeting.id }))?.status).toBe("done");

  await db.interviewSummary.create({
    data: {
      workspaceId: w.workspaceId,
      interviewId: interview.id,
      version: 1,
      isCurrent: true,
      status: "done",
      content: { overview: `${NAME} described the ${PHRASE} pipeline`, questions: [], categories: [] },
    },
  });
  const [technical, communication] = w.hiring.template.categoryIds;
  const scorecard = await db.interviewScorecard.create({
    data: {
      workspaceId: w.workspaceId,
      interviewId: interview.id,
      memberId: w.hiring.interviewerMemberId,
      recommendation: "yes",
      notes: `${NAME} knows ${PHRASE}s inside out`,
      version: 2,
      submittedAt: new Date(),
      scores: {
        create: [
          { workspaceId: w.workspaceId, categoryId: technical ?? "", score: 4, comment: `Deep on ${PHRASE}` },
          { workspaceId: w.workspaceId, categoryId: communication ?? "", score: 3, comment: `Zephyrine rambled a bit` },
        ],
      },
      versions: {
        create: [
          {
            workspaceId: w.workspaceId,
            version: 1,
            recommendation: "no",
            notes: `First take on ${NAME}`,
            scores: [{ categoryId: technical, score: 2, comment: `Unsure about the ${PHRASE}` }],
            submittedAt: new Date(),
          },
        ],
      },
    },
  });

  // Ask Mind: a session on the interview meeting, and a workspace-wide one that names them.
  const onMeeting = await owner.askMind.sessions.create({
    ...ws(),
    scope: { kind: "meeting", meetingId: meeting.id },
    title: "Onsite debrief",
  });
  const cited = await collect(
    await owner.askMind.ask({ ...ws(), sessionId: onMeeting.id, question: `How was the ${PHRASE} pipeline tested?` }),
  );
  expect(cited.citations.map((c) => c.meetingId)).toContain(meeting.id);
  const wide = await owner.askMind.sessions.create({ ...ws(), scope: { kind: "workspace" }, title: `Notes on ${NAME}` });
  const asked = await collect(await owner.askMind.ask({ ...ws(), sessionId: wide.id, question: `What did ${NAME} build?` }));
  // A question about something else in the same thread stays.
  const unrelated = await collect(await owner.askMind.ask({ ...ws(), sessionId: wide.id, question: "What is on the roadmap?" }));

  return { candidate, meeting, interview, scorecard, onMeeting, wide, answers: { cited, asked, unrelated } };
}

describe("candidates.erase", () => {
  it("removes the candidate and every trace of their words from every table, search and Ask Mind; scorecard numbers stay", async () => {
    const made = await realisticCandidate();
    const needles = [NAME.toLowerCase(), "quillfeather", EMAIL, PHONE, PHRASE, OTHER_PHRASE, "quokkatronics"];
    // The scan finds them before: it would find them after.
    const before = (await everyRowAsText()).filter(({ row }) => row.includes(PHRASE));
    expect([...new Set(before.map((hit) => hit.table))]).toEqual(
      expect.arrayContaining([
        "candidates",
        "transcript_segments",
        "meeting_summaries",
        "interview_summaries",
        "interview_scorecards",
        "scorecard_scores",
        "scorecard_versions",
        "ask_mind_messages",
      ]),
    );
    expect((await as(w.owner).search.transcripts({ ...ws(), query: PHRASE })).items.length).toBeGreaterThan(0);

    // Neither an off-panel member, the panel, a viewer nor another workspace may erase.
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(() => as(user).candidates.erase({ ...ws(), candidateId: made.candidate.id }), "FORBIDDEN");
    }
    await refusedWithoutWrites(() => as(other.owner).candidates.erase({ ...ws(), candidateId: made.candidate.id }), "NOT_FOUND");
    await refusedWithoutWrites(
      () => as(other.owner).candidates.erase({ workspaceId: other.workspaceId, candidateId: made.candidate.id }),
      "NOT_FOUND",
    );

    const result = await as(w.admin).candidates.erase({ ...ws(), candidateId: made.candidate.id });
    expect(result).toMatchObject({ ok: true, interviews: 1, meetings: 1 });
    expect(result.askMindMessages).toBeGreaterThanOrEqual(4);

    const leftovers = (await everyRowAsText()).filter(({ row }) => needles.some((needle) => row.includes(needle.toLowerCase())));
    expect(leftovers).toEqual([]);

    // Search and Ask Mind find nothing of them.
    expect((await as(w.owner).search.transcripts({ ...ws(), query: PHRASE })).items).toEqual([]);
    expect((await as(w.owner).search.transcripts({ ...ws(), query: "Quillfeather" })).items).toEqual([]);
    const sessions = (await as(w.owner).askMind.sessions.list({ ...ws() })).items;
    expect(sessions.map((s) => s.id)).not.toContain(made.onMeeting.id);
    const wide = sessions.find((s) => s.id === made.wide.id);
    expect(wide?.title).toBeNull();
    const thread = (await as(w.owner).askMind.messages.list({ ...ws(), sessionId: made.wide.id })).items;
    expect(thread.map((m) => m.id)).toContain(made.answers.unrelated.id);
    expect(thread.map((m) => m.id)).not.toContain(made.answers.asked.id);
    expect(JSON.stringify(thread).toLowerCase()).not.toMatch(/quillfeather|flangewidget/);

    // The interview stays, anonymised; the scorecard keeps its numbers.
    const interview = await db.interview.findUniqueOrThrow({ where: { id: made.interview.id } });
    expect(interview).toMatchObject({
      candidateId: null,
      meetingId: null,
      cancelReason: null,
      positionTitle: HIRING_POSITION,
      stage: "onsite",
    });
    expect(interview.candidateErasedAt).toBeInstanceOf(Date);
    expect(await db.interviewPanelist.count({ where: { interviewId: made.interview.id } })).toBe(1);
    const scorecard = await db.interviewScorecard.findUniqueOrThrow({
      where: { id: made.scorecard.id },
      include: { scores: { orderBy: { score: "desc" } }, versions: true },
    });
    expect(scorecard).toMatchObject({ recommendation: "yes", notes: null, version: 2 });
    expect(scorecard.scores.map((s) => [s.score, s.comment])).toEqual([
      [4, null],
      [3, null],
    ]);
    expect(scorecard.versions.map((v) => [v.recommendation, v.notes, v.scores])).toEqual([
      ["no", null, [{ categoryId: w.hiring.template.categoryIds[0], score: 2, comment: null }]],
    ]);
    expect(await db.interviewSummary.count({ where: { interviewId: made.interview.id } })).toBe(0);
    expect(await db.meeting.count({ where: { id: made.meeting.id } })).toBe(0);

    // The audit says what happened, with the id and counts only.
    const [erased] = await db.auditEvent.findMany({ where: { workspaceId: w.workspaceId, action: "candidate.erased" } });
    const { ok: _, ...counts } = result;
    expect(erased).toMatchObject({ targetType: "candidate", targetId: made.candidate.id, metadata: counts });
    expect((await errorOf(as(w.owner).candidates.get({ ...ws(), candidateId: made.candidate.id })))?.code).toBe("NOT_FOUND");
    // Erasing again: there is nothing left to erase.
    await refusedWithoutWrites(() => as(w.admin).candidates.erase({ ...ws(), candidateId: made.candidate.id }), "NOT_FOUND");

    // The rest of the workspace is untouched.
    expect(await db.candidate.count({ where: { id: w.hiring.candidate.id } })).toBe(1);
    expect(await db.meeting.count({ where: { id: w.meeting.id } })).toBe(1);
  });

  it("erases a soft-deleted candidate, and a hiring manager by grant may erase", async () => {
    await as(w.admin).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds.member, permissions: ["interviews:manage"] });
    const deletedId = w.hiring.deletedCandidate.id;
    expect(await as(w.member).candidates.erase({ ...ws(), candidateId: deletedId })).toEqual({
      ok: true,
      interviews: 0,
      meetings: 0,
      askMindMessages: 0,
    });
    expect(await db.candidate.count({ where: { id: deletedId } })).toBe(0);
  });

  it("a name that is part of other words does not erase unrelated Ask Mind messages", async () => {
    const shortName = await as(w.owner).candidates.create({ ...ws(), name: "Al" });
    const session = await as(w.owner).askMind.sessions.create({ ...ws(), scope: { kind: "workspace" }, title: "Also a plan" });
    const answer = await collect(await as(w.owner).askMind.ask({ ...ws(), sessionId: session.id, question: "What else is planned?" }));
    await as(w.owner).candidates.erase({ ...ws(), candidateId: shortName.id });
    expect((await as(w.owner).askMind.messages.list({ ...ws(), sessionId: session.id })).items.map((m) => m.id)).toContain(answer.id);
    expect((await as(w.owner).askMind.sessions.get({ ...ws(), sessionId: session.id })).title).toBe("Also a plan");
  });

  it("is refused for an unknown id with nothing written, and the second workspace's owner cannot reach it", async () => {
    await refusedWithoutWrites(() => as(w.owner).candidates.erase({ ...ws(), candidateId: crypto.randomUUID() }), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.owner).candidates.erase({ ...ws(), candidateId: "nope" }), "BAD_REQUEST");
    const outsider = await createUser(db, "outsider");
    await refusedWithoutWrites(() => as(outsider).candidates.erase({ ...ws(), candidateId: w.hiring.candidate.id }), "NOT_FOUND");
  });
});
