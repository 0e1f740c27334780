import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiEmbeddings } from "../ai/embeddings.js";
import { createOpenAiProvider } from "../ai/openai.js";
import { createJobHandlers } from "../app/jobs.js";
import { startJobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import { createContextInner, type AuthUser } from "../context.js";
import { TEST_QMSUM_DIR, listQmsumMeetings, qmsumSegments, readQmsumMeeting, type QmsumMeeting } from "../qmsum/corpus.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { startFakeOpenAI, type FakeOpenAI } from "../testing/fake-openai.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices, type TestServicesOptions } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { failInterruptedAnswers, MAX_CONTEXT_CHARS, NOTHING_FOUND } from "./answer.js";
import { hasPgvector, queueMissingEmbeddings } from "./vector.js";
import type { AskEvent, MessageOutput } from "./schemas.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let fake: FakeOpenAI;
let w: WorkspaceWorld;
let offline: Services;
const opened: Services[] = [];
let qmsum: QmsumMeeting;
let qmsumMeetingId: string;
let otherMeetingId: string;

async function services(options: TestServicesOptions = {}): Promise<Services> {
  const made = await createTestServices(db, options);
  opened.push(made);
  return made;
}
const llmServices = (options: TestServicesOptions & { timeoutMs?: number } = {}) =>
  services({
    ...options,
    ai: createOpenAiProvider({ baseUrl: fake.url, model: "fake-model", maxRetries: 0, timeoutMs: options.timeoutMs ?? 2_000 }),
  });

const as = (user: AuthUser, with_: Services = offline) => createCallerFactory(appRouter)(createContextInner({ db, services: with_, user }));

async function importMeeting(
  title: string,
  lines: { speaker: string | null; startMs: number; endMs: number; text: string }[],
): Promise<string> {
  const me = as(w.member);
  const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title });
  const content = JSON.stringify({
    segments: lines.map((s) => ({ speaker: s.speaker, start_ms: s.startMs, end_ms: s.endMs, text: s.text })),
  });
  await me.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "json", content });
  return meeting.id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fake = await startFakeOpenAI();
  w = await createWorkspaceWorld(db, "ask");
  offline = await services();
  const [file] = await listQmsumMeetings("val", TEST_QMSUM_DIR);
  qmsum = await readQmsumMeeting(file ?? "", "val");
  qmsumMeetingId = await importMeeting(`QMSum ${qmsum.id}`, qmsumSegments(qmsum));
  otherMeetingId = await importMeeting("Garden club", [
    { speaker: "Rosa", startMs: 0, endMs: 5_000, text: "The tomatoes need more sun this year, so we move the beds south." },
    { speaker: "Ivan", startMs: 5_000, endMs: 9_000, text: "Agreed. I will buy compost for the new beds on Saturday." },
  ]);
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await fake?.close();
  await database?.close();
});
beforeEach(() => fake.reset());

async function collect(stream: AsyncIterable<AskEvent>): Promise<{ events: AskEvent[]; final: MessageOutput }> {
  const events: AskEvent[] = [];
  for await (const event of stream) events.push(event);
  const last = events.at(-1);
  if (last?.type !== "final") throw new Error(`the stream did not end with the final message: ${JSON.stringify(last)}`);
  return { events, final: last.message };
}

