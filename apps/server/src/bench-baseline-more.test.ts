// The bench's baseline (bench/http/baseline/queries-more.ts) must do MeetMind's work, no less: for
// transcripts.get, search.transcripts and actionItems.list it returns exactly what the procedure
// returns, NOT_FOUND included, on a workspace built through the real API (two transcript versions,
// pages followed by cursor, mapped speakers, an edited segment, filters, a deleted and a foreign meeting).
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCallerFactory, createContextInner, type AuthUser } from "@meetmind/api";
import { createTestServices } from "@meetmind/api/testing";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { actionItemsList, searchTranscripts, transcriptsGet } from "../bench/http/baseline/queries-more.js";
import { BaselineNotFound, type BaselineQuery, type BaselineScope } from "../bench/http/baseline/types.js";

let database: TestDatabase;
let services: Awaited<ReturnType<typeof createTestServices>>;
let pool: pg.Pool;
let caller: ReturnType<typeof createCaller>;
let scope: BaselineScope;
/** The workspace's meetings: m1 has two transcript versions (and a failed third), m3 is deleted, m4 has no transcript; foreign is another workspace's. */
const ids = { m1: "", m2: "", m3: "", m4: "", foreign: "", helper: "", foreignMember: "", done: "" };

const createCaller = createCallerFactory(appRouter);
const callerOf = (user: AuthUser) => createCaller(createContextInner({ db: database.db, services, user }));

async function createUser(label: string, fullName: string | null = label): Promise<AuthUser> {
  return database.db.user.create({
    data: { email: `${label}-${randomUUID().slice(0, 8)}@example.com`, fullName, emailVerifiedAt: new Date() },
    select: { id: true, email: true, isAdmin: true },
  });
}

const SENTENCES = [
  "We need to agree on the budget before Friday.",
  "The roadmap slips if the budget is cut again.",
  "I think the remote control should be simpler.",
  "Marketing wants the launch in March, not April.",
  'Let us not put <b>budget</b> & "quotes" in the minutes.',
  "The remote control prototype costs twelve euros.",
  "Nobody mentioned the office move.",
];
const LONG =
  "Looking at the numbers again, the budget for the second quarter covers the prototype and the user tests, " +
  "but not the trade fair in June, which is where most of our customers will see the product for the first time, " +
  "so either the fair goes or we find money elsewhere; the roadmap assumed the fair, and sales assumed the roadmap, " +
  "so this one decision moves everything else and we should take it this week, with the budget owner in the room.";

