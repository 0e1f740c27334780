import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiProvider } from "../ai/openai.js";
import type { AiProvider, MeetingSummaryResult } from "../ai/provider.js";
import { createContextInner, type AuthUser } from "../context.js";
import { createJobHandlers } from "../app/jobs.js";
import type { JobContext } from "../jobs/queue.js";
import { startJobWorker, type JobWorker } from "../jobs/worker.js";
import { runSummaryJob } from "./job.js";
import { silentLogger } from "../logger.js";
import { TEST_QMSUM_DIR, listQmsumMeetings, qmsumSegments, readQmsumMeeting } from "../qmsum/corpus.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { startFakeOpenAI, type FakeOpenAI } from "../testing/fake-openai.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let fake: FakeOpenAI;
let w: WorkspaceWorld;
/** Extractive (no model) and LLM (the fake OpenAI-compatible server on loopback). */
let extractive: Services;
let llm: Services;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fake = await startFakeOpenAI();
  extractive = await createTestServices(db);
  llm = await createTestServices(db, {
    ai: createOpenAiProvider({ baseUrl: fake.url, model: "fake-model", maxRetries: 0, timeoutMs: 2_000 }),
  });
  w = await createWorkspaceWorld(db, "sum");
});
afterAll(async () => {
  await Promise.all([extractive?.close(), llm?.close()]);
  await fake?.close();
  await database?.close();
});
beforeEach(() => fake.reset());

const as = (user: AuthUser, services: Services = extractive) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

/** A worker like the server's, driven by hand: runDue() runs whatever is due, retries without delay. */
function worker(ai: AiProvider): JobWorker {
  return startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai, embeddings: null, log: silentLogger }),
    pollIntervalMs: 0,
    backoff: () => 0,
  });
}

async function meetingWithTranscript(lines: string[]): Promise<string> {
  const me = as(w.member);
  const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Launch planning" });
  await me.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "text", content: lines.join("\n") });
  return meeting.id;
}

const modelSummary = (
  overview: string,
  actionItems: { text: string; assigneeName: string | null; dueDate: string | null; sourcePosition: number | null }[],
) => ({
  overview,
  keyPoints: ["Launch is on track."],
  decisions: ["Ship on 1 December."],
  topics: [
    { title: "Status", startPosition: 0, endPosition: 1 },
    { title: "Next steps", startPosition: 2, endPosition: 3 },
  ],
  actionItems,
});

const launchLines = [
  "Ann: The launch is on track, the last bugs are fixed.",
  "Bob: Good. We decided to ship on the first of December.",
  "Ann: I'll send the release notes by 2026-11-30.",
  "Bob: And I will book the demo room.",
];

