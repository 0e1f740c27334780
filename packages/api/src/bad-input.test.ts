// Input a client may send that the database cannot hold: NUL characters, dates outside what
// Postgres and JSON both round-trip, integers past int4, hostile nesting. Each answers BAD_REQUEST
// naming the field, writes nothing, and leaves the workspace readable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "./context.js";
import { appRouter } from "./app/router.js";
import type { AppServices } from "./ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "./testing/fingerprint.js";
import { createTestServices } from "./testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "./testing/world.js";
import { createCallerFactory } from "./trpc.js";
import { MAX_JSON_DEPTH } from "./transcripts/parsers/json.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  w = await createWorkspaceWorld(database.db, "bad");
  fingerprints = await databaseFingerprint(database.url);
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});

const callerOf = createCallerFactory(appRouter);
type Caller = ReturnType<typeof callerOf>;
const as = (user: AuthUser | null): Caller => callerOf(createContextInner({ db: database.db, services, user }));

interface Refusal {
  code: string | undefined;
  message: string;
  fieldErrors: Record<string, string[] | undefined>;
}

/** Runs a call that must be refused; returns how, and checks nothing was written. */
async function refused(call: (caller: Caller) => Promise<unknown>, user: AuthUser | null = w.owner): Promise<Refusal> {
  const before = await fingerprints.take();
  const outcome = await call(as(user)).then(
    async (value) => {
      // A streamed procedure fails when read, not when called.
      if (value && typeof value === "object" && Symbol.asyncIterator in value) for await (const _ of value as AsyncIterable<unknown>);
      return { ok: true as const };
    },
    (error: { code?: string; message: string; cause?: unknown }) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error("expected the call to be refused, but it succeeded");
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
  const cause = outcome.error.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of cause?.issues ?? []) (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
  return { code: outcome.error.code, message: outcome.error.message, fieldErrors };
}

const ws = () => ({ workspaceId: w.workspaceId });
const NUL = "a\u0000b";

describe("a NUL character in any text field is refused as BAD_REQUEST naming the field", () => {
  const cases: [string, string, (c: Caller) => Promise<unknown>, ("member" | "anonymous")?][] = [
    ["workspaces.create", "name", (c) => c.workspaces.create({ name: NUL })],
    ["workspaces.update", "name", (c) => c.workspaces.update({ ...ws(), name: NUL })],
    ["workspaces.update settings key", "settings", (c) => c.workspaces.update({ ...ws(), settings: { [NUL]: "x" } })],
    ["groups.create", "name", (c) => c.groups.create({ ...ws(), name: NUL })],
    ["groups.update description", "description", (c) => c.groups.update({ ...ws(), groupId: w.group.id, description: NUL })],
    ["users.updateProfile", "fullName", (c) => c.users.updateProfile({ fullName: NUL })],
    ["meetings.create", "title", (c) => c.meetings.create({ ...ws(), title: NUL })],
    ["meetings.update", "description", (c) => c.meetings.update({ ...ws(), meetingId: w.meeting.id, description: NUL })],
    ["meetings.update tags", "tags", (c) => c.meetings.update({ ...ws(), meetingId: w.meeting.id, tags: [NUL] })],
    ["meetings.list", "query", (c) => c.meetings.list({ ...ws(), query: NUL })],
    ["meetings.participants.add", "name", (c) => c.meetings.participants.add({ ...ws(), meetingId: w.meeting.id, name: NUL })],
    ["meetings.comments.create", "body", (c) => c.meetings.comments.create({ ...ws(), meetingId: w.meeting.id, body: NUL })],
    ["meetings.comments.update", "body", (c) => c.meetings.comments.update({ ...ws(), commentId: w.comment.id, body: NUL }), "member"],
    [
      "transcripts.import",
      "content",
      (c) => c.transcripts.import({ ...ws(), meetingId: w.meeting.id, format: "text", content: `Ann: ${NUL}` }),
    ],
    ["transcripts.segments.update", "text", (c) => c.transcripts.segments.update({ ...ws(), segmentId: w.segment.id, text: NUL })],
    [
      "transcripts.speakers.assign",
      "speakerLabel",
      (c) => c.transcripts.speakers.assign({ ...ws(), meetingId: w.meeting.id, speakerLabel: NUL, memberId: w.memberIds.member }),
    ],
    ["actionItems.create", "text", (c) => c.actionItems.create({ ...ws(), text: NUL })],
    ["actionItems.update", "assigneeName", (c) => c.actionItems.update({ ...ws(), actionItemId: w.actionItem.id, assigneeName: NUL })],
    ["search.transcripts", "query", (c) => c.search.transcripts({ ...ws(), query: NUL })],
    [
      "askMind.sessions.create",
      "title",
      (c) => c.askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: w.meeting.id }, title: NUL }),
    ],
    ["askMind.sessions.rename", "title", (c) => c.askMind.sessions.rename({ ...ws(), sessionId: w.askSession.id, title: NUL }), "member"],
    ["askMind.ask", "question", (c) => c.askMind.ask({ ...ws(), sessionId: w.askSession.id, question: NUL }), "member"],
    ["askMind.suggestedPrompts.upsert", "text", (c) => c.askMind.suggestedPrompts.upsert({ ...ws(), text: `ask ${NUL}` })],
    ["settings.ai.update", "model", (c) => c.settings.ai.update({ ...ws(), model: NUL })],
    [
      "settings.ai.testConnection",
      "apiKey",
      (c) => c.settings.ai.testConnection({ ...ws(), baseUrl: "http://127.0.0.1:9/v1", apiKey: NUL }),
    ],
    [
      "settings.prompts.update",
      "text",
      (c) => c.settings.prompts.update({ ...ws(), kind: "askMind", text: `Cite {{citationFormat}} and ${NUL} nothing else.` }),
    ],
    ["apiKeys.create", "name", (c) => c.apiKeys.create({ ...ws(), name: NUL, scopes: ["read"] })],
    [
      "auth.signup",
      "fullName",
      (c) => c.auth.signup({ email: "nul@example.com", password: "Correct-Horse-9-battery", fullName: NUL }),
      "anonymous",
    ],
    ["auth.login", "password", (c) => c.auth.login({ email: w.member.email, password: NUL }), "anonymous"],
    [
      "meetings.shareLinks.create",
      "password",
      (c) => c.meetings.shareLinks.create({ ...ws(), meetingId: w.meeting.id, password: `secret-${NUL}` }),
    ],
    ["shareLinks.open", "password", (c) => c.shareLinks.open({ token: w.shareLink.token, password: NUL }), "anonymous"],
  ];
  for (const [name, field, call, user] of cases) {
    it(name, async () => {
      const refusal = await refused(call, user === "anonymous" ? null : user === "member" ? w.member : w.owner);
      expect(refusal.code).toBe("BAD_REQUEST");
      expect(refusal.fieldErrors[field]?.join(" ")).toMatch(/NUL/);
      expect(refusal.message).toContain(field);
    });
  }

  it("nesting deeper than any input needs is refused before it is walked", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const refusal = await refused((c) => c.workspaces.update({ ...ws(), settings: { nested: deep as string } }));
    expect(refusal.code).toBe("BAD_REQUEST");
  });
});