/** Every answer: markers and citations agree, and each citation quotes a segment the caller may see. */
async function expectGrounded(message: MessageOutput, allowedMeetings: string[]): Promise<void> {
  const markers = [...message.content.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
  expect(new Set(markers)).toEqual(new Set(message.citations.map((citation) => citation.marker)));
  expect(message.citations.map((citation) => citation.marker)).toEqual(message.citations.map((_, i) => i + 1));
  for (const citation of message.citations) {
    expect(allowedMeetings).toContain(citation.meetingId);
    const segment = await db.transcriptSegment.findUnique({
      where: { id: citation.segmentId },
      select: { meetingId: true, text: true, startMs: true, speakerLabel: true, transcript: { select: { isCurrent: true } } },
    });
    expect(segment).toMatchObject({
      meetingId: citation.meetingId,
      text: citation.quote,
      startMs: citation.startMs,
      speakerLabel: citation.speaker,
      transcript: { isCurrent: true },
    });
  }
}

async function session(
  user: AuthUser,
  scope: { kind: "meeting"; meetingId: string } | { kind: "workspace" } = { kind: "meeting", meetingId: qmsumMeetingId },
  with_ = offline,
) {
  return as(user, with_).askMind.sessions.create({ workspaceId: w.workspaceId, scope });
}

describe("askMind sessions", () => {
  it("are private to their creator unless shared; only the creator changes them, admins may delete shared ones", async () => {
    const mine = await session(w.member);
    expect(mine).toMatchObject({ title: null, shared: false, mine: true, scope: { kind: "meeting", meetingId: qmsumMeetingId } });
    const other = as(w.owner);
    expect(await errorOf(other.askMind.sessions.get({ workspaceId: w.workspaceId, sessionId: mine.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await other.askMind.sessions.list({ workspaceId: w.workspaceId })).items.map((s) => s.id)).not.toContain(mine.id);

    await as(w.member).askMind.sessions.share({ workspaceId: w.workspaceId, sessionId: mine.id, shared: true });
    expect(await other.askMind.sessions.get({ workspaceId: w.workspaceId, sessionId: mine.id })).toMatchObject({
      shared: true,
      mine: false,
    });
    expect((await other.askMind.sessions.list({ workspaceId: w.workspaceId, filter: "shared" })).items.map((s) => s.id)).toContain(mine.id);
    expect(
      await errorOf(other.askMind.sessions.rename({ workspaceId: w.workspaceId, sessionId: mine.id, title: "Hijacked" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await errorOf(other.askMind.ask({ workspaceId: w.workspaceId, sessionId: mine.id, question: "Anything?" }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await as(w.member).askMind.sessions.rename({ workspaceId: w.workspaceId, sessionId: mine.id, title: "Remote design" }),
    ).toMatchObject({ title: "Remote design" });

    await other.askMind.sessions.delete({ workspaceId: w.workspaceId, sessionId: mine.id });
    expect(await errorOf(as(w.member).askMind.sessions.get({ workspaceId: w.workspaceId, sessionId: mine.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("rejects bad scopes with a clear error and writes nothing", async () => {
    const before = await db.askMindSession.count();
    const me = as(w.member);
    expect(
      await errorOf(me.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "meetings", meetingIds: [] } })),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await errorOf(me.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "meeting", meetingId: w.deletedMeeting.id } })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorOf(
        me.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "workspace", participantId: crypto.randomUUID() } }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(me.askMind.ask({ workspaceId: w.workspaceId, sessionId: crypto.randomUUID(), question: "" }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await db.askMindSession.count()).toBe(before);
  });
});

describe("askMind.ask offline (extractive, no model)", () => {
  it("streams an answer to a real QMSum question whose every sentence is cited from the meeting", async () => {
    const query = qmsum.specificQueries[0];
    if (!query) throw new Error("the meeting has no specific query");
    const s = await session(w.member);
    const { events, final } = await collect(
      await as(w.member).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: query.query }),
    );
    expect(events[0]).toMatchObject({ type: "started", question: { role: "user", content: query.query, status: "done" } });
    const deltas = events.filter((e) => e.type === "delta").map((e) => e.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(final.content);
    expect(final).toMatchObject({ role: "assistant", status: "done", model: "extractive", promptTokens: 0, completionTokens: 0 });
    expect(final.citations.length).toBeGreaterThan(0);
    await expectGrounded(final, [qmsumMeetingId]);

    const thread = await as(w.member).askMind.messages.list({ workspaceId: w.workspaceId, sessionId: s.id });
    expect(thread.items.map((m) => [m.role, m.status])).toEqual([
      ["user", "done"],
      ["assistant", "done"],
    ]);
    expect(thread.items[1]).toEqual(final);
    expect(await as(w.member).askMind.sessions.get({ workspaceId: w.workspaceId, sessionId: s.id })).toMatchObject({
      title: query.query.slice(0, 200),
      lastMessageAt: expect.any(Date),
    });
  });

  it("says plainly when nothing relevant is found, and cites nothing", async () => {
    const s = await session(w.member);
    const { final } = await collect(
      await as(w.member).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "What about the zyxqv blorfmatic?" }),
    );
    expect(final).toMatchObject({ status: "done", content: NOTHING_FOUND, citations: [] });
  });

  it("stays inside the session's scope and away from deleted meetings", async () => {
    const s = await session(w.member, { kind: "meeting", meetingId: qmsumMeetingId });
    const { final } = await collect(
      await as(w.member).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "What about the tomatoes and the compost?" }),
    );
    expect(final.citations.map((c) => c.meetingId)).not.toContain(otherMeetingId);

    const everywhere = await session(w.member, { kind: "workspace" });
    const found = await collect(
      await as(w.member).askMind.ask({
        workspaceId: w.workspaceId,
        sessionId: everywhere.id,
        question: "Who will buy compost for the tomato beds?",
      }),
    );
    expect(found.final.citations.map((c) => c.meetingId)).toContain(otherMeetingId);
    await expectGrounded(found.final, [qmsumMeetingId, otherMeetingId]);

    await as(w.member).meetings.delete({ workspaceId: w.workspaceId, meetingId: otherMeetingId });
    const gone = await collect(
      await as(w.member).askMind.ask({
        workspaceId: w.workspaceId,
        sessionId: everywhere.id,
        question: "Who will buy compost for the tomato beds?",
      }),
    );
    expect(gone.final.citations.map((c) => c.meetingId)).not.toContain(otherMeetingId);
    await as(w.member).meetings.restore({ workspaceId: w.workspaceId, meetingId: otherMeetingId });
  });

  it("keeps answering after the client stops listening, and stores the answer", async () => {
    const query = qmsum.specificQueries[1] ?? qmsum.specificQueries[0];
    const s = await session(w.member);
    const stream = await as(w.member).askMind.ask({
      workspaceId: w.workspaceId,
      sessionId: s.id,
      question: query?.query ?? "What was discussed?",
    });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    const started = first.done ? undefined : first.value;
    expect(started).toMatchObject({ type: "started" });
    const answerId = started?.type === "started" ? started.answerId : "";
    await iterator.return?.(undefined); // the client goes away
    await expect
      .poll(async () => (await db.askMindMessage.findUnique({ where: { id: answerId }, select: { status: true } }))?.status, {
        timeout: 5_000,
      })
      .toBe("done");
    const stored = (await as(w.member).askMind.messages.list({ workspaceId: w.workspaceId, sessionId: s.id })).items[1];
    expect(stored?.content.length).toBeGreaterThan(0);
    if (stored) await expectGrounded(stored, [qmsumMeetingId]);
  });
});

describe("answers interrupted by a restart", () => {
  it("are marked failed at startup (recent ones are left to finish) and can be retried", async () => {
    const s = await session(w.member);
    const asked = new Date(Date.now() - 3_600_000);
    await db.askMindMessage.create({
      data: {
        workspaceId: w.workspaceId,
        sessionId: s.id,
        authorId: w.member.id,
        role: "user",
        content: "What was decided?",
        status: "done",
        createdAt: asked,
      },
    });
    const stale = await db.askMindMessage.create({
      data: {
        workspaceId: w.workspaceId,
        sessionId: s.id,
        role: "assistant",
        status: "streaming",
        createdAt: new Date(asked.getTime() + 1),
      },
    });
    await db.$executeRaw`UPDATE ask_mind_messages SET updated_at = now() - interval '1 hour' WHERE id = ${stale.id}::uuid`;
    const other = await session(w.member);
    const running = await db.askMindMessage.create({
      data: { workspaceId: w.workspaceId, sessionId: other.id, role: "assistant", status: "pending" },
    });

    expect(await failInterruptedAnswers(db, 600_000)).toBe(1);
    expect(await db.askMindMessage.findUnique({ where: { id: stale.id }, select: { status: true, error: true } })).toEqual({
      status: "failed",
      error: "The answer was interrupted (the server restarted). Try again.",
    });
    expect((await db.askMindMessage.findUnique({ where: { id: running.id }, select: { status: true } }))?.status).toBe("pending");
    const { final } = await collect(await as(w.member).askMind.retry({ workspaceId: w.workspaceId, messageId: stale.id }));
    expect(final).toMatchObject({ id: stale.id, status: "done" });
    await expectGrounded(final, [qmsumMeetingId]);
  });
});

describe("askMind.ask with an OpenAI-compatible model (fake server on loopback)", () => {
  it("streams the model's answer, keeps valid citations, drops invented ones and stores usage", async () => {
    const llm = await llmServices();
    const s = await session(w.member, { kind: "meeting", meetingId: otherMeetingId }, llm);
    fake.enqueue({
      kind: "stream",
      chunks: ["Ivan will buy ", "compost [2] on Saturday [7]", ", to move the beds south [1][2]."],
      delayMs: 5,
      usage: { prompt_tokens: 120, completion_tokens: 20 },
    });
    const { events, final } = await collect(
      await as(w.member, llm).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "Who buys compost?" }),
    );
    expect(events.filter((e) => e.type === "delta").length).toBe(3);
    expect(final).toMatchObject({ status: "done", model: "fake-model", promptTokens: 120, completionTokens: 20 });
    // [7] pointed at nothing the model was given: dropped. [2] became [1] (first used), [1] became [2].
    expect(final.content).toBe("Ivan will buy compost [1] on Saturday, to move the beds south [2][1].");
    expect(final.citations.map((c) => [c.marker, c.speaker])).toEqual([
      [1, "Ivan"],
      [2, "Rosa"],
    ]);
    await expectGrounded(final, [otherMeetingId]);
    // The model saw numbered excerpts and the question.
    const sent = JSON.stringify(fake.requests[0]?.body);
    expect(sent).toContain("[2] Garden club — Ivan at 00:00:05: Agreed. I will buy compost");
  });

  it("gives the model at most MAX_CONTEXT_CHARS of transcript, best windows first", async () => {
    const turn = (i: number) => `Point ${i} about the greenhouse heater: ${"the heater needs a thermostat and a timer. ".repeat(40)}`;
    const long = Array.from({ length: 40 }, (_, i) => ({
      speaker: i % 2 ? "Rosa" : "Ivan",
      startMs: i * 60_000,
      endMs: i * 60_000 + 50_000,
      text: turn(i),
    }));
    expect(long.reduce((sum, line) => sum + line.text.length, 0)).toBeGreaterThan(2 * MAX_CONTEXT_CHARS);
    const meetingId = await importMeeting("Greenhouse", long);
    const llm = await llmServices();
    const s = await session(w.member, { kind: "meeting", meetingId }, llm);
    fake.enqueue({ kind: "reply", content: "It needs a thermostat [1]." });
    const { final } = await collect(
      await as(w.member, llm).askMind.ask({
        workspaceId: w.workspaceId,
        sessionId: s.id,
        question: "What does the greenhouse heater need?",
      }),
    );
    expect(final).toMatchObject({ status: "done", content: "It needs a thermostat [1]." });
    await expectGrounded(final, [meetingId]);
    const prompt = (fake.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? "";
    const excerpts = prompt.match(/^\[\d+\] /gm) ?? [];
    expect(excerpts.length).toBeGreaterThan(0);
    expect(excerpts.length).toBeLessThan(MAX_CONTEXT_CHARS / turn(0).length + 1);
    expect(prompt.length).toBeLessThan(MAX_CONTEXT_CHARS + 2_000);
  });

  it("rewrites a follow-up into a standalone question before retrieving", async () => {
    const llm = await llmServices();
    const s = await session(w.member, { kind: "meeting", meetingId: otherMeetingId }, llm);
    fake.enqueue({ kind: "reply", content: "Rosa wants the beds moved south [1]." });
    await collect(
      await as(w.member, llm).askMind.ask({
        workspaceId: w.workspaceId,
        sessionId: s.id,
        question: "What did Rosa say about the tomatoes?",
      }),
    );
    fake.enqueue(
      { kind: "reply", content: "What did Rosa say after the remark about tomatoes?" },
      { kind: "reply", content: "Ivan agreed [2]." },
    );
    const { final } = await collect(
      await as(w.member, llm).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "what did she say next?" }),
    );
    const rewrite = JSON.stringify(fake.requests[1]?.body);
    expect(rewrite).toContain("What did Rosa say about the tomatoes?");
    expect(rewrite).toContain("what did she say next?");
    expect(JSON.stringify(fake.requests[2]?.body)).toContain("Question: What did Rosa say after the remark about tomatoes?");
    expect(final).toMatchObject({ status: "done", content: "Ivan agreed [1]." });
  });

  it("counts the tokens of a follow-up's rewrite even when the answer then fails", async () => {
    const llm = await llmServices();
    const s = await session(w.member, { kind: "meeting", meetingId: otherMeetingId }, llm);
    fake.enqueue({ kind: "reply", content: "Ivan [2]." });
    await collect(await as(w.member, llm).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "Who buys compost?" }));
    fake.enqueue(
      { kind: "reply", content: "When does Ivan buy compost?", usage: { prompt_tokens: 7, completion_tokens: 3 } },
      { kind: "error", status: 500 },
    );
    const { final } = await collect(
      await as(w.member, llm).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "When?" }),
    );
    expect(final).toMatchObject({ status: "failed", promptTokens: 7, completionTokens: 3 });
  });

  it("stores a failed answer when the model errors or times out, and retries it", async () => {
    const llm = await llmServices({ timeoutMs: 300 });
    const s = await session(w.member, { kind: "meeting", meetingId: otherMeetingId }, llm);
    fake.enqueue({ kind: "error", status: 500 });
    const failed = (
      await collect(await as(w.member, llm).askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "Who buys compost?" }))
    ).final;
    expect(failed).toMatchObject({
      status: "failed",
      content: "",
      citations: [],
      error: "The language model answered with an error (HTTP 500). Try again.",
    });
    // Tokens a failed attempt spent stay counted (here set as if its rewrite had used some).
    await db.askMindMessage.update({ where: { id: failed.id }, data: { promptTokens: 40, completionTokens: 4 } });

    fake.enqueue({ kind: "hang" });
    const timedOut = (await collect(await as(w.member, llm).askMind.retry({ workspaceId: w.workspaceId, messageId: failed.id }))).final;
    expect(timedOut).toMatchObject({ id: failed.id, status: "failed", error: "The language model did not answer in time. Try again." });

    fake.enqueue({ kind: "reply", content: "Ivan does [2].", usage: { prompt_tokens: 20, completion_tokens: 6 } });
    const retried = await collect(await as(w.member, llm).askMind.retry({ workspaceId: w.workspaceId, messageId: failed.id }));
    expect(retried.events[0]).toMatchObject({ type: "started", answerId: failed.id, question: { content: "Who buys compost?" } });
    expect(retried.final).toMatchObject({ id: failed.id, status: "done", content: "Ivan does [1]." });
    expect(retried.final).toMatchObject({ promptTokens: 40 + 20, completionTokens: 4 + 6 });
    expect(await errorOf(as(w.member, llm).askMind.retry({ workspaceId: w.workspaceId, messageId: failed.id }))).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "not_failed",
    });
    const thread = await as(w.member).askMind.messages.list({ workspaceId: w.workspaceId, sessionId: s.id });
    expect(thread.items.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("enforces the workspace's monthly token budget and the per-user rate limit, writing nothing when refused", async () => {
    const llm = await llmServices({ settings: { ASKMIND_MONTHLY_TOKEN_BUDGET: "100" } });
    const budgetWorld = await createWorkspaceWorld(db, "budget");
    const meetingId = budgetWorld.meeting.id;
    const s = await as(budgetWorld.member, llm).askMind.sessions.create({
      workspaceId: budgetWorld.workspaceId,
      scope: { kind: "meeting", meetingId },
    });
    fake.enqueue({ kind: "reply", content: "The budget [1].", usage: { prompt_tokens: 90, completion_tokens: 15 } });
    await collect(
      await as(budgetWorld.member, llm).askMind.ask({
        workspaceId: budgetWorld.workspaceId,
        sessionId: s.id,
        question: "What about the roadmap budget?",
      }),
    );
    const before = await db.askMindMessage.count({ where: { sessionId: s.id } });
    expect(
      await errorOf(
        as(budgetWorld.member, llm).askMind.ask({ workspaceId: budgetWorld.workspaceId, sessionId: s.id, question: "And then?" }),
      ),
    ).toEqual({
      code: "TOO_MANY_REQUESTS",
      appCode: "askmind_budget_exceeded",
    });
    expect(await db.askMindMessage.count({ where: { sessionId: s.id } })).toBe(before);

    const limited = await services({ limits: { askMind: { points: 1, durationSeconds: 60 } } });
    const t = await session(w.member, { kind: "meeting", meetingId: otherMeetingId }, limited);
    await collect(await as(w.member, limited).askMind.ask({ workspaceId: w.workspaceId, sessionId: t.id, question: "Who buys compost?" }));
    expect(
      await errorOf(as(w.member, limited).askMind.ask({ workspaceId: w.workspaceId, sessionId: t.id, question: "Who buys compost?" })),
    ).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(await db.askMindMessage.count({ where: { sessionId: t.id } })).toBe(2);
  });
});

