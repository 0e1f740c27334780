// Graceful shutdown: answers run apart from their requests, so the server's close() calls
// settleRunningAnswers to let those under way be stored, for at most its shutdown timeout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiProvider } from "../ai/openai.js";
import { createContextInner, type AuthUser } from "../context.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { startFakeOpenAI, type FakeOpenAI } from "../testing/fake-openai.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { settleRunningAnswers } from "./answer.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let fake: FakeOpenAI;
let w: WorkspaceWorld;
let meetingId: string;
const opened: Services[] = [];

async function llmServices(timeoutMs: number): Promise<Services> {
  const made = await createTestServices(db, {
    ai: createOpenAiProvider({ baseUrl: fake.url, model: "fake-model", maxRetries: 0, timeoutMs }),
  });
  opened.push(made);
  return made;
}

const as = (user: AuthUser, services: Services) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fake = await startFakeOpenAI();
  w = await createWorkspaceWorld(db, "shutdown");
  const services = await llmServices(2_000);
  const me = as(w.member, services);
  const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Garden club" });
  const content = JSON.stringify({
    segments: [
      { speaker: "Rosa", start_ms: 0, end_ms: 5_000, text: "The tomatoes need more sun this year, so we move the beds south." },
      { speaker: "Ivan", start_ms: 5_000, end_ms: 9_000, text: "Agreed. I will buy compost for the new beds on Saturday." },
    ],
  });
  await me.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "json", content });
  meetingId = meeting.id;
});
afterAll(async () => {
  // Nothing may still be writing when the database goes away.
  await settleRunningAnswers(30_000);
  await Promise.all(opened.map((s) => s.close()));
  await fake?.close();
  await database?.close();
});
beforeEach(() => fake.reset());

/**
 * Asks a question and stops listening once the answer has started, as a client does when the
 * server closes its connection on shutdown: the run goes on without anyone listening.
 */
async function askAndLeave(services: Services, question: string): Promise<string> {
  const me = as(w.member, services);
  const session = await me.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "meeting", meetingId } });
  const stream = await me.askMind.ask({ workspaceId: w.workspaceId, sessionId: session.id, question });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.type !== "started") throw new Error(`the answer did not start: ${JSON.stringify(first.value)}`);
  await iterator.return?.(undefined);
  return first.value.answerId;
}

const stored = (answerId: string) =>
  db.askMindMessage.findUnique({ where: { id: answerId }, select: { status: true, content: true, error: true } });

describe("settleRunningAnswers (graceful shutdown)", () => {
  it("resolves once the answers under way are stored", async () => {
    const services = await llmServices(5_000);
    fake.enqueue({ kind: "stream", chunks: ["Ivan will buy ", "compost ", "on Saturday."], delayMs: 300 });
    const answerId = await askAndLeave(services, "Who buys compost?");
    // The model is still streaming (about a second), so anything stored as done below was waited for.
    expect((await stored(answerId))?.status).not.toBe("done");

    const started = performance.now();
    await settleRunningAnswers(60_000);
    const waited = performance.now() - started;

    expect(await stored(answerId)).toEqual({ status: "done", content: "Ivan will buy compost on Saturday.", error: null });
    // It returned when the answer was stored (about a second), not at its deadline.
    expect(waited).toBeLessThan(30_000);
  });

  it("gives up after its timeout without waiting for a model that hangs", async () => {
    // The model call would only time out after 8s: much later than shutdown is willing to wait.
    const services = await llmServices(8_000);
    fake.enqueue({ kind: "hang" });
    const answerId = await askAndLeave(services, "Who buys compost?");
    // The run is now waiting on the model.
    await expect.poll(() => fake.requests.filter((r) => r.path.endsWith("/chat/completions")).length, { timeout: 5_000 }).toBe(1);

    const started = performance.now();
    await settleRunningAnswers(200);
    const waited = performance.now() - started;

    // (Timers may fire a millisecond early; the upper bound leaves room for a busy machine.)
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(5_000);
    expect((await stored(answerId))?.status).toBe("streaming");

    // The run itself was not cut short: it still ends at the model's timeout and is stored failed.
    await settleRunningAnswers(30_000);
    expect(await stored(answerId)).toMatchObject({ status: "failed", error: "The language model did not answer in time. Try again." });
  });
});