describe("meetings.summary with the extractive provider (no model)", () => {
  it("queues one job, generates from a real QMSum meeting, and stores grounded topics and action items", async () => {
    const [file] = await listQmsumMeetings("val", TEST_QMSUM_DIR);
    const qmsum = await readQmsumMeeting(file ?? "", "val");
    const segments = qmsumSegments(qmsum);
    const me = as(w.member);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: `QMSum ${qmsum.id}` });
    const content = JSON.stringify({
      segments: segments.map((s) => ({ speaker: s.speaker, start_ms: s.startMs, end_ms: s.endMs, text: s.text })),
    });
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "json", content });
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).toBeNull();

    const queued = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: meeting.id });
    expect(queued).toMatchObject({
      version: 1,
      versions: [1],
      status: "pending",
      isCurrent: false,
      overview: null,
      topics: [],
      actionItems: [],
    });
    // Asking again while it is pending does not queue a duplicate.
    expect((await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: meeting.id })).id).toBe(queued.id);
    expect(await db.job.count({ where: { payload: { equals: { summaryId: queued.id } } } })).toBe(1);
    expect((await me.meetings.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).summaryStatus).toBe("pending");

    const jobs = worker(extractive.ai);
    expect(await jobs.runDue()).toBeGreaterThanOrEqual(1);
    await jobs.stop();

    const summary = await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId: meeting.id });
    expect(summary).toMatchObject({
      status: "done",
      isCurrent: true,
      stale: false,
      provider: "extractive",
      failureReason: null,
      completedAt: expect.any(Date),
    });
    expect(summary?.overview?.length).toBeGreaterThan(20);
    expect(summary?.keyPoints.length).toBeGreaterThan(0);

    // Topics cover the transcript in order, and point at its real segments and times.
    const transcript = await db.transcriptSegment.findMany({
      where: { meetingId: meeting.id },
      orderBy: { position: "asc" },
      select: { id: true, position: true, startMs: true, endMs: true },
    });
    const topics = summary?.topics ?? [];
    expect(topics.length).toBeGreaterThan(1);
    topics.forEach((topic, i) => {
      expect(topic.startSegmentId).toBe(transcript[topic.startPosition]?.id);
      expect(topic.endSegmentId).toBe(transcript[topic.endPosition]?.id);
      expect(topic.startMs).toBe(transcript[topic.startPosition]?.startMs);
      if (i > 0) expect(topic.startPosition).toBeGreaterThan(topics[i - 1]?.endPosition ?? Infinity);
    });

    // The extracted items are real action items of the meeting, each tied to its source segment.
    const listed = await me.actionItems.list({ workspaceId: w.workspaceId, meetingId: meeting.id, limit: 100 });
    const extracted = listed.items.filter((item) => item.summaryId === summary?.id);
    expect(extracted.map((item) => item.id).sort()).toEqual((summary?.actionItems ?? []).map((item) => item.id).sort());
    const segmentIds = new Set(transcript.map((segment) => segment.id));
    for (const item of extracted) expect(item.sourceSegmentId === null || segmentIds.has(item.sourceSegmentId)).toBe(true);
    expect((await me.meetings.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).summaryStatus).toBe("done");
  });

  it("refuses a meeting without a transcript, writing nothing", async () => {
    const me = as(w.member);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "No transcript yet" });
    expect(await errorOf(me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: meeting.id }))).toEqual({
      code: "BAD_REQUEST",
      appCode: "transcript_missing",
    });
    expect(await db.meetingSummary.count({ where: { meetingId: meeting.id } })).toBe(0);
    expect(await errorOf(me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId: meeting.id, version: 0 }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await errorOf(me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId: meeting.id, version: 3 }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("lets viewers read summaries but not generate them", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    expect(await errorOf(as(w.viewer).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId }))).toMatchObject({
      code: "FORBIDDEN",
    });
    await as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    expect(await as(w.viewer).meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({ status: "pending" });
    // Leave no job behind for the next tests' workers.
    const jobs = worker(extractive.ai);
    await jobs.runDue();
    await jobs.stop();
    expect(await as(w.viewer).meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({ status: "done" });
  });
});