/** `count` plain-text lines, speakers taking turns (consecutive lines of one speaker would merge). */
function transcriptText(count: number, speakers: string[], offset = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = i % 37 === 5 ? LONG : (SENTENCES[(i + offset) % SENTENCES.length] ?? "");
    lines.push(`${speakers[i % speakers.length] ?? "Speaker"}: ${text}`);
  }
  return lines.join("\n");
}

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });

  const owner = await createUser("owner");
  caller = callerOf(owner);
  const { id: workspaceId } = await caller.workspaces.create({ name: "Baseline" });
  // No name: speakers and assignees mapped to this member are named by email.
  const helper = await createUser("helper", null);
  ids.helper = (await database.db.workspaceMember.create({ data: { workspaceId, userId: helper.id, role: "member" } })).id;
  const members = await caller.workspaces.members.list({ workspaceId });
  const ownerMember = members.items.find((member) => member.userId === owner.id);
  if (!ownerMember) throw new Error("no owner membership");
  scope = { workspaceId, userId: owner.id, memberId: ownerMember.memberId, role: "owner" };

  const meeting = async (title: string, scheduledStart?: Date) =>
    (await caller.meetings.create({ workspaceId, title, ...(scheduledStart ? { scheduledStart } : {}) })).id;
  ids.m1 = await meeting("Roadmap review", new Date("2025-01-10T09:00:00Z"));
  ids.m2 = await meeting("Budget sync", new Date("2025-02-01T09:00:00Z"));
  ids.m3 = await meeting("Old notes");
  ids.m4 = await meeting("No transcript yet");

  const speakers = ["Alice", "Bob", "Carol"];
  await caller.transcripts.import({ workspaceId, meetingId: ids.m1, format: "text", content: transcriptText(8, speakers), language: "en" });
  // Version 2, current: more segments than transcripts.get's default page (200).
  await caller.transcripts.import({ workspaceId, meetingId: ids.m1, format: "text", content: transcriptText(230, speakers, 3) });
  await caller.transcripts.speakers.assign({ workspaceId, meetingId: ids.m1, speakerLabel: "Alice", memberId: ids.helper });
  const guest = await caller.meetings.participants.add({ workspaceId, meetingId: ids.m1, name: "Bob Guest", email: "bob@example.org" });
  await caller.transcripts.speakers.assign({ workspaceId, meetingId: ids.m1, speakerLabel: "Bob", participantId: guest.id });
  // Version 3 failed to import (as a background import that gave up leaves it): listed, never served.
  await database.db.transcript.create({
    data: { workspaceId, meetingId: ids.m1, version: 3, isCurrent: false, status: "failed", segmentCount: 5000, failureReason: "Stopped" },
  });
  const current = await caller.transcripts.get({ workspaceId, meetingId: ids.m1, limit: 5 });
  const edited = current.segments[2];
  if (!edited) throw new Error("no segment to edit");
  await caller.transcripts.segments.update({ workspaceId, segmentId: edited.id, text: "Corrected: the budget is final." });

  await caller.transcripts.import({ workspaceId, meetingId: ids.m2, format: "text", content: transcriptText(12, ["Dana", "Dana Eve"], 1) });
  // A version stored before counts were recorded: both sides count its rows.
  await database.db.transcript.updateMany({ where: { meetingId: ids.m2 }, data: { segmentCount: null } });
  await caller.transcripts.import({ workspaceId, meetingId: ids.m3, format: "text", content: transcriptText(6, speakers) });

  const item = (fields: { meetingId?: string; assigneeId?: string; assigneeName?: string; dueDate?: string }, text: string) =>
    caller.actionItems.create({ workspaceId, text, ...fields });
  await item({ meetingId: ids.m1, assigneeId: ids.helper, dueDate: "2025-03-01" }, "Send the budget");
  await item({ meetingId: ids.m1, assigneeName: "Bob" }, "Book the fair");
  await item({ assigneeId: scope.memberId }, "Renew the licence");
  const done = await item({ meetingId: ids.m2 }, "Share the slides");
  ids.done = (await caller.actionItems.complete({ workspaceId, actionItemId: done.id })).id;
  await item({ meetingId: ids.m3 }, "Archive the notes");
  await item({}, "Order chairs");
  const alsoDone = await item({ meetingId: ids.m1, assigneeId: scope.memberId }, "Fix the roadmap");
  await caller.actionItems.complete({ workspaceId, actionItemId: alsoDone.id });
  await item({ meetingId: ids.m2, assigneeId: ids.helper, dueDate: "2025-02-15" }, "Call the supplier");
  await caller.meetings.delete({ workspaceId, meetingId: ids.m3 });

  // Another workspace, with a meeting, a transcript and a member of its own.
  const stranger = await createUser("stranger");
  const strangerCaller = callerOf(stranger);
  const { id: foreignWorkspace } = await strangerCaller.workspaces.create({ name: "Elsewhere" });
  ids.foreign = (await strangerCaller.meetings.create({ workspaceId: foreignWorkspace, title: "Their budget" })).id;
  await strangerCaller.transcripts.import({
    workspaceId: foreignWorkspace,
    meetingId: ids.foreign,
    format: "text",
    content: transcriptText(5, speakers),
  });
  const foreignMembers = await strangerCaller.workspaces.members.list({ workspaceId: foreignWorkspace });
  ids.foreignMember = foreignMembers.items[0]?.memberId ?? "";
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await services?.close();
  await database?.close();
});

type Outcome = { value: unknown } | { notFound: true };

/** A value, or NOT_FOUND (from either side); any other error fails the test. */
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    if (error instanceof BaselineNotFound || (error instanceof TRPCError && error.code === "NOT_FOUND")) return { notFound: true };
    throw error;
  }
}