describe("askMind.suggestedPrompts", () => {
  it("lists the workspace's prompts, which admins edit, then prompts from recent topics", async () => {
    const admin = as(w.admin);
    const created = await admin.askMind.suggestedPrompts.upsert({
      workspaceId: w.workspaceId,
      text: "What are the open risks?",
      position: 0,
    });
    expect(await errorOf(as(w.member).askMind.suggestedPrompts.upsert({ workspaceId: w.workspaceId, text: "Mine?" }))).toMatchObject({
      code: "FORBIDDEN",
    });
    await admin.askMind.suggestedPrompts.upsert({
      workspaceId: w.workspaceId,
      promptId: created.id,
      text: "What are the open risks and blockers?",
    });
    await db.meetingSummary.create({
      data: {
        workspaceId: w.workspaceId,
        meetingId: otherMeetingId,
        version: 1,
        isCurrent: true,
        status: "done",
        completedAt: new Date(),
        topics: [{ title: "Garden beds", startPosition: 0, endPosition: 1 }],
      },
    });
    const listed = await as(w.viewer).askMind.suggestedPrompts.list({
      workspaceId: w.workspaceId,
      scope: { kind: "meeting", meetingId: otherMeetingId },
    });
    expect(listed).toContainEqual({ id: created.id, text: "What are the open risks and blockers?", source: "workspace" });
    expect(listed).toContainEqual({ id: null, text: "What was discussed about Garden beds?", source: "topic" });
    const elsewhere = await as(w.viewer).askMind.suggestedPrompts.list({
      workspaceId: w.workspaceId,
      scope: { kind: "meeting", meetingId: qmsumMeetingId },
    });
    expect(elsewhere.map((p) => p.text)).not.toContain("What was discussed about Garden beds?");
    await admin.askMind.suggestedPrompts.delete({ workspaceId: w.workspaceId, promptId: created.id });
    expect((await as(w.viewer).askMind.suggestedPrompts.list({ workspaceId: w.workspaceId })).map((p) => p.id)).not.toContain(created.id);
  });
});

