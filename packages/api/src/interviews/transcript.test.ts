// An interview's transcript through the procedures a client calls: imported onto the interview's
// meeting (made with the first import), read with each speaker's role, speakers mapped to the
// candidate and the panel; and search and Ask Mind over it follow the interview rule.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createJobHandlers } from "../app/jobs.js";
import { appRouter } from "../app/router.js";
import type { AskEvent, MessageOutput } from "../askmind/schemas.js";
import { createContextInner, type AuthUser } from "../context.js";
import { startJobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { HIRING_POSITION } from "../testing/hiring-fixtures.js";
import { interleavedScope } from "../testing/interleaved.js";
import { NotFoundError } from "../errors.js";
import { errorOf, failureOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorld, type World, type WorkspaceWorld } from "../testing/world.js";
import { IMPORT_IN_REQUEST_MAX_SEGMENTS } from "../transcripts/service.js";
import { createCallerFactory } from "../trpc.js";
import { mapInterviewSpeakers } from "./transcript.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let world: World;
let w: WorkspaceWorld;
let fingerprints: DatabaseFingerprint;
/** A member granted `interviews:manage`: a hiring manager. */
let manager: AuthUser & { memberId: string };

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });

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
    stage: "onsite",
    scheduledAt: new Date(Date.UTC(2031, 0, 2, 10)),
    panelMemberIds: [w.hiring.interviewerMemberId],
    ...overrides,
  });
}

async function collect(stream: AsyncIterable<AskEvent>): Promise<MessageOutput> {
  let final: MessageOutput | undefined;
  for await (const event of stream) if (event.type === "final") final = event.message;
  if (!final) throw new Error("no final message");
  return final;
}

