// interviews.summary.generate/get, end to end through the router and the job queue: the extractive
// mode (no model) and the LLM mode against the loopback fake OpenAI-compatible server, on whichever
// database the run uses (embedded, or TEST_DATABASE_URL's Postgres).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiProvider } from "../ai/openai.js";
import { createJobHandlers } from "../app/jobs.js";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import { startJobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import type { AppServices } from "../ports.js";
import { startFakeOpenAI, type FakeOpenAI } from "../testing/fake-openai.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { checkQuote, HIRING_OPINION, withoutOpinions } from "./content.js";
import { CANDIDATE_NOT_MAPPED } from "./job.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let fingerprints: DatabaseFingerprint;
let fake: FakeOpenAI;
let w: WorkspaceWorld;
let other: WorkspaceWorld;
/** Extractive (no model) and LLM (the fake OpenAI-compatible server on loopback). */
let extractive: Services;
let llm: Services;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fingerprints = await databaseFingerprint(database.url);
  fake = await startFakeOpenAI();
  extractive = await createTestServices(db);
  llm = await createTestServices(db, {
    ai: createOpenAiProvider({ baseUrl: fake.url, model: "fake-model", maxRetries: 0, timeoutMs: 2_000 }),
  });
  w = await createWorkspaceWorld(db, "isum");
  other = await createWorkspaceWorld(db, "isum-other");
});
afterAll(async () => {
  await Promise.all([extractive?.close(), llm?.close()]);
  await fake?.close();
  await fingerprints?.close();
  await database?.close();
});
beforeEach(() => fake.reset());

const as = (user: AuthUser, services: Services = extractive) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

/** Runs whatever jobs are due, as the server's worker would, with the services' model. */
async function runJobs(services: Services): Promise<void> {
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

const LINES = [
  { speaker: "Sam", text: "Thanks for joining. Can you walk me through a system you designed?" },
  {
    speaker: "Ada",
    text: "I designed the payments system at my last company. It handled ten thousand requests a second, and I explained the design to the whole team.",
  },
  { speaker: "Sam", text: "How do you work with other teams?" },
  { speaker: "Ada", text: "I collaborate closely with product. I work with others by writing clear documents first." },
  { speaker: "Sam", text: "Good. Any questions for us?" },
  { speaker: "Ada", text: "Yes: how is the on-call rotation structured?" },
];

interface Setup {
  interviewId: string;
  meetingId: string;
  /** Segment ids by position. */
  segments: { id: string; position: number; text: string; speakerLabel: string | null }[];
  candidateSegmentIds: Set<string>;
}

/**
 * A fresh interview of the world's candidate (panel: the world's interviewer) held in an interview
 * meeting with an imported transcript, its candidate participant mapped to Ada's speaker label.
 */
async function interviewWithTranscript(options: { template?: boolean; mapCandidate?: boolean } = {}): Promise<Setup> {
  const meeting = await db.meeting.create({
    data: { workspaceId: w.workspaceId, title: "Onsite: Backend Engineer", isInterview: true, createdById: w.admin.id },
  });
  const interview = await db.interview.create({
    data: {
      workspaceId: w.workspaceId,
      candidateId: w.hiring.candidate.id,
      templateId: options.template === false ? null : w.hiring.template.id,
      meetingId: meeting.id,
      positionTitle: "Backend Engineer",
      stage: "onsite",
      scheduledAt: new Date(),
      durationMinutes: 45,
      createdById: w.admin.id,
      panel: { create: [{ workspaceId: w.workspaceId, memberId: w.hiring.interviewerMemberId }] },
    },
  });
  const manager = as(w.admin);
  const content = JSON.stringify({
    segments: LINES.map((line, i) => ({ speaker: line.speaker, start_ms: i * 60_000, end_ms: i * 60_000 + 50_000, text: line.text })),
  });
  await manager.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "json", content });
  if (options.mapCandidate !== false) {
    // Straight to the database: meetings.participants.add takes hosts and attendees only (the
    // interviews domain adds the candidate when it links a meeting).
    const participant = await db.meetingParticipant.create({
      data: { workspaceId: w.workspaceId, meetingId: meeting.id, name: "Ada Candidate", role: "candidate" },
    });
    await manager.transcripts.speakers.assign({
      workspaceId: w.workspaceId,
      meetingId: meeting.id,
      speakerLabel: "Ada",
      participantId: participant.id,
    });
  }
  const segments = await db.transcriptSegment.findMany({
    where: { meetingId: meeting.id },
    orderBy: { position: "asc" },
    select: { id: true, position: true, text: true, speakerLabel: true },
  });
  return {
    interviewId: interview.id,
    meetingId: meeting.id,
    segments,
    candidateSegmentIds: new Set(segments.filter((s) => s.speakerLabel === "Ada").map((s) => s.id)),
  };
}

