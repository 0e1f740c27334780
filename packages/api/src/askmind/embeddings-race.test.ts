// A segment edited while the embeddings job is waiting on the embeddings server: the vector that
// comes back describes the old text and must not be kept for the new one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiEmbeddings } from "../ai/embeddings.js";
import { createContextInner, type AuthUser } from "../context.js";
import { createJobHandlers } from "../app/jobs.js";
import { startJobWorker, type JobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from "../testing/fake-openai.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { EMBEDDINGS_QUEUE } from "./vector.js";

/** Stored vectors are `real` (float32): equal to the fake's within float32 precision. */
function sameVector(stored: number[], expected: number[]): boolean {
  return stored.length === expected.length && stored.every((value, i) => Math.abs(value - (expected[i] ?? Number.NaN)) < 1e-6);
}

type Services = AppServices & { close(): Promise<void> };

const MODEL = "race-embed";
const LINES = [
  "The boiler in the basement is leaking again.",
  "Leo will call a plumber on Monday morning.",
  "The invoice goes to the landlord.",
];
const EDITED = "The boiler was replaced last week, nothing leaks anymore.";

let database: TestDatabase;
let db: Db;
let w: WorkspaceWorld;
let server: FakeOpenAI;
let services: Services;
let jobs: JobWorker | undefined;

/** A job worker that runs only when told to (runDue), one job at a time. */
function startWorker(): JobWorker {
  jobs = startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai: services.ai, embeddings: services.embeddings, log: silentLogger }),
    pollIntervalMs: 0,
    concurrency: 1,
    backoff: () => 0,
  });
  return jobs;
}

/** For each of a meeting's stored vectors, the text it is the vector of. */
async function vectorTexts(meetingId: string): Promise<Record<string, string>> {
  const stored = await db.segmentEmbedding.findMany({ where: { meetingId }, select: { segmentId: true, embedding: true } });
  const textOf = (vector: number[]) => [...LINES, EDITED].find((text) => sameVector(vector, fakeEmbedding(text))) ?? "(no known text)";
  return Object.fromEntries(stored.map((row) => [row.segmentId, textOf(row.embedding)]));
}

/** The texts of every /embeddings request, oldest first. */
const sentTexts = () =>
  server.requests.filter((request) => request.path === "/v1/embeddings").map((request) => (request.body as { input: string[] }).input);

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  w = await createWorkspaceWorld(db, "race");
  server = await startFakeOpenAI();
  services = await createTestServices(db, { embeddings: createOpenAiEmbeddings({ baseUrl: server.url, model: MODEL }) });
});
afterAll(async () => {
  await jobs?.stop();
  await server?.close();
  await services?.close();
  await database?.close();
});