describe("dates outside 1970–9999 are refused, and a workspace stays listable", () => {
  const year10000 = new Date("+010000-01-01T00:00:00.000Z");
  const before1970 = new Date("1969-12-31T23:59:59.000Z");
  const cases: [string, string, (c: Caller) => Promise<unknown>][] = [
    ["meetings.create scheduledStart", "scheduledStart", (c) => c.meetings.create({ ...ws(), title: "Far", scheduledStart: year10000 })],
    ["meetings.create actualEnd", "actualEnd", (c) => c.meetings.create({ ...ws(), title: "Far", actualEnd: year10000 })],
    [
      "meetings.update scheduledEnd",
      "scheduledEnd",
      (c) => c.meetings.update({ ...ws(), meetingId: w.meeting.id, scheduledEnd: year10000 }),
    ],
    ["meetings.update actualStart", "actualStart", (c) => c.meetings.update({ ...ws(), meetingId: w.meeting.id, actualStart: before1970 })],
    ["meetings.list from", "from", (c) => c.meetings.list({ ...ws(), from: new Date(-8.64e15) })],
    ["meetings.list to", "to", (c) => c.meetings.list({ ...ws(), to: new Date(8.64e15) })],
    ["search.transcripts from", "from", (c) => c.search.transcripts({ ...ws(), query: "budget", from: year10000 })],
    ["search.transcripts to", "to", (c) => c.search.transcripts({ ...ws(), query: "budget", to: before1970 })],
    [
      "askMind.sessions.create scope.to",
      "scope",
      (c) => c.askMind.sessions.create({ ...ws(), scope: { kind: "workspace", to: year10000 } }),
    ],
    ["actionItems.create dueDate", "dueDate", (c) => c.actionItems.create({ ...ws(), text: "Later", dueDate: "0001-01-01" })],
    [
      "actionItems.update dueDate",
      "dueDate",
      (c) => c.actionItems.update({ ...ws(), actionItemId: w.actionItem.id, dueDate: "1969-07-20" }),
    ],
    ["apiKeys.create expiresAt", "expiresAt", (c) => c.apiKeys.create({ ...ws(), name: "Far", scopes: ["read"], expiresAt: year10000 })],
    ["an invalid Date", "scheduledStart", (c) => c.meetings.create({ ...ws(), title: "Never", scheduledStart: new Date(Number.NaN) })],
    [
      "meetings.shareLinks.create expiresAt",
      "expiresAt",
      (c) => c.meetings.shareLinks.create({ ...ws(), meetingId: w.meeting.id, expiresAt: year10000 }),
    ],
  ];
  for (const [name, field, call] of cases) {
    it(name, async () => {
      const refusal = await refused(call);
      expect(refusal.code).toBe("BAD_REQUEST");
      expect(Object.keys(refusal.fieldErrors)).toContain(field);
    });
  }

  it("accepts the bounds themselves, and lists the meetings dated on them", async () => {
    const first = await as(w.owner).meetings.create({ ...ws(), title: "Epoch", scheduledStart: new Date("1970-01-01T00:00:00.000Z") });
    const last = await as(w.owner).meetings.create({ ...ws(), title: "Last day", scheduledStart: new Date("9999-12-31T23:59:59.999Z") });
    const page = await as(w.owner).meetings.list({ ...ws(), limit: 100 });
    expect(page.items.map((m) => m.id)).toEqual(expect.arrayContaining([first.id, last.id]));
    expect(page.items.find((m) => m.id === last.id)?.scheduledStart?.toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });
});

describe("integers past what their columns hold are refused", () => {
  const int4Overflow = 2_147_483_648;
  it("transcripts.get version and cursor", async () => {
    for (const input of [{ version: int4Overflow }, { cursor: int4Overflow }, { version: Number.MAX_SAFE_INTEGER }]) {
      const refusal = await refused((c) => c.transcripts.get({ ...ws(), meetingId: w.meeting.id, ...input }));
      expect(refusal).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { [Object.keys(input)[0] ?? ""]: [expect.any(String)] } });
    }
  });

  it("meetings.summary.get version", async () => {
    const refusal = await refused((c) => c.meetings.summary.get({ ...ws(), meetingId: w.meeting.id, version: int4Overflow }));
    expect(refusal).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { version: [expect.any(String)] } });
  });

  it("the largest int4 is a valid (absent) version, not an error", async () => {
    const refusal = await refused((c) => c.transcripts.get({ ...ws(), meetingId: w.meeting.id, version: int4Overflow - 1 }));
    expect(refusal.code).toBe("NOT_FOUND");
  });
});

describe("a JSON transcript nested deeper than a transcript can be", () => {
  it("is refused with its line and column, not a stack overflow", async () => {
    const depth = 200_000;
    const content = `{\n  "segments": ${"[".repeat(depth)}${"]".repeat(depth)}\n}`;
    const refusal = await refused((c) => c.transcripts.import({ ...ws(), meetingId: w.meeting.id, format: "json", content }));
    expect(refusal.code).toBe("BAD_REQUEST");
    // The bracket that goes one level too deep: the document's brace is level 1.
    expect(refusal.message).toBe(`Line 2, column ${15 + MAX_JSON_DEPTH - 1}: nested more than ${MAX_JSON_DEPTH} levels deep`);
  });

  it("still accepts brackets inside strings", async () => {
    const content = JSON.stringify({ segments: [{ speaker: "Ann", start_ms: 0, end_ms: 1000, text: "[".repeat(MAX_JSON_DEPTH * 2) }] });
    const meeting = await as(w.owner).meetings.create({ ...ws(), title: "Brackets" });
    const imported = await as(w.owner).transcripts.import({ ...ws(), meetingId: meeting.id, format: "json", content });
    expect(imported.segmentCount).toBe(1);
  });
});