/** Both answers to `input`, compared; returns MeetMind's (for the next page's cursor). */
async function same<T>(baseline: BaselineQuery, procedure: (input: never) => Promise<T>, input: Record<string, unknown>): Promise<Outcome> {
  const input_ = { workspaceId: scope.workspaceId, ...input };
  const expected = await outcome(() => procedure(input_ as never));
  const actual = await outcome(() => baseline(pool, scope, input_));
  expect(actual).toEqual(expected);
  return expected;
}

function valueOf<T>(result: Outcome): T {
  if (!("value" in result)) throw new Error("expected a value, got NOT_FOUND");
  return result.value as T;
}

describe("transcripts.get", () => {
  type Page = Awaited<ReturnType<typeof caller.transcripts.get>>;
  const get = (input: Record<string, unknown>) => same(transcriptsGet, caller.transcripts.get, input);

  it("answers the current version's pages, default size, followed by cursor", async () => {
    const first = valueOf<Page>(await get({ meetingId: ids.m1 }));
    expect(first.versions.map((v) => [v.version, v.status, v.isCurrent])).toEqual([
      [3, "failed", false],
      [2, "ready", true],
      [1, "ready", false],
    ]);
    expect(first.segments).toHaveLength(200);
    expect(first.segments.some((segment) => segment.speaker?.memberId === ids.helper && segment.speaker.name?.startsWith("helper-"))).toBe(
      true,
    );
    expect(first.segments.some((segment) => segment.speaker?.participantId && segment.speaker.name === "Bob Guest")).toBe(true);
    expect(first.segments.some((segment) => segment.editedAt instanceof Date && segment.originalText)).toBe(true);
    expect(first.nextCursor).toBe(199);
    const second = valueOf<Page>(await get({ meetingId: ids.m1, cursor: first.nextCursor }));
    expect(second.segments).toHaveLength(30);
    expect(second.nextCursor).toBeNull();
  });

  it("answers small pages, an older version, and a count from the rows", async () => {
    let cursor: number | null = null;
    for (let pages = 0; pages < 3; pages++) {
      const page: Page = valueOf<Page>(await get({ meetingId: ids.m1, limit: 7, ...(cursor === null ? {} : { cursor }) }));
      cursor = page.nextCursor;
      expect(cursor).not.toBeNull();
    }
    const old = valueOf<Page>(await get({ meetingId: ids.m1, version: 1, limit: 3, cursor: 2 }));
    expect(old.transcript).toMatchObject({ version: 1, language: "en", format: "text", segmentCount: 8 });
    await get({ meetingId: ids.m1, version: 1, limit: 5, cursor: 4 });
    const counted = valueOf<Page>(await get({ meetingId: ids.m2 }));
    expect(counted.transcript.segmentCount).toBe(12);
  });

  it("is NOT_FOUND on both sides for a missing version, no transcript, a deleted, foreign or unknown meeting", async () => {
    for (const input of [
      { meetingId: ids.m1, version: 3 },
      { meetingId: ids.m1, version: 4 },
      { meetingId: ids.m4 },
      { meetingId: ids.m3 },
      { meetingId: ids.foreign },
      { meetingId: randomUUID() },
    ]) {
      expect(await get(input)).toEqual({ notFound: true });
    }
  });
});