describe("embeddings of a segment edited while its text is being embedded", () => {
  it("does not keep the old text's vector for the new text: the same job embeds the new text", async () => {
    // The two texts must embed differently, or the test could not tell the vectors apart.
    const oldText = LINES[0] ?? "";
    expect(sameVector(fakeEmbedding(oldText), fakeEmbedding(EDITED))).toBe(false);

    const me = as(w.member);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Boiler" });
    // Importing with embeddings configured queues the embeddings job (nothing runs it yet).
    const content = LINES.map((line) => `Ana: ${line}`).join("\n");
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "text", content });
    const segments = (await me.transcripts.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).segments;
    expect(segments.map((segment) => segment.text)).toEqual(LINES);
    const edited = segments[0]?.id ?? "";

    // One lane, so the job the edit queues runs after the one in flight, never beside it.
    const worker = startWorker();
    server.holdEmbeddings();
    const ran = worker.runDue();
    // The job has read the segments and sent their (old) texts: it is waiting for the vectors.
    await expect.poll(() => server.embeddingsWaiting(), { timeout: 10_000 }).toBe(1);
    expect(sentTexts()).toEqual([LINES]);

    // The edit lands while the job waits, through the real procedure (which also queues a job).
    await me.transcripts.segments.update({ workspaceId: w.workspaceId, segmentId: edited, text: EDITED });
    expect(await db.segmentEmbedding.count({ where: { segmentId: edited } })).toBe(0);

    server.releaseEmbeddings();
    // The job in flight, then the one the edit queued.
    expect(await ran).toBe(2);
    const queued = await db.job.findMany({ where: { queue: EMBEDDINGS_QUEUE }, select: { status: true, lastError: true } });
    expect(queued).toEqual([
      { status: "done", lastError: null },
      { status: "done", lastError: null },
    ]);

    // For each segment, the text whose vector is stored: the edited one's is its new text, not the
    // old text the job had sent; the others kept theirs.
    const stored = await db.segmentEmbedding.findMany({
      where: { meetingId: meeting.id },
      select: { segmentId: true, model: true, embedding: true },
    });
    const textOfVector = (vector: number[]) =>
      [...LINES, EDITED].find((text) => sameVector(vector, fakeEmbedding(text))) ?? "(no known text)";
    expect(Object.fromEntries(stored.map((row) => [row.segmentId, textOfVector(row.embedding)]))).toEqual({
      [edited]: EDITED,
      [segments[1]?.id ?? ""]: LINES[1],
      [segments[2]?.id ?? ""]: LINES[2],
    });
    expect(stored.every((row) => row.model === MODEL)).toBe(true);
    // The old vector was dropped and the new text sent once more, by the job that was in flight
    // (the job the edit queued found nothing left to embed).
    expect(sentTexts()).toEqual([LINES, [EDITED]]);
  });

  it("waits for an edit not yet committed before deciding a vector is current", async () => {
    // The window needs two connections: the edit's transaction open while the job checks.
    server.reset();
    await jobs?.stop();
    const me = as(w.member);
    const meeting = await me.meetings.create({ workspaceId: w.workspaceId, title: "Boiler, again" });
    await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId: meeting.id,
      format: "text",
      content: LINES.map((line) => `Ana: ${line}`).join("\n"),
    });
    const segments = (await me.transcripts.get({ workspaceId: w.workspaceId, meetingId: meeting.id })).segments;
    const edited = segments[0]?.id ?? "";

    const worker = startWorker();
    server.holdEmbeddings();
    const ran = worker.runDue();
    await expect.poll(() => server.embeddingsWaiting(), { timeout: 10_000 }).toBe(1);

    // An edit as updateSegment makes it (text changed, its vector deleted), held uncommitted: its
    // delete runs before the job writes the old text's vector, so only the job's check can catch it.
    const editor = createPrismaClient(database.url, { poolSize: 1 });
    let commit = () => {};
    const held = new Promise<void>((resolve) => (commit = resolve));
    let editing = false;
    const edit = editor.$transaction(
      async (tx) => {
        await tx.transcriptSegment.update({ where: { id: edited }, data: { text: EDITED } });
        await tx.segmentEmbedding.deleteMany({ where: { segmentId: edited } });
        editing = true;
        await held;
      },
      { timeout: 30_000 },
    );
    try {
      await expect.poll(() => editing, { timeout: 10_000 }).toBe(true);
      server.releaseEmbeddings();
      // The job wrote its vectors and now waits for the edit's row lock to read the text.
      const lockWaits = async () =>
        (
          await db.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
        )[0]?.n;
      await expect.poll(lockWaits, { timeout: 10_000 }).toBe(1);
      commit();
      await edit;
    } finally {
      commit();
      await edit.catch(() => {}); // a failure above is the one to report
      await editor.$disconnect();
    }

    expect(await ran).toBe(1);
    expect(await vectorTexts(meeting.id)).toEqual({
      [edited]: EDITED,
      [segments[1]?.id ?? ""]: LINES[1],
      [segments[2]?.id ?? ""]: LINES[2],
    });
  });
});