describe("meetings.summary with an OpenAI-compatible model", () => {
  it("stores the model's summary, maps assignees to members, and keeps earlier versions on regeneration", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const me = as(w.member, llm);
    // "Ann" is mapped to a member, so items assigned to Ann go to that member.
    await me.transcripts.speakers.assign({ workspaceId: w.workspaceId, meetingId, speakerLabel: "Ann", memberId: w.memberIds.member });
    const jobs = worker(llm.ai);

    fake.enqueue({
      kind: "reply",
      content: modelSummary("The team confirmed the launch.", [
        { text: "Send the release notes", assigneeName: "Ann", dueDate: "2026-11-30", sourcePosition: 2 },
        { text: "Book the demo room", assigneeName: "Bob", dueDate: null, sourcePosition: 3 },
        { text: "Order cake", assigneeName: null, dueDate: null, sourcePosition: null },
      ]),
    });
    const first = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await jobs.runDue();
    const v1 = await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId });
    expect(v1).toMatchObject({
      id: first.id,
      version: 1,
      status: "done",
      isCurrent: true,
      provider: "openai",
      model: "fake-model",
      overview: "The team confirmed the launch.",
      decisions: ["Ship on 1 December."],
    });
    expect(v1?.topics.map((t) => [t.title, t.startPosition, t.endPosition])).toEqual([
      ["Status", 0, 1],
      ["Next steps", 2, 3],
    ]);
    const segments = await db.transcriptSegment.findMany({ where: { meetingId }, orderBy: { position: "asc" }, select: { id: true } });
    const byText = Object.fromEntries((v1?.actionItems ?? []).map((item) => [item.text, item]));
    expect(byText["Send the release notes"]).toMatchObject({
      assignee: { memberId: w.memberIds.member },
      assigneeName: null,
      dueDate: new Date("2026-11-30T00:00:00Z"),
      sourceSegmentId: segments[2]?.id,
      status: "open",
    });
    expect(byText["Book the demo room"]).toMatchObject({ assignee: null, assigneeName: "Bob", sourceSegmentId: segments[3]?.id });
    expect(byText["Order cake"]).toMatchObject({ assignee: null, assigneeName: null, sourceSegmentId: null });

    // Someone completes one item; then the summary is generated again.
    await me.actionItems.complete({ workspaceId: w.workspaceId, actionItemId: byText["Send the release notes"]?.id ?? "" });
    fake.enqueue({
      kind: "reply",
      content: modelSummary("Second take.", [
        { text: "Book the demo room for Tuesday", assigneeName: "Bob", dueDate: null, sourcePosition: 3 },
      ]),
    });
    const second = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    expect(second).toMatchObject({ version: 2, versions: [2, 1], status: "pending" });
    await jobs.runDue();
    await jobs.stop();

    const v2 = await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId });
    expect(v2).toMatchObject({ version: 2, status: "done", isCurrent: true, overview: "Second take." });
    const old = await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId, version: 1 });
    expect(old).toMatchObject({ version: 1, isCurrent: false, overview: "The team confirmed the launch." });
    // Untouched items of version 1 were replaced; the completed one is kept.
    const items = (await me.actionItems.list({ workspaceId: w.workspaceId, meetingId, limit: 100 })).items
      .map((item) => [item.text, item.status])
      .sort();
    expect(items).toEqual([
      ["Book the demo room for Tuesday", "open"],
      ["Send the release notes", "done"],
    ]);
  });

  it("retries a failing model, then fails with a clear reason while the previous version stays current", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const me = as(w.member, llm);
    const jobs = worker(llm.ai);
    fake.enqueue({ kind: "reply", content: modelSummary("First.", []) });
    await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await jobs.runDue();

    fake.setResponse({ kind: "error", status: 503 });
    const failing = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await jobs.runDue();
    await jobs.stop();
    // Three attempts (the job's maxAttempts), each one request (the provider itself does not retry here).
    expect(fake.requests).toHaveLength(4);
    const failed = await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId });
    expect(failed).toMatchObject({
      id: failing.id,
      version: 2,
      status: "failed",
      isCurrent: false,
      failureReason: "The language model answered with an error (HTTP 503)",
    });
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId, version: 1 })).toMatchObject({
      status: "done",
      isCurrent: true,
    });
    expect(
      await db.job.findFirst({ where: { payload: { equals: { summaryId: failing.id } } }, select: { status: true, attempts: true } }),
    ).toEqual({ status: "failed", attempts: 3 });
  });

  it("fails at once on an answer that is not a summary, and marks a summary stale after a re-import", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const me = as(w.member, llm);
    const jobs = worker(llm.ai);
    fake.setResponse({ kind: "error", status: 400, message: "model not found" });
    await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await jobs.runDue();
    expect(fake.requests).toHaveLength(1);
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      status: "failed",
      failureReason: "The language model answered with an error (HTTP 400)",
    });

    fake.setResponse({ kind: "reply", content: modelSummary("Fine.", []) });
    await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await jobs.runDue();
    await jobs.stop();
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      version: 2,
      status: "done",
      stale: false,
    });
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "Ann: A corrected transcript." });
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({ version: 2, stale: true });
  });
});

