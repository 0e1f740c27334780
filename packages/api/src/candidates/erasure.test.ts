// candidates.erase (GDPR art. 17): every trace of a candidate goes, from every table.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createPrismaClient, type Db } from "@meetmind/db";
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

/** Runs whatever jobs are due, as the server's worker would. */
async function runJobs(): Promise<void> {
  const worker = startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai: services.ai, embeddings: null, workspaceAi: services.workspaceAi, log: silentLogger }),
    pollIntervalMs: 0,
    backoff: () => 0,
  });
  await worker.runDue();
  await worker.stop();
}

const FIRST_NAME = NAME.split(" ")[0] ?? "";

/**
 * A candidate whose whole history is made through the procedures, as a hiring team makes it: the
 * interview with its panel, the transcript imported on it (which makes the interview meeting) and
 * its speakers mapped, a scorecard drafted, submitted and amended, the interview summary generated
 * by its job, and Ask Mind questions answered from the transcript, one naming the candidate by
 * first name only.
 */
async function candidateThroughProcedures() {
  const owner = as(w.owner);
  const panelist = as(w.hiring.interviewer);
  const candidate = await owner.candidates.create({
    ...ws(),
    name: NAME,
    email: EMAIL,
    phone: PHONE,
    positionTitle: HIRING_POSITION,
    stage: "Screen",
    notes: `Asked about ${PHRASE}s at the first call`,
  });
  const interview = await owner.interviews.create({
    ...ws(),
    candidateId: candidate.id,
    positionTitle: HIRING_POSITION,
    stage: "Onsite",
    scheduledAt: new Date("2026-11-30T10:00:00Z"),
    panelMemberIds: [w.hiring.interviewerMemberId],
  });
  const lines = [
    { speaker: "Interviewer", text: "Tell me about the hardest system you built." },
    { speaker: NAME, text: `I rebuilt the ${PHRASE} pipeline at Quokkatronics; it was ${OTHER_PHRASE} work on retries and queues.` },
    { speaker: "Interviewer", text: "How did you test it?" },
    { speaker: NAME, text: `Every ${PHRASE} stage had contract tests, and I explained the design to the whole team.` },
  ];
  const content = JSON.stringify({
    segments: lines.map((line, i) => ({ speaker: line.speaker, start_ms: i * 10_000, end_ms: i * 10_000 + 9_000, text: line.text })),
  });
  const { meetingId } = await panelist.interviews.transcript.import({ ...ws(), interviewId: interview.id, format: "json", content });
  await panelist.interviews.transcript.mapSpeakers({
    ...ws(),
    interviewId: interview.id,
    speakers: [
      { label: NAME, candidate: true },
      { label: "Interviewer", memberId: w.hiring.interviewerMemberId },
    ],
  });

  const ratings = w.hiring.template.categoryIds.map((categoryId, i) => ({
    categoryId,
    rating: 3 + (i % 2),
    note: `${FIRST_NAME} on ${PHRASE}`,
  }));
  await panelist.scorecards.saveDraft({ ...ws(), interviewId: interview.id, scores: ratings, notes: `Draft on ${NAME}` });
  await panelist.scorecards.submit({ ...ws(), interviewId: interview.id, recommendation: "no", notes: `First take on ${NAME}` });
  const amended = await panelist.scorecards.submit({
    ...ws(),
    interviewId: interview.id,
    recommendation: "yes",
    notes: `${NAME} knows ${PHRASE}s inside out`,
  });
  expect(amended.version).toBe(2);

  await owner.interviews.summary.generate({ ...ws(), interviewId: interview.id });
  await runJobs();
  expect((await owner.interviews.summary.get({ ...ws(), interviewId: interview.id }))?.status).toBe("done");

  // A workspace-wide session that touched the interview meeting (its answer cites the transcript),
  // then a follow-up naming the candidate by first name only.
  const session = await owner.askMind.sessions.create({ ...ws(), scope: { kind: "workspace" }, title: `${FIRST_NAME} debrief` });
  const cited = await collect(
    await owner.askMind.ask({ ...ws(), sessionId: session.id, question: `How was the ${PHRASE} pipeline tested?` }),
  );
  expect(cited.citations.map((c) => c.meetingId)).toContain(meetingId);
  const followUp = await collect(await owner.askMind.ask({ ...ws(), sessionId: session.id, question: `How did ${FIRST_NAME} do?` }));
  // An exchange that drew on no meeting (a model may answer from the conversation alone): only the
  // first name ties it to the candidate. Written directly: the extractive mode always retrieves.
  const aside = [];
  for (const [role, content] of [
    ["user", `Would ${FIRST_NAME} suit the platform team?`],
    ["assistant", "No meeting in this workspace covers that."],
  ] as const) {
    aside.push(
      await db.askMindMessage.create({
        data: {
          workspaceId: w.workspaceId,
          sessionId: session.id,
          authorId: role === "user" ? w.owner.id : null,
          role,
          content,
          status: "done",
        },
        select: { id: true },
      }),
    );
  }
  const unrelated = await collect(await owner.askMind.ask({ ...ws(), sessionId: session.id, question: "What is on the roadmap?" }));
  return { candidate, interview, meetingId, session, aside: aside.map((message) => message.id), answers: { cited, followUp, unrelated } };
}

