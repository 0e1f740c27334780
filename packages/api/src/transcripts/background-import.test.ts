// Imports too large to store within the request (service.ts, import-job.ts): checked at once, written
// in the background, resumable, failing cleanly; and concurrent imports into one meeting.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { createJobHandlers } from "../app/jobs.js";
import { startJobWorker, type JobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { PARSE_INLINE_MAX_BYTES } from "./parse-pool.js";
import { IMPORT_IN_REQUEST_MAX_SEGMENTS } from "./service.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let w: WorkspaceWorld;
const workers: JobWorker[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  // Tests run the import jobs themselves (runDue), to look at them half-way.
  services = await createTestServices(db);
  w = await createWorkspaceWorld(db, "bg");
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});
afterAll(async () => {
  await services?.close();
  await database?.close();
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function worker(options: { stopGraceMs?: number } = {}): JobWorker {
  const started = startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai: services.ai, embeddings: null, log: silentLogger }),
    pollIntervalMs: 0,
    backoff: () => 0,
    ...options,
  });
  workers.push(started);
  return started;
}

async function errorOf(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (error: { code?: string; message?: string; cause?: { appCode?: string; line?: number; column?: number } }) => ({
      code: error.code,
      message: error.message,
      appCode: error.cause?.appCode,
      line: error.cause?.line,
    }),
  );
}

/** `count` turns of "Name: words", a label per five turns. */
function turns(count: number, text = (i: number) => `turn ${i}`): string {
  return Array.from({ length: count }, (_, i) => `${"ABCDE"[i % 5]}: ${text(i)}`).join("\n");
}

async function newMeeting(): Promise<string> {
  return (await as(w.member).meetings.create({ workspaceId: w.workspaceId, title: "Planning" })).id;
}

const statusOf = (meetingId: string, version?: number) =>
  as(w.viewer).transcripts.importStatus({ workspaceId: w.workspaceId, meetingId, version });