describe("the summary job under at-least-once delivery", () => {
  const context = (): JobContext => ({ jobId: crypto.randomUUID(), attempt: 1, maxAttempts: 3, signal: new AbortController().signal });
  const result = (overview: string, items: string[]): MeetingSummaryResult => ({
    overview,
    keyPoints: [],
    decisions: [],
    topics: [{ title: "All", startPosition: 0, endPosition: 3 }],
    actionItems: items.map((text) => ({ text, assigneeName: null, dueDate: null, sourcePosition: 2 })),
  });
  /** A model whose answers wait for `release()`, to make runs overlap on purpose. */
  function gatedModel(answer: () => MeetingSummaryResult) {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const ai: AiProvider = {
      name: "stub",
      model: "stub-1",
      async summarize() {
        calls++;
        await gate;
        return answer();
      },
      chat: () => Promise.reject(new Error("not used")),
    };
    return { ai, release, calls: () => calls };
  }

  it("completes a version once when two runs overlap (a lease taken over mid-run)", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const { id: summaryId } = await as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    const model = gatedModel(() => result("Once.", ["Send notes", "Book room"]));
    const runs = [0, 1].map(() => runSummaryJob({ db, ai: model.ai, log: silentLogger }, { summaryId }, context()));
    await expect.poll(model.calls).toBe(2);
    model.release();
    await Promise.all(runs);
    const items = await db.actionItem.findMany({ where: { meetingId }, select: { text: true } });
    expect(items.map((item) => item.text).sort()).toEqual(["Book room", "Send notes"]);
    expect(await as(w.member).meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      status: "done",
      isCurrent: true,
      overview: "Once.",
    });
  });

  it("keeps the newer version current when an older one finishes last", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const me = as(w.member);
    const v1 = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: launchLines.join("\n") });
    const v2 = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    expect(v2.version).toBe(2);
    const slow = gatedModel(() => result("Old.", ["v1 item"]));
    const older = runSummaryJob({ db, ai: slow.ai, log: silentLogger }, { summaryId: v1.id }, context());
    await expect.poll(slow.calls).toBe(1);
    const fast = gatedModel(() => result("New.", ["v2 item"]));
    fast.release();
    await runSummaryJob({ db, ai: fast.ai, log: silentLogger }, { summaryId: v2.id }, context());
    slow.release();
    await older;
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      version: 2,
      isCurrent: true,
      overview: "New.",
    });
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId, version: 1 })).toMatchObject({
      status: "done",
      isCurrent: false,
      overview: "Old.",
    });
    expect((await db.actionItem.findMany({ where: { meetingId }, select: { text: true } })).map((item) => item.text)).toEqual(["v2 item"]);
  });

  it("never leaves a version running: a failure outside the model fails it, and a new request is queued", async () => {
    const meetingId = await meetingWithTranscript(launchLines);
    const me = as(w.member);
    const { id: summaryId } = await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId });
    const broken: AiProvider = {
      name: "stub",
      model: "stub-1",
      summarize: () => Promise.reject(new TypeError("boom")),
      chat: () => Promise.reject(new Error("not used")),
    };
    const last: JobContext = { ...context(), attempt: 3 };
    await expect(runSummaryJob({ db, ai: broken, log: silentLogger }, { summaryId }, { ...context(), attempt: 1 })).rejects.toThrow("boom");
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      status: "pending",
      failureReason: "The summary could not be generated; retrying",
    });
    await expect(runSummaryJob({ db, ai: broken, log: silentLogger }, { summaryId }, last)).rejects.toThrow(
      "The summary could not be generated",
    );
    expect(await me.meetings.summary.get({ workspaceId: w.workspaceId, meetingId })).toMatchObject({
      status: "failed",
      failureReason: "The summary could not be generated",
    });
    expect((await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId })).version).toBe(2);

    // A version whose worker died on its last attempt (left "running" long ago) does not block either.
    await db.meetingSummary.updateMany({ where: { meetingId, version: 2 }, data: { status: "running" } });
    await db.$executeRaw`UPDATE meeting_summaries SET updated_at = now() - interval '2 hours' WHERE meeting_id = ${meetingId}::uuid AND version = 2`;
    expect((await me.meetings.summary.generate({ workspaceId: w.workspaceId, meetingId })).version).toBe(3);
  });
});