describe("search.transcripts", () => {
  type Page = Awaited<ReturnType<typeof caller.search.transcripts>>;
  const search = (input: Record<string, unknown>) => same(searchTranscripts, caller.search.transcripts, input);

  it("pages through a common word by cursor (ties broken by id), with snippets long and short", async () => {
    let cursor: string | null = null;
    const snippets: string[] = [];
    let pages = 0;
    do {
      const page: Page = valueOf<Page>(await search({ query: "budget", limit: 15, ...(cursor ? { cursor } : {}) }));
      snippets.push(...page.items.map((hit) => hit.snippet));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    expect(snippets.length).toBeGreaterThan(60);
    expect(snippets.some((snippet) => snippet.includes(" … "))).toBe(true);
    // ts_headline drops the <b> tags; what is left is escaped.
    expect(snippets.some((snippet) => snippet.includes("&amp; &quot;quotes&quot;"))).toBe(true);
    expect(valueOf<Page>(await search({ query: "budget" })).items).toHaveLength(20);
  });

  it("applies speaker, meeting, date filters and web-search syntax", async () => {
    for (const input of [
      { query: "budget", speaker: "  alice " },
      // "Dana Eve"'s segments have Dana's lexeme too: only the exact label comparison leaves them out.
      { query: "budget", speaker: "DANA" },
      { query: "budget", meetingIds: [ids.m2] },
      { query: "budget", meetingIds: [ids.m1, ids.m2, ids.m1], limit: 50 },
      { query: "budget", from: new Date("2025-01-15T00:00:00Z") },
      { query: "roadmap", to: new Date("2025-01-15T00:00:00Z"), limit: 5 },
      { query: '"remote control"' },
      { query: "budget -roadmap", limit: 10 },
      { query: "budget OR march" },
    ]) {
      const page = valueOf<Page>(await search(input));
      expect(page.items.length).toBeGreaterThan(0);
    }
  });

  it("answers an empty page for no match, stop words only, or an empty query", async () => {
    for (const input of [{ query: "zebra" }, { query: "the" }, { query: "   " }, { query: "", meetingIds: [ids.m1] }]) {
      expect(valueOf<Page>(await search(input))).toEqual({ items: [], nextCursor: null });
    }
  });

  it("is NOT_FOUND on both sides for a deleted, foreign or unknown meeting id", async () => {
    for (const meetingIds of [[ids.m3], [ids.m1, ids.foreign], [randomUUID()]]) {
      expect(await search({ query: "budget", meetingIds })).toEqual({ notFound: true });
      expect(await search({ query: "", meetingIds })).toEqual({ notFound: true });
    }
  });
});

describe("actionItems.list", () => {
  type Page = Awaited<ReturnType<typeof caller.actionItems.list>>;
  const list = (input: Record<string, unknown>) => same(actionItemsList, caller.actionItems.list, input);

  it("pages by cursor (items of the deleted meeting gone), with each filter and their combination", async () => {
    const all = valueOf<Page>(await list({}));
    expect(all.items).toHaveLength(7);
    expect(all.items.some((item) => item.assignee && item.dueDate instanceof Date)).toBe(true);
    let cursor: string | null = null;
    for (let pages = 0; pages < 3; pages++) {
      const page: Page = valueOf<Page>(await list({ limit: 3, ...(cursor ? { cursor } : {}) }));
      cursor = page.nextCursor;
    }
    expect(cursor).toBeNull();
    for (const input of [
      { status: "open" },
      { status: "done" },
      { meetingId: ids.m1 },
      { assigneeId: ids.helper },
      { meetingId: ids.m1, status: "open", limit: 1 },
      { meetingId: ids.m4 },
    ]) {
      await list(input);
    }
  });

  it("continues after a cursor row the filters leave out, skipping nothing; an unknown cursor is an empty page", async () => {
    const all = valueOf<Page>(await list({ status: "open" }));
    const page = valueOf<Page>(await list({ status: "open", cursor: ids.done }));
    expect(page.items.length).toBeGreaterThan(0);
    // Every open item older than the done one, from the first (Prisma's cursor skipped that one).
    expect(page.items.map((item) => item.id)).toEqual(all.items.map((item) => item.id).filter((id) => id < ids.done));
    expect(valueOf<Page>(await list({ cursor: randomUUID() }))).toEqual({ items: [], nextCursor: null });
  });

  it("is NOT_FOUND on both sides for a deleted, foreign or unknown meeting, or a foreign assignee", async () => {
    for (const input of [
      { meetingId: ids.m3 },
      { meetingId: ids.foreign },
      { meetingId: randomUUID() },
      { assigneeId: ids.foreignMember },
    ]) {
      expect(await list(input)).toEqual({ notFound: true });
    }
  });
});