const segmentAt = (setup: Setup, position: number) => {
  const segment = setup.segments.find((s) => s.position === position);
  if (!segment) throw new Error(`no segment at ${position}`);
  return segment;
};

describe("checks", () => {
  it("a quote must be a verbatim substring of its segment, whitespace aside; the segment's own text is kept", () => {
    const text = "I designed the   payments system.\nIt handled “ten thousand” requests.";
    expect(checkQuote("I designed the payments system", text)).toBe("I designed the payments system");
    expect(checkQuote('"It handled \\"ten thousand\\" requests."', text)).toBeNull();
    expect(checkQuote('handled "ten thousand" requests', text)).toBe("handled “ten thousand” requests");
    expect(checkQuote("I built the payments system", text)).toBeNull();
    expect(checkQuote("designed", text)).toBeNull();
  });

  it("drops overview sentences that state a hiring opinion, and only those", () => {
    const overview =
      "The interview covered system design. We recommend moving forward. She should be hired. Strong yes from me. A good fit overall. No hire. The candidate asked about on-call.";
    expect(withoutOpinions(overview)).toBe("The interview covered system design. The candidate asked about on-call.");
    expect(HIRING_OPINION.test("The candidate described her last team.")).toBe(false);
  });
});

describe("interviews.summary with the extractive mode (no model)", () => {
  it("queues a version, gathers the candidate's quotes per category and the questions, and publishes the event", async () => {
    const setup = await interviewWithTranscript();
    const panelist = as(w.hiring.interviewer);
    expect(await panelist.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId })).toBeNull();

    const queued = await panelist.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    expect(queued).toMatchObject({ version: 1, versions: [1], status: "pending", isCurrent: false, content: null });
    // Asking again while it is pending does not queue a duplicate.
    expect((await panelist.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId })).id).toBe(queued.id);
    expect(await db.job.count({ where: { payload: { equals: { summaryId: queued.id } } } })).toBe(1);

    await runJobs(extractive);
    const summary = await panelist.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    expect(summary).toMatchObject({
      status: "done",
      isCurrent: true,
      failureReason: null,
      provider: "extractive",
      completedAt: expect.any(Date),
    });
    const content = summary?.content;
    if (!content) throw new Error("no content");

    // Questions: the interviewers' lines ending with a question mark, with their segments and times.
    expect(content.questions.map((q) => q.segmentId)).toEqual([0, 2, 4].map((p) => segmentAt(setup, p).id));
    expect(content.questions[1]).toMatchObject({ text: "How do you work with other teams?", startMs: 120_000, endMs: 170_000 });

    // One entry per category of the template, in its order; evidence only from the candidate, quoted exactly.
    expect(content.categories.map((c) => c.categoryId)).toEqual(w.hiring.template.categoryIds);
    expect(content.categories.map((c) => c.name)).toEqual(["Technical depth", "Communication", "Collaboration"]);
    const evidence = content.categories.flatMap((c) => c.evidence);
    expect(evidence.length).toBeGreaterThan(0);
    for (const item of evidence) {
      expect(setup.candidateSegmentIds.has(item.segmentId)).toBe(true);
      const segment = setup.segments.find((s) => s.id === item.segmentId);
      expect(segment?.text.replace(/\s+/g, " ")).toContain(item.quote);
    }
    expect(content.categories[0]?.evidence.map((e) => e.quote)).toContain("I designed the payments system at my last company.");
    expect(content.categories[2]?.evidence.map((e) => e.quote)).toContain("I collaborate closely with product.");

    // A neutral overview of facts.
    expect(content.overview).toContain("Onsite interview for the Backend Engineer position.");
    expect(content.overview).toContain("3 questions");
    expect(content.overview).toMatch(/the candidate did \d+% of the talking/);
    expect(HIRING_OPINION.test(content.overview)).toBe(false);

    // The completion is audited (no actor: the job did it) and the panel is emailed.
    const audit = await db.auditEvent.findFirst({
      where: { workspaceId: w.workspaceId, action: "interview_summary.completed", targetId: queued.id },
    });
    expect(audit).toMatchObject({ actorId: null, targetType: "interview_summary" });
    expect(
      await db.emailOutbox.count({ where: { toAddress: w.hiring.interviewer.email, template: "hiring_interview_summary_completed" } }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("without a template: no categories, still the overview and the questions", async () => {
    const setup = await interviewWithTranscript({ template: false });
    await as(w.admin).interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    await runJobs(extractive);
    const summary = await as(w.admin).interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    expect(summary?.status).toBe("done");
    expect(summary?.content?.categories).toEqual([]);
    expect(summary?.content?.questions).toHaveLength(3);
    expect(summary?.content?.overview).toContain("no scorecard template");
  });

  it("fails with a reason when nobody is mapped to the candidate", async () => {
    const setup = await interviewWithTranscript({ mapCandidate: false });
    await as(w.admin).interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    await runJobs(extractive);
    const summary = await as(w.admin).interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    expect(summary).toMatchObject({ status: "failed", failureReason: CANDIDATE_NOT_MAPPED, isCurrent: false, content: null });
  });
});