describe("hybrid retrieval with embeddings", () => {
  it("embeds imported and edited segments in the background, and fuses vector matches where the database has pgvector", async () => {
    const embeddings = createOpenAiEmbeddings({ baseUrl: fake.url, model: "fake-embed" });
    const hybrid = await services({ embeddings, ai: createOpenAiProvider({ baseUrl: fake.url, model: "fake-model", maxRetries: 0 }) });
    const me = as(w.member, hybrid);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Fleet review" });
    const lines = ["The car needs new tyres before winter.", "Also the printer on the second floor is broken."];
    await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId: meeting.id,
      format: "text",
      content: lines.map((line) => `Mia: ${line}`).join("\n"),
    });
    const jobs = startJobWorker({
      db,
      log: silentLogger,
      handlers: createJobHandlers({ db, ai: hybrid.ai, embeddings, log: silentLogger }),
      pollIntervalMs: 0,
      backoff: () => 0,
    });
    await jobs.runDue();
    const stored = await db.segmentEmbedding.findMany({
      where: { meetingId: meeting.id },
      select: { segmentId: true, model: true, embedding: true },
    });
    expect(stored).toHaveLength(2);
    expect(stored.every((row) => row.model === "fake-embed" && row.embedding.length === 64)).toBe(true);

    // An edited segment loses its embedding at once and gets a new one from the job.
    const [first] = (await me.transcripts.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).segments;
    await me.transcripts.segments.update({
      workspaceId: w.workspaceId,
      segmentId: first?.id ?? "",
      text: "The company car needs new winter tyres.",
    });
    expect(await db.segmentEmbedding.count({ where: { segmentId: first?.id ?? "" } })).toBe(0);
    await jobs.runDue();
    await jobs.stop();
    expect(await db.segmentEmbedding.count({ where: { segmentId: first?.id ?? "" } })).toBe(1);

    // "automobile" is not in the transcript: full text finds nothing, the embedding finds the car.
    const s = await session(w.member, { kind: "meeting", meetingId: meeting.id }, hybrid);
    fake.enqueue({ kind: "reply", content: "It needs new winter tyres [1]." });
    const { final } = await collect(
      await me.askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "Tell me about the automobile." }),
    );
    if (await hasPgvector(db)) {
      expect(final).toMatchObject({
        status: "done",
        content: "It needs new winter tyres [1].",
        citations: [{ marker: 1, segmentId: first?.id, quote: "The company car needs new winter tyres." }],
      });
      await expectGrounded(final, [meeting.id]);
    } else {
      // Without pgvector (the embedded PostgreSQL, or a server where the operator has not installed
      // it), full text alone.
      expect(final).toMatchObject({ status: "done", content: NOTHING_FOUND, citations: [] });
      expect(fake.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(0);
    }

    // A failing embeddings server does not fail the question: full text answers it.
    fake.reset();
    fake.setEmbeddingsDown(true);
    // (The thread has a question already: the model first rewrites this one.)
    fake.enqueue({ kind: "reply", content: "Which printer is broken?" }, { kind: "reply", content: "The printer is broken [2]." });
    const fallback = await collect(
      await me.askMind.ask({ workspaceId: w.workspaceId, sessionId: s.id, question: "Which printer is broken?" }),
    );
    expect(fallback.final).toMatchObject({ status: "done", citations: [{ quote: "Also the printer on the second floor is broken." }] });
  });
});