describe("a large import", () => {
  it("is checked at once: a malformed file is refused with its line, parsed off the event loop, and nothing is written", async () => {
    const meetingId = await newMeeting();
    const jobsBefore = await db.job.count();
    const lines = turns(40_000).split("\n");
    lines[30_000] = "[00:99] A: the seconds are wrong";
    const content = lines.join("\n");
    expect(Buffer.byteLength(content)).toBeGreaterThan(PARSE_INLINE_MAX_BYTES);
    const refused = await errorOf(as(w.member).transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "malformed_transcript", line: 30_001 });
    expect(refused?.message).toMatch(/^Line 30001, column \d+: /);
    expect(await db.transcript.count({ where: { meetingId } })).toBe(0);
    expect(await db.job.count()).toBe(jobsBefore);
  });

  it("answers `importing` at once, reports progress, and becomes current only when complete", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "A: First take." });
    const count = IMPORT_IN_REQUEST_MAX_SEGMENTS + 500;
    const imported = await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId,
      format: "text",
      content: turns(count),
      language: "en",
    });
    expect(imported).toMatchObject({
      version: 2,
      status: "importing",
      segmentCount: count,
      importedSegments: 0,
      format: "text",
      language: "en",
    });
    expect(await statusOf(meetingId)).toMatchObject({
      version: 2,
      status: "importing",
      isCurrent: false,
      segmentCount: count,
      importedSegments: 0,
    });
    expect((await me.transcripts.get({ workspaceId: w.workspaceId, meetingId })).transcript.version).toBe(1);
    expect(await errorOf(me.transcripts.get({ workspaceId: w.workspaceId, meetingId, version: 2 }))).toMatchObject({ code: "NOT_FOUND" });

    expect(await worker().runDue()).toBe(1);
    expect(await statusOf(meetingId, 2)).toMatchObject({
      status: "ready",
      isCurrent: true,
      segmentCount: count,
      importedSegments: count,
      failureReason: null,
    });
    expect(await statusOf(meetingId, 1)).toMatchObject({ status: "ready", isCurrent: false, segmentCount: 1, importedSegments: 1 });
    const current = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId, cursor: count - 2 });
    expect(current.transcript).toMatchObject({ version: 2, segmentCount: count, language: "en" });
    expect(current.segments).toMatchObject([{ position: count - 1, text: `turn ${count - 1}` }]);
    expect(await db.transcript.findFirst({ where: { meetingId, version: 2 }, select: { importSource: true } })).toEqual({
      importSource: null,
    });
  });

  it("resumes where it stopped when its worker is interrupted, with the speaker mappings of the current version", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "A: Hello.\nB: Hi." });
    await me.transcripts.speakers.assign({ workspaceId: w.workspaceId, meetingId, speakerLabel: "A", memberId: w.memberIds.admin });
    const count = 20_000;
    const imported = await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: turns(count) });
    expect(imported.status).toBe("importing");

    const first = worker({ stopGraceMs: 0 });
    const running = first.runDue();
    let progress = await statusOf(meetingId);
    for (let i = 0; progress.importedSegments === 0 && i < 600; i++) {
      await sleep(50);
      progress = await statusOf(meetingId);
    }
    await first.stop(); // a shutdown: the job is released between two batches
    await running;
    const stopped = await statusOf(meetingId);
    expect(stopped).toMatchObject({ status: "importing", isCurrent: false });
    expect(stopped.importedSegments).toBeGreaterThan(0);
    expect(stopped.importedSegments).toBeLessThan(count);
    expect(await db.transcriptSegment.count({ where: { transcriptId: imported.id } })).toBe(stopped.importedSegments);
    // Mapped on the current version while the import was stopped: the rows already written get it too.
    const guest = await me.meetings.participants.add({ workspaceId: w.workspaceId, meetingId, name: "Guest" });
    await me.transcripts.speakers.assign({ workspaceId: w.workspaceId, meetingId, speakerLabel: "B", participantId: guest.id });

    expect(await worker().runDue()).toBe(1);
    expect(await statusOf(meetingId)).toMatchObject({ status: "ready", isCurrent: true, importedSegments: count });
    const positions = await db.transcriptSegment.aggregate({
      where: { transcriptId: imported.id },
      _count: true,
      _min: { position: true },
      _max: { position: true },
    });
    expect(positions).toMatchObject({ _count: count, _min: { position: 0 }, _max: { position: count - 1 } });
    const people = await db.transcriptSegment.groupBy({
      by: ["speakerLabel", "speakerMemberId", "speakerParticipantId"],
      where: { transcriptId: imported.id },
      _count: true,
      orderBy: { speakerLabel: "asc" },
    });
    expect(people.map((p) => [p.speakerLabel, p.speakerMemberId, p.speakerParticipantId, p._count])).toEqual([
      ["A", w.memberIds.admin, null, count / 5],
      ["B", null, guest.id, count / 5],
      ["C", null, null, count / 5],
      ["D", null, null, count / 5],
      ["E", null, null, count / 5],
    ]);
  });

  it("that fails is marked failed with the reason, never current, and its partial segments are removed", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "A: The version that stays." });
    const imported = await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: turns(20_000) });

    // Half-way through, the stored file turns unreadable (as if the parser had changed since upload).
    const first = worker({ stopGraceMs: 0 });
    const running = first.runDue();
    for (let i = 0; (await statusOf(meetingId)).importedSegments === 0 && i < 600; i++) await sleep(50);
    await first.stop();
    await running;
    expect(await db.transcriptSegment.count({ where: { transcriptId: imported.id } })).toBeGreaterThan(0);
    await db.transcript.update({ where: { id: imported.id }, data: { importSource: "A: fine\n[00:99] B: broken" } });

    expect(await worker().runDue()).toBe(1);
    const failed = await statusOf(meetingId, imported.version);
    expect(failed).toMatchObject({ status: "failed", isCurrent: false });
    expect(failed.failureReason).toMatch(/Line 2, column \d+: .*seconds/);
    expect(await db.transcriptSegment.count({ where: { transcriptId: imported.id } })).toBe(0);
    const current = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId });
    expect(current.transcript.version).toBe(1);
    expect(current.segments.map((s) => s.text)).toEqual(["The version that stays."]);
    expect(current.versions.map((v) => [v.version, v.isCurrent, v.status])).toEqual([
      [2, false, "failed"],
      [1, true, "ready"],
    ]);
    // A later import still gets the next number.
    expect(await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "A: Again." })).toMatchObject({
      version: 3,
      status: "ready",
    });
  });
});

describe("concurrent imports into one meeting", () => {
  it("all succeed with distinct versions, and the latest is current", async () => {
    const meetingId = await newMeeting();
    const imports = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        as(w.member).transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: `A: Take ${n}.` }),
      ),
    );
    expect(imports.map((i) => i.version).sort()).toEqual([1, 2, 3, 4, 5]);
    const current = await as(w.member).transcripts.get({ workspaceId: w.workspaceId, meetingId });
    expect(current.transcript.version).toBe(5);
    expect(current.versions.filter((v) => v.isCurrent).map((v) => v.version)).toEqual([5]);
  });

  it("large and small alike: the highest version is current once every import is done", async () => {
    const meetingId = await newMeeting();
    const large = turns(IMPORT_IN_REQUEST_MAX_SEGMENTS + 100);
    const contents = [large, "A: small one.", large, "A: small two.", "A: small three."];
    const imports = await Promise.all(
      contents.map((content) => as(w.member).transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content })),
    );
    expect(imports.map((i) => i.version).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(imports.filter((i) => i.status === "importing")).toHaveLength(2);
    await worker().runDue();
    const versions = (await as(w.member).transcripts.get({ workspaceId: w.workspaceId, meetingId })).versions;
    expect(versions.map((v) => [v.version, v.isCurrent, v.status])).toEqual([
      [5, true, "ready"],
      [4, false, "ready"],
      [3, false, "ready"],
      [2, false, "ready"],
      [1, false, "ready"],
    ]);
  });
});