/** What the fake model answers: questions and evidence by line number, with one of everything that must be dropped. */
const modelAnswer = {
  overview:
    "The onsite interview for the Backend Engineer role covered system design and teamwork. The candidate should be hired. We recommend a strong yes.",
  questions: [
    { line: 0, text: "Can you walk me through a system you designed?" },
    { line: 1, text: "A candidate's line is no question" },
    { line: 2, text: "How do you work with other teams?" },
    { line: 99, text: "A line that does not exist" },
  ],
  categories: [
    {
      category: 1,
      evidence: [
        { line: 1, quote: "I designed the payments system at my last company." },
        // Not what the candidate said: dropped.
        { line: 1, quote: "I designed the rocket engine at my last company." },
        // An interviewer's words: dropped.
        { line: 0, quote: "walk me through a system you designed" },
      ],
    },
    { category: "3", evidence: [{ line: "3", quote: "I   work with others by writing clear documents first" }] },
    // No such category: dropped.
    { category: 7, evidence: [{ line: 3, quote: "I collaborate closely with product." }] },
  ],
};

describe("interviews.summary with a model (the fake OpenAI-compatible server)", () => {
  it("asks with the prompt's rules, keeps only checked citations, drops the hiring opinion and meters the tokens", async () => {
    const setup = await interviewWithTranscript();
    fake.enqueue({ kind: "reply", content: modelAnswer, usage: { prompt_tokens: 700, completion_tokens: 120 } });
    const before = await db.aiUsageCounter.findMany({ where: { workspaceId: w.workspaceId, feature: "interviewSummaries" } });
    await as(w.hiring.interviewer, llm).interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    await runJobs(llm);

    const summary = await as(w.hiring.interviewer, llm).interviews.summary.get({
      workspaceId: w.workspaceId,
      interviewId: setup.interviewId,
    });
    expect(summary).toMatchObject({ status: "done", isCurrent: true, provider: "openai", model: "fake-model" });
    const content = summary?.content;
    if (!content) throw new Error("no content");
    expect(content.overview).toBe("The onsite interview for the Backend Engineer role covered system design and teamwork.");
    expect(content.questions).toEqual([
      { text: "Can you walk me through a system you designed?", segmentId: segmentAt(setup, 0).id, startMs: 0, endMs: 50_000 },
      { text: "How do you work with other teams?", segmentId: segmentAt(setup, 2).id, startMs: 120_000, endMs: 170_000 },
    ]);
    expect(content.categories).toEqual([
      {
        categoryId: w.hiring.template.categoryIds[0],
        name: "Technical depth",
        evidence: [
          {
            segmentId: segmentAt(setup, 1).id,
            startMs: 60_000,
            endMs: 110_000,
            quote: "I designed the payments system at my last company.",
          },
        ],
      },
      { categoryId: w.hiring.template.categoryIds[1], name: "Communication", evidence: [] },
      {
        categoryId: w.hiring.template.categoryIds[2],
        name: "Collaboration",
        evidence: [
          {
            segmentId: segmentAt(setup, 3).id,
            startMs: 180_000,
            endMs: 230_000,
            quote: "I work with others by writing clear documents first",
          },
        ],
      },
    ]);

    // The request: the workspace's interview prompt with the no-opinion rule, the transcript as data.
    const request = fake.requests.find((r) => r.path === "/v1/chat/completions");
    const messages = (request?.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages[0]?.content).toContain("Never state, suggest or hint at a hiring decision");
    expect(messages[0]?.content).toContain("The role: Backend Engineer.");
    expect(messages[1]?.content).toContain("1. Technical depth: Designs and explains systems");
    expect(messages[1]?.content).toContain("[1] Candidate: I designed the payments system");
    expect(messages[1]?.content).toContain("[0] Interviewer (Sam): Thanks for joining.");

    const after = await db.aiUsageCounter.findMany({ where: { workspaceId: w.workspaceId, feature: "interviewSummaries" } });
    const total = (rows: typeof after) => rows.reduce((sum, row) => sum + Number(row.tokensIn) + Number(row.tokensOut), 0);
    expect(total(after) - total(before)).toBe(820);
  });

  it("asks with the workspace's own interview prompt, which cannot lose the no-opinion rule", async () => {
    const setup = await interviewWithTranscript();
    const admin = as(w.admin, llm);
    const text = "House style for {{positionTitle}} interviews. Answer as JSON: {{jsonShape}}";
    await admin.settings.prompts.update({ workspaceId: w.workspaceId, kind: "interviewSummary", text });
    try {
      fake.enqueue({ kind: "reply", content: modelAnswer });
      await admin.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
      await runJobs(llm);
      expect((await admin.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId }))?.status).toBe("done");
      const request = fake.requests.find((r) => r.path === "/v1/chat/completions");
      const system = (request?.body as { messages: { content: string }[] }).messages[0]?.content;
      expect(system).toMatch(/^House style for Backend Engineer interviews\. Answer as JSON: \{/);
      expect(system).toContain("Never state, suggest or hint at a hiring decision");
    } finally {
      await admin.settings.prompts.reset({ workspaceId: w.workspaceId, kind: "interviewSummary" });
    }
  });

  it("retries a model that is down, then fails with its reason", async () => {
    const setup = await interviewWithTranscript();
    const admin = as(w.admin, llm);
    fake.setResponse({ kind: "error", status: 503 });
    const queued = await admin.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    await runJobs(llm);
    // Three attempts (the job's maxAttempts), each one request (the provider itself does not retry here).
    expect(fake.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(3);
    expect(await admin.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId })).toMatchObject({
      id: queued.id,
      status: "failed",
      isCurrent: false,
      failureReason: "The language model answered with an error (HTTP 503)",
    });
    expect(
      await db.job.findFirst({ where: { payload: { equals: { summaryId: queued.id } } }, select: { status: true, attempts: true } }),
    ).toEqual({
      status: "failed",
      attempts: 3,
    });
  });

  it("falls back to the factual overview when the model's is nothing but an opinion", async () => {
    const setup = await interviewWithTranscript();
    fake.enqueue({ kind: "reply", content: { ...modelAnswer, overview: "Strong hire. I would recommend an offer." } });
    await as(w.admin, llm).interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    await runJobs(llm);
    const summary = await as(w.admin, llm).interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId });
    expect(summary?.content?.overview).toContain("Onsite interview for the Backend Engineer position.");
    expect(HIRING_OPINION.test(summary?.content?.overview ?? "hire")).toBe(false);
  });

  it("regenerating keeps the previous version current until the new one is done, and a failure leaves it current", async () => {
    const setup = await interviewWithTranscript();
    const manager = as(w.admin, llm);
    const input = { workspaceId: w.workspaceId, interviewId: setup.interviewId };
    fake.enqueue({ kind: "reply", content: modelAnswer });
    const first = await manager.interviews.summary.generate(input);
    await runJobs(llm);

    const second = await manager.interviews.summary.generate(input);
    expect(second).toMatchObject({ version: 2, versions: [2, 1], status: "pending", isCurrent: false });
    // While it is pending, the interview still shows the first.
    expect(await manager.interviews.summary.get(input)).toMatchObject({ id: first.id, version: 1, isCurrent: true, status: "done" });

    // Malformed JSON, and again after the repair request: the version fails with a reason.
    fake.enqueue({ kind: "reply", content: "{ not json" }, { kind: "reply", content: "still not json" });
    await runJobs(llm);
    expect(fake.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(3);
    const failed = await manager.interviews.summary.get({ ...input, version: 2 });
    expect(failed).toMatchObject({ status: "failed", isCurrent: false, content: null });
    expect(failed?.failureReason).toMatch(/could not be used/);
    expect(await manager.interviews.summary.get(input)).toMatchObject({ id: first.id, isCurrent: true, versions: [2, 1] });

    // A third, extractive this time, succeeds and becomes current; the first stays readable.
    await manager.interviews.summary.generate({ ...input, mode: "extractive" });
    await runJobs(llm);
    expect(await manager.interviews.summary.get(input)).toMatchObject({
      version: 3,
      isCurrent: true,
      provider: "extractive",
      versions: [3, 2, 1],
    });
    expect(await manager.interviews.summary.get({ ...input, version: 1 })).toMatchObject({
      isCurrent: false,
      status: "done",
      provider: "openai",
    });
    expect(await db.interviewSummary.count({ where: { interviewId: setup.interviewId, isCurrent: true } })).toBe(1);
  });
});