describe("candidates.erase after a history made through the procedures", () => {
  it("leaves no trace of the name, email, phone or their words in any row of any table, audit log, outbox and jobs included", async () => {
    const made = await candidateThroughProcedures();
    const needles = [NAME.toLowerCase(), FIRST_NAME.toLowerCase(), "quillfeather", EMAIL, PHONE, PHRASE, OTHER_PHRASE, "quokkatronics"];
    const before = await everyRowAsText();
    const tablesWith = (rows: { table: string; row: string }[]) => [
      ...new Set(rows.filter(({ row }) => needles.some((needle) => row.includes(needle))).map((hit) => hit.table)),
    ];
    expect(tablesWith(before)).toEqual(
      expect.arrayContaining([
        "candidates",
        "meeting_participants",
        "transcript_segments",
        "interview_summaries",
        "interview_scorecards",
        "scorecard_scores",
        "scorecard_versions",
        "ask_mind_messages",
        "ask_mind_sessions",
      ]),
    );
    // The history left rows in the audit log, the outbox and the job queue: the scan reads them too.
    for (const table of ["audit_events", "outbox_emails", "jobs"])
      expect(
        before.some((hit) => hit.table === table),
        table,
      ).toBe(true);
    const question = await db.askMindMessage.findFirst({ where: { sessionId: made.session.id, content: `How did ${FIRST_NAME} do?` } });
    expect(question).not.toBeNull();
    expect(await db.askMindMessage.count({ where: { id: { in: made.aside } } })).toBe(2);

    const result = await as(w.admin).candidates.erase({ ...ws(), candidateId: made.candidate.id });
    expect(result).toMatchObject({ ok: true, interviews: 1, meetings: 1 });

    expect((await everyRowAsText()).filter(({ row }) => needles.some((needle) => row.includes(needle)))).toEqual([]);
    // The first-name question and its answer went; the unrelated exchange and the session stay, untitled.
    const thread = (await as(w.owner).askMind.messages.list({ ...ws(), sessionId: made.session.id })).items.map((m) => m.id);
    expect(thread).not.toContain(question?.id);
    expect(thread).not.toContain(made.answers.followUp.id);
    expect(await db.askMindMessage.count({ where: { id: { in: made.aside } } })).toBe(0);
    expect(thread).toContain(made.answers.unrelated.id);
    expect((await as(w.owner).askMind.sessions.get({ ...ws(), sessionId: made.session.id })).title).toBeNull();
    // The interview stays with its numbers: position, the list's spelling of its stage, the amended scorecard.
    const interview = await db.interview.findUniqueOrThrow({ where: { id: made.interview.id } });
    expect(interview).toMatchObject({ candidateId: null, meetingId: null, stage: "onsite" });
    const scorecard = await db.interviewScorecard.findFirstOrThrow({ where: { interviewId: made.interview.id } });
    expect(scorecard).toMatchObject({ recommendation: "yes", notes: null, version: 2 });
  });

  it("a first transcript import that commits while the erasure waits for the interview's lock is erased with it", async () => {
    const candidate = await as(w.owner).candidates.create({ ...ws(), name: "Racey Importsworth" });
    const interview = await as(w.owner).interviews.create({
      ...ws(),
      candidateId: candidate.id,
      positionTitle: HIRING_POSITION,
      stage: "screen",
      scheduledAt: new Date("2026-12-01T10:00:00Z"),
      panelMemberIds: [w.hiring.interviewerMemberId],
    });
    // The import's transaction as importInterviewTranscript runs it: the interview's row lock, then
    // the new interview meeting linked; held open until the erasure waits for that lock.
    const importer = createPrismaClient(database.url, { poolSize: 1 });
    let commit = () => {};
    const held = new Promise<void>((resolve) => (commit = resolve));
    let meetingId = "";
    const importing = importer.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM interviews WHERE id = ${interview.id}::uuid FOR UPDATE`;
        const meeting = await tx.meeting.create({
          data: { workspaceId: w.workspaceId, createdById: w.owner.id, title: "Interview: first import", isInterview: true },
          select: { id: true },
        });
        meetingId = meeting.id;
        await tx.interview.update({ where: { id: interview.id }, data: { meetingId }, select: { id: true } });
        await held;
      },
      { timeout: 30_000 },
    );
    try {
      await expect.poll(() => meetingId, { timeout: 10_000 }).not.toBe("");
      const erasing = as(w.admin).candidates.erase({ ...ws(), candidateId: candidate.id });
      const lockWaits = async () =>
        (
          await db.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
        )[0]?.n;
      await expect.poll(lockWaits, { timeout: 10_000 }).toBe(1);
      commit();
      await importing;
      expect(await erasing).toMatchObject({ ok: true, interviews: 1, meetings: 1 });
      expect(await db.meeting.count({ where: { id: meetingId } })).toBe(0);
    } finally {
      commit();
      await importing.catch(() => {}); // a failure above is the one to report
      await importer.$disconnect();
    }
  });
});