describe("the interview transcript", () => {
  const content = [
    "Interviewer: Tell me about the zorblatt pipeline you built.",
    "Candidate: I designed the zorblatt pipeline around an append-only log with idempotent consumers.",
    "Observer: Noted.",
  ].join("\n");
  let interviewId: string;
  let stage: string;
  let meetingId: string;

  beforeAll(async () => {
    ({ id: interviewId, stage } = await schedule({ stage: "onsite", panelMemberIds: [w.hiring.interviewerMemberId] }));
  });

  it("refuses a malformed or too large file before anything is written (no meeting either)", async () => {
    const me = as(w.hiring.interviewer);
    await expectRefused(
      () => me.interviews.transcript.import({ ...ws(), interviewId, format: "json", content: "{ not json" }),
      "BAD_REQUEST",
      "malformed_transcript",
    );
    await expectRefused(
      () => me.interviews.transcript.import({ ...ws(), interviewId, format: "text", content: "x".repeat(5 * 1024 * 1024 + 1) }),
      "PAYLOAD_TOO_LARGE",
    );
    await expectRefused(
      () => me.interviews.transcript.import({ ...ws(), interviewId, format: "text", content, language: "??" }),
      "BAD_REQUEST",
    );
  });

  it("is the panel's and managers' only: off the panel NOT_FOUND, viewers FORBIDDEN, another workspace NOT_FOUND", async () => {
    await expectRefused(() => as(w.member).interviews.transcript.import({ ...ws(), interviewId, format: "text", content }), "NOT_FOUND");
    await expectRefused(() => as(w.viewer).interviews.transcript.import({ ...ws(), interviewId, format: "text", content }), "FORBIDDEN");
    const b = world.b;
    await expectRefused(
      () => as(b.owner).interviews.transcript.import({ workspaceId: b.workspaceId, interviewId, format: "text", content }),
      "NOT_FOUND",
    );
    expect(await errorOf(as(w.owner).interviews.transcript.get({ ...ws(), interviewId }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("imports onto a new private interview meeting named without the candidate, then reads it back", async () => {
    const imported = await as(w.hiring.interviewer).interviews.transcript.import({ ...ws(), interviewId, format: "text", content });
    meetingId = imported.meetingId;
    expect(imported.transcript).toMatchObject({ version: 1, status: "ready", segmentCount: 3 });
    const meeting = await db.meeting.findUnique({
      where: { id: meetingId },
      select: { title: true, visibility: true, isInterview: true, createdById: true },
    });
    expect(meeting).toEqual({
      title: `Interview: ${HIRING_POSITION} (${stage})`,
      visibility: "private",
      isInterview: true,
      createdById: w.hiring.interviewer.id,
    });
    expect((await as(w.owner).interviews.get({ ...ws(), interviewId })).meetingId).toBe(meetingId);
    // A second import is a new version on the same meeting.
    const again = await as(w.owner).interviews.transcript.import({ ...ws(), interviewId, format: "text", content });
    expect(again).toMatchObject({ meetingId, transcript: { version: 2 } });
    const page = await as(w.hiring.interviewer).interviews.transcript.get({ ...ws(), interviewId });
    expect(page).toMatchObject({ meetingId, transcript: { version: 2, segmentCount: 3 } });
    expect(page.segments.map((s) => s.speakerRole)).toEqual([{ kind: "unknown" }, { kind: "unknown" }, { kind: "unknown" }]);
    for (const user of [w.member, w.viewer]) {
      expect(await errorOf(as(user).interviews.transcript.get({ ...ws(), interviewId }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await errorOf(as(user).transcripts.get({ ...ws(), meetingId }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await errorOf(as(user).meetings.get({ ...ws(), meetingId }))).toMatchObject({ code: "NOT_FOUND" });
    }
    const audited = await db.auditEvent.count({ where: { targetId: interviewId, action: "interview.transcript_imported" } });
    expect(audited).toBe(2);
  });

  it("maps speakers to the candidate (one participant, made once) and to panelists, all or nothing", async () => {
    const me = as(w.hiring.interviewer);
    const mapped = await me.interviews.transcript.mapSpeakers({
      ...ws(),
      interviewId,
      speakers: [
        { label: "Candidate", candidate: true },
        { label: "Interviewer", memberId: w.hiring.interviewerMemberId },
      ],
    });
    expect(mapped).toMatchObject({ updatedSegments: 2, candidateParticipantId: expect.any(String) });
    const again = await me.interviews.transcript.mapSpeakers({ ...ws(), interviewId, speakers: [{ label: "Candidate", candidate: true }] });
    expect(again.candidateParticipantId).toBe(mapped.candidateParticipantId);
    expect(await db.meetingParticipant.findMany({ where: { meetingId, role: "candidate" }, select: { name: true } })).toEqual([
      { name: w.hiring.candidate.name },
    ]);
    const page = await me.interviews.transcript.get({ ...ws(), interviewId });
    expect(page.segments.map((s) => s.speakerRole)).toEqual([
      { kind: "interviewer", memberId: w.hiring.interviewerMemberId },
      { kind: "candidate" },
      { kind: "unknown" },
    ]);
    expect(page.segments[1]?.speaker).toMatchObject({ participantId: mapped.candidateParticipantId, name: w.hiring.candidate.name });

    // Bad mappings change nothing: a label not in the transcript, a member off the panel, a viewer, another workspace's member.
    await expectRefused(
      () =>
        me.interviews.transcript.mapSpeakers({
          ...ws(),
          interviewId,
          speakers: [
            { label: "Observer", candidate: true },
            { label: "Nobody", memberId: w.hiring.interviewerMemberId },
          ],
        }),
      "NOT_FOUND",
    );
    await expectRefused(
      () => me.interviews.transcript.mapSpeakers({ ...ws(), interviewId, speakers: [{ label: "Observer", memberId: w.memberIds.member }] }),
      "BAD_REQUEST",
    );
    await expectRefused(
      () =>
        me.interviews.transcript.mapSpeakers({
          ...ws(),
          interviewId,
          speakers: [{ label: "Observer", memberId: world.b.memberIds.member }],
        }),
      "NOT_FOUND",
    );
    await expectRefused(
      () =>
        me.interviews.transcript.mapSpeakers({
          ...ws(),
          interviewId,
          speakers: [
            { label: "Observer", candidate: true },
            { label: "Observer", candidate: true },
          ],
        }),
      "BAD_REQUEST",
    );
    await expectRefused(
      () => as(w.member).interviews.transcript.mapSpeakers({ ...ws(), interviewId, speakers: [{ label: "Observer", candidate: true }] }),
      "NOT_FOUND",
    );
    await expectRefused(
      () => as(w.viewer).interviews.transcript.mapSpeakers({ ...ws(), interviewId, speakers: [{ label: "Observer", candidate: true }] }),
      "FORBIDDEN",
    );
    // Another workspace's owner finds neither the transcript nor anything to map.
    const b = world.b;
    expect(await errorOf(as(b.owner).interviews.transcript.get({ workspaceId: b.workspaceId, interviewId }))).toMatchObject({
      code: "NOT_FOUND",
    });
    await expectRefused(
      () =>
        as(b.owner).interviews.transcript.mapSpeakers({
          workspaceId: b.workspaceId,
          interviewId,
          speakers: [{ label: "Observer", candidate: true }],
        }),
      "NOT_FOUND",
    );
    // No transcript yet: nothing to map.
    await expectRefused(
      () =>
        me.interviews.transcript.mapSpeakers({ ...ws(), interviewId: w.hiring.interview.id, speakers: [{ label: "A", candidate: true }] }),
      "NOT_FOUND",
    );
  });

  it("search and Ask Mind find it for the panel and managers, never for the member or viewer off the panel", async () => {
    const found = async (user: AuthUser) => {
      const hits = await as(user).search.transcripts({ ...ws(), query: "zorblatt pipeline" });
      return hits.items.some((hit) => hit.meetingId === meetingId);
    };
    expect(await found(w.hiring.interviewer)).toBe(true);
    expect(await found(w.owner)).toBe(true);
    expect(await found(manager)).toBe(true);
    expect(await found(w.member)).toBe(false);
    expect(await found(w.viewer)).toBe(false);

    const cites = async (user: AuthUser) => {
      const me = as(user);
      const session = await me.askMind.sessions.create({ ...ws(), scope: { kind: "workspace" } });
      const answer = await collect(
        await me.askMind.ask({ ...ws(), sessionId: session.id, question: "How was the zorblatt pipeline designed?" }),
      );
      return answer.citations.some((citation) => citation.meetingId === meetingId);
    };
    expect(await cites(w.hiring.interviewer)).toBe(true);
    expect(await cites(manager)).toBe(true);
    expect(await cites(w.member)).toBe(false);
    expect(await cites(w.viewer)).toBe(false);
  });

  it("imports a large file in the background onto the interview meeting", async () => {
    const big = await schedule({ stage: "screen" });
    const count = IMPORT_IN_REQUEST_MAX_SEGMENTS + 100;
    const lines = Array.from({ length: count }, (_, i) => `${i % 2 ? "Candidate" : "Interviewer"}: turn ${i}`).join("\n");
    const imported = await as(w.hiring.interviewer).interviews.transcript.import({
      ...ws(),
      interviewId: big.id,
      format: "text",
      content: lines,
    });
    expect(imported.transcript).toMatchObject({ status: "importing", segmentCount: count, importedSegments: 0 });
    expect(await errorOf(as(w.owner).interviews.transcript.get({ ...ws(), interviewId: big.id }))).toMatchObject({ code: "NOT_FOUND" });
    const worker = startJobWorker({
      db,
      log: silentLogger,
      handlers: createJobHandlers({ db, ai: services.ai, embeddings: null, log: silentLogger }),
      pollIntervalMs: 0,
      backoff: () => 0,
    });
    try {
      expect(await worker.runDue()).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
    const page = await as(w.owner).interviews.transcript.get({ ...ws(), interviewId: big.id, limit: 2 });
    expect(page).toMatchObject({ meetingId: imported.meetingId, transcript: { version: 1, segmentCount: count } });
  });
});

describe("mapping speakers while the meeting is let go", () => {
  it("maps nothing into a meeting unlinked between the checks and the transaction: NOT_FOUND, no candidate participant there", async () => {
    const interview = await schedule();
    const content = "Candidate: I rebuilt the ledger.\nInterviewer: How did it handle retries?";
    const imported = await as(w.owner).interviews.transcript.import({ ...ws(), interviewId: interview.id, format: "text", content });
    const meetingId = imported.meetingId;
    // Another request unlinks the meeting (committed) just before this one's transaction starts.
    const unlinked = () => db.interview.update({ where: { id: interview.id }, data: { meetingId: null } });
    const scope = interleavedScope(
      db,
      { workspaceId: w.workspaceId, userId: w.owner.id, memberId: w.memberIds.owner, role: "owner", grants: [] },
      unlinked,
    );
    await failureOf(
      mapInterviewSpeakers(scope, { interviewId: interview.id, speakers: [{ label: "Candidate", candidate: true }] }),
      NotFoundError,
    );
    expect(await db.meetingParticipant.count({ where: { meetingId, role: "candidate" } })).toBe(0);
  });
});