describe("interviews.summary: bad input and who may", () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await interviewWithTranscript();
  });

  /** Takes the call as a function: it must start after the fingerprint, or its rejection goes unhandled meanwhile. */
  async function refused(call: () => Promise<unknown>, expected: { code: string; appCode?: string }) {
    const before = await fingerprints.take();
    expect(await errorOf(call())).toMatchObject(expected);
    expect(await fingerprints.take()).toBe(before);
  }

  it("refuses bad input with 4xx and writes nothing", async () => {
    const manager = as(w.admin);
    await refused(() => manager.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: "not-a-uuid" }), {
      code: "BAD_REQUEST",
    });
    await refused(
      () => manager.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId, mode: "psychic" as "auto" }),
      {
        code: "BAD_REQUEST",
      },
    );
    await refused(() => manager.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId, version: 0 }), {
      code: "BAD_REQUEST",
    });
    // The world's interview has no meeting, so no transcript.
    await refused(() => manager.interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: w.hiring.interview.id }), {
      code: "BAD_REQUEST",
      appCode: "interview_has_no_transcript",
    });
    // A version never requested.
    await refused(() => manager.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId, version: 42 }), {
      code: "NOT_FOUND",
    });
  });

  it("is NOT_FOUND to a member off the panel, and to a viewer reading", async () => {
    const input = { workspaceId: w.workspaceId, interviewId: setup.interviewId };
    await refused(() => as(w.member).interviews.summary.generate(input), { code: "NOT_FOUND" });
    await refused(() => as(w.member).interviews.summary.get(input), { code: "NOT_FOUND" });
    await refused(() => as(w.viewer).interviews.summary.get(input), { code: "NOT_FOUND" });
  });

  it("is FORBIDDEN to a viewer generating", async () => {
    await refused(() => as(w.viewer).interviews.summary.generate({ workspaceId: w.workspaceId, interviewId: setup.interviewId }), {
      code: "FORBIDDEN",
    });
  });

  it("is NOT_FOUND from another workspace", async () => {
    const theirs = as(other.owner);
    await refused(() => theirs.interviews.summary.generate({ workspaceId: other.workspaceId, interviewId: setup.interviewId }), {
      code: "NOT_FOUND",
    });
    await refused(() => theirs.interviews.summary.get({ workspaceId: other.workspaceId, interviewId: setup.interviewId }), {
      code: "NOT_FOUND",
    });
    await refused(() => theirs.interviews.summary.get({ workspaceId: w.workspaceId, interviewId: setup.interviewId }), {
      code: "NOT_FOUND",
    });
  });
});