describe("embeddings backfill", () => {
  it("queues transcripts missing embeddings for the configured model, and replaces another model's", async () => {
    const me = as(w.member);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Backfill" });
    await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId: meeting.id,
      format: "text",
      content: "Ana: The boiler is leaking.\nLeo: I will call a plumber.",
    });
    // Imported while embeddings were off: nothing was queued for it.
    expect(await db.segmentEmbedding.count({ where: { meetingId: meeting.id } })).toBe(0);
    const run = async (model: string) => {
      expect(await queueMissingEmbeddings(db, model)).toBeGreaterThanOrEqual(1);
      const embeddings = createOpenAiEmbeddings({ baseUrl: fake.url, model });
      const jobs = startJobWorker({
        db,
        log: silentLogger,
        handlers: createJobHandlers({ db, ai: offline.ai, embeddings, log: silentLogger }),
        pollIntervalMs: 0,
        backoff: () => 0,
      });
      await jobs.runDue();
      await jobs.stop();
      return db.segmentEmbedding.findMany({ where: { meetingId: meeting.id }, select: { model: true } });
    };
    expect((await run("model-a")).map((row) => row.model)).toEqual(["model-a", "model-a"]);
    // Vectors of different models are not comparable: switching models re-embeds, replacing them.
    expect((await run("model-b")).map((row) => row.model)).toEqual(["model-b", "model-b"]);
  });
});
