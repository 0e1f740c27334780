import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { MAX_TRANSCRIPT_BYTES } from "./service.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let w: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  w = await createWorkspaceWorld(db, "tr");
});
afterAll(async () => {
  await services?.close();
  await database?.close();
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; appCode?: string; message?: string } | undefined> {
  return promise.then(
    () => undefined,
    (error: { code?: string; message?: string; cause?: { appCode?: string } }) => ({
      code: error.code,
      appCode: error.cause?.appCode,
      message: error.message,
    }),
  );
}

async function newMeeting(title = "Design review"): Promise<string> {
  return (await as(w.member).meetings.create({ workspaceId: w.workspaceId, title })).id;
}

const teamsVtt = [
  "WEBVTT",
  "",
  "00:00:01.000 --> 00:00:04.000",
  "<v Jane Doe>Welcome, everyone.</v>",
  "",
  "00:00:04.500 --> 00:00:09.000",
  "<v Raj Patel>Thanks. The prototype is ready &amp; tested.</v>",
].join("\n");

describe("transcripts.import and transcripts.get", () => {
  it("imports WebVTT voice tags as speaker segments and pages through them in order", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    const imported = await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId,
      format: "webvtt",
      content: teamsVtt,
      language: "en",
    });
    expect(imported).toMatchObject({ version: 1, format: "webvtt", language: "en", segmentCount: 2, durationMs: 9000 });
    const first = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId, limit: 1 });
    expect(first.segments).toMatchObject([
      { position: 0, speakerLabel: "Jane Doe", startMs: 1000, endMs: 4000, text: "Welcome, everyone.", speaker: null },
    ]);
    expect(first.nextCursor).toBe(0);
    const second = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId, cursor: first.nextCursor ?? undefined, limit: 1 });
    expect(second.segments).toMatchObject([{ position: 1, speakerLabel: "Raj Patel", text: "Thanks. The prototype is ready & tested." }]);
    expect(second.nextCursor).toBeNull();
    expect((await me.meetings.get({ workspaceId: w.workspaceId, meetingId })).hasTranscript).toBe(true);
  });

  it("refuses a malformed file with its line, and an oversized one, writing nothing", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    const before = await db.transcriptSegment.count();
    const broken = await errorOf(
      me.transcripts.import({
        workspaceId: w.workspaceId,
        meetingId,
        format: "srt",
        content: "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 -> 00:00:04,000\nWorld\n",
      }),
    );
    expect(broken).toMatchObject({ code: "BAD_REQUEST", appCode: "malformed_transcript" });
    expect(broken?.message).toMatch(/line 6/i);
    const huge = await errorOf(
      me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: `Ann: ${"a".repeat(MAX_TRANSCRIPT_BYTES)}` }),
    );
    expect(huge).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(huge?.message).toMatch(/5 MB/);
    expect(
      await errorOf(me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "json", content: "{}", language: "english!" })),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(await db.transcriptSegment.count()).toBe(before);
    expect(await db.transcript.count({ where: { meetingId } })).toBe(0);
    expect(await errorOf(me.transcripts.get({ workspaceId: w.workspaceId, meetingId }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps the previous version on re-import, and carries speaker mappings over", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    await me.transcripts.import({ workspaceId: w.workspaceId, meetingId, format: "text", content: "Ann: First take.\nBob: Sure." });
    const mapped = await me.transcripts.speakers.assign({
      workspaceId: w.workspaceId,
      meetingId,
      speakerLabel: "Ann",
      memberId: w.memberIds.admin,
    });
    expect(mapped).toEqual({ updatedSegments: 1 });

    const second = await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId,
      format: "json",
      content: JSON.stringify({ segments: [{ speaker: "Ann", start_ms: 0, end_ms: 1000, text: "Second take." }] }),
    });
    expect(second).toMatchObject({ version: 2, segmentCount: 1 });
    const current = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId });
    expect(current.versions.map((v) => [v.version, v.isCurrent])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(current.segments).toMatchObject([{ text: "Second take.", speaker: { memberId: w.memberIds.admin } }]);
    const old = await me.transcripts.get({ workspaceId: w.workspaceId, meetingId, version: 1 });
    expect(old.segments.map((s) => s.text)).toEqual(["First take.", "Sure."]);
  });
});

describe("transcripts.segments.update and transcripts.speakers.assign", () => {
  it("edits text keeping the original, maps labels to members or participants, and refuses strangers", async () => {
    const meetingId = await newMeeting();
    const me = as(w.member);
    await me.transcripts.import({
      workspaceId: w.workspaceId,
      meetingId,
      format: "text",
      content: "Speaker 1: We ship on Fridya.\nSpeaker 2: Agreed.\nSpeaker 1: Good.",
    });
    const [segment] = (await me.transcripts.get({ workspaceId: w.workspaceId, meetingId })).segments;
    const edited = await me.transcripts.segments.update({
      workspaceId: w.workspaceId,
      segmentId: segment?.id ?? "",
      text: "We ship on Friday.",
    });
    expect(edited).toMatchObject({ text: "We ship on Friday.", originalText: "We ship on Fridya.", editedAt: expect.any(Date) });
    const again = await me.transcripts.segments.update({
      workspaceId: w.workspaceId,
      segmentId: segment?.id ?? "",
      text: "We ship on Friday!",
    });
    expect(again.originalText).toBe("We ship on Fridya.");

    const guest = await me.meetings.participants.add({
      workspaceId: w.workspaceId,
      meetingId,
      name: "Guest Speaker",
      email: "guest@example.org",
    });
    expect(
      await me.transcripts.speakers.assign({ workspaceId: w.workspaceId, meetingId, speakerLabel: "Speaker 1", participantId: guest.id }),
    ).toEqual({ updatedSegments: 2 });
    const segments = (await me.transcripts.get({ workspaceId: w.workspaceId, meetingId })).segments;
    expect(segments.map((s) => s.speaker?.name ?? null)).toEqual(["Guest Speaker", null, "Guest Speaker"]);

    expect(
      await errorOf(
        me.transcripts.speakers.assign({ workspaceId: w.workspaceId, meetingId, speakerLabel: "Nobody", memberId: w.memberIds.member }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorOf(
        me.transcripts.speakers.assign({
          workspaceId: w.workspaceId,
          meetingId,
          speakerLabel: "Speaker 2",
          participantId: crypto.randomUUID(),
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorOf(me.transcripts.segments.update({ workspaceId: w.workspaceId, segmentId: segment?.id ?? "", text: "" })),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await errorOf(
        as(w.viewer).transcripts.segments.update({ workspaceId: w.workspaceId, segmentId: segment?.id ?? "", text: "Viewer edit" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect((await me.transcripts.get({ workspaceId: w.workspaceId, meetingId })).segments[0]?.text).toBe("We ship on Friday!");
  });
});
