import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { TEST_QMSUM_DIR, listQmsumMeetings, qmsumSegments, readQmsumMeeting } from "../qmsum/corpus.js";
import type { AppServices } from "../ports.js";
import { insertMeetingFixture } from "../testing/meeting-fixtures.js";
import { codeOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import type { ParsedSegment } from "../transcripts/types.js";
import { createCallerFactory, createTRPCRouter } from "../trpc.js";
import { searchRouter } from "./router.js";
import type { SearchHit } from "./schemas.js";
import { snippetHtml, snippetPartsOf } from "./service.js";

// The search router on its own (root.ts mounts it at `search`), so this file does not depend on it.
const router = createTRPCRouter({ search: searchRouter });

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let a: WorkspaceWorld;
let b: WorkspaceWorld;
const meetings: Record<string, string> = {};

const as = (user: AuthUser) => createCallerFactory(router)(createContextInner({ db: database.db, services, user }));

const insertMeeting = insertMeetingFixture;

const seg = (speaker: string | null, text: string, index = 0): ParsedSegment => ({
  speaker,
  text,
  startMs: index * 1000,
  endMs: index * 1000 + 900,
});

async function search(
  input: { query: string; limit?: number; meetingIds?: string[]; from?: Date; to?: Date; speaker?: string; cursor?: string },
  user = a.viewer,
) {
  return as(user).search.transcripts({ workspaceId: a.workspaceId, ...input });
}

async function searchAll(input: { query: string; meetingIds?: string[]; from?: Date; to?: Date; speaker?: string }, limit = 50) {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = await search({ ...input, limit, ...(cursor ? { cursor } : {}) });
    hits.push(...page.items);
    if (!page.nextCursor) return hits;
    cursor = page.nextCursor;
  }
  throw new Error("too many pages");
}

async function textsOf(hits: SearchHit[]): Promise<string[]> {
  const rows = await database.db.transcriptSegment.findMany({
    where: { id: { in: hits.map((hit) => hit.segmentId) } },
    select: { id: true, text: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row.text]));
  return hits.map((hit) => byId.get(hit.segmentId) ?? "");
}

const plain = (hit: SearchHit) => hit.snippetParts.map((part) => part.text).join("");
const marked = (hit: SearchHit) => hit.snippetParts.filter((part) => part.highlighted).map((part) => part.text.toLowerCase());

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  a = await createWorkspaceWorld(database.db, "sa");
  b = await createWorkspaceWorld(database.db, "sb");
  const db = database.db;

  // Three real meetings: two AMI remote-control design meetings and an ICSI research meeting.
  const files = await listQmsumMeetings("train", TEST_QMSUM_DIR);
  const day = (n: number) => new Date(Date.UTC(2025, 0, n, 9));
  for (const [index, id] of ["ES2002a", "ES2002b", "Bed004"].entries()) {
    const file = files.find((path) => path.endsWith(`/${id}.json`));
    if (!file) throw new Error(`QMSum meeting ${id} missing`);
    const meeting = await readQmsumMeeting(file, "train");
    meetings[id] = await insertMeeting(db, a.workspaceId, {
      title: `QMSum ${id}`,
      scheduledStart: day(10 * (index + 1)),
      versions: [qmsumSegments(meeting)],
    });
  }

  // Hand-made meetings for exact expectations; "zebrafish" appears nowhere in QMSum.
  meetings.ranking = await insertMeeting(db, a.workspaceId, {
    title: "Ranking",
    scheduledStart: day(5),
    versions: [
      [
        seg("Alice", "zebrafish zebrafish zebrafish: the zebrafish tank needs zebrafish food", 0),
        seg("Bob", `${"we talked about many other things at length before and after lunch ".repeat(6)} and one zebrafish`, 1),
        seg("Carol", "a zebrafish budget", 2),
      ],
    ],
  });
  meetings.html = await insertMeeting(db, a.workspaceId, {
    title: "Escaping <b>",
    scheduledStart: day(6),
    versions: [[seg("Mallory", `if 5 < 6 & "quotes" then the narwhal > 3 \u0001fake\u0002 narwhal's 'tusk'`, 0)]],
  });
  // No scheduled start: filtered by its creation time instead.
  meetings.unscheduled = await insertMeeting(db, a.workspaceId, {
    title: "Unscheduled",
    scheduledStart: null,
    createdAt: new Date(Date.UTC(2024, 5, 1)),
    versions: [[seg("Dana", "the okapi committee met without a date", 0)]],
  });
  meetings.versions = await insertMeeting(db, a.workspaceId, {
    title: "Versioned",
    scheduledStart: day(7),
    versions: [[seg("Eve", "the axolotl draft mentions quokka", 0)], [seg("Eve", "the axolotl final text", 0)]],
  });
  meetings.deleted = await insertMeeting(db, a.workspaceId, {
    title: "Deleted",
    scheduledStart: day(8),
    deleted: true,
    versions: [[seg("Frank", "the axolotl in a deleted meeting", 0)]],
  });
  // Many identical rows: equal ranks everywhere, so only the id tiebreak orders them.
  meetings.ties = await insertMeeting(db, a.workspaceId, {
    title: "Ties",
    scheduledStart: day(9),
    versions: [
      Array.from({ length: 45 }, (_, i) =>
        seg(i % 3 === 0 ? "Grace" : "Heidi", i % 5 === 0 ? "capybara capybara notes" : "capybara notes", i),
      ),
    ],
  });
  // Workspace B: the same words; never visible from A.
  meetings.foreign = await insertMeeting(db, b.workspaceId, {
    title: "Foreign",
    scheduledStart: day(5),
    versions: [[seg("Mallory", "zebrafish axolotl capybara okapi narwhal remote control budget", 0)]],
  });
});

afterAll(async () => {
  await services.close();
  await database.close();
});

describe("search.transcripts", () => {
  it("finds QMSum turns about a topic, best first, with highlighted snippets", async () => {
    const page = await search({ query: "remote control", limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).not.toBeNull();
    const ranks = page.items.map((hit) => hit.rank);
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
    for (const [index, hit] of page.items.entries()) {
      expect([meetings.ES2002a, meetings.ES2002b]).toContain(hit.meetingId);
      expect(hit.meetingTitle).toMatch(/^QMSum ES2002[ab]$/);
      expect(hit.scheduledStart).toBeInstanceOf(Date);
      expect(hit.speakerLabel).toMatch(/Project Manager|Marketing|User Interface|Industrial Designer/);
      expect(hit.endMs).toBeGreaterThan(hit.startMs);
      // Both words are required (AND) and highlighted.
      const text = (await textsOf([hit]))[0] ?? "";
      expect(text).toMatch(/remote/i);
      expect(text).toMatch(/control/i);
      expect(marked(hit).some((word) => word.startsWith("remote"))).toBe(true);
      expect(hit.snippet).toContain("<mark>");
      if (index > 0) expect(hit.rank).toBeLessThanOrEqual(page.items[index - 1]?.rank ?? Infinity);
    }
  });

  it("ranks more (and denser) occurrences first and breaks ties by id", async () => {
    const hits = await searchAll({ query: "zebrafish" });
    expect(hits.map((hit) => hit.speakerLabel)).toEqual(["Alice", "Carol", "Bob"]);
    expect(hits[0]?.rank).toBeGreaterThan(hits[1]?.rank ?? Infinity);

    const ties = await searchAll({ query: "capybara notes" });
    expect(ties).toHaveLength(45);
    for (let i = 1; i < ties.length; i++) {
      const [prev, next] = [ties[i - 1], ties[i]];
      if (!prev || !next) continue;
      expect(prev.rank > next.rank || (prev.rank === next.rank && prev.segmentId < next.segmentId)).toBe(true);
    }
  });

  it("supports web-search syntax: quoted phrases, -exclusions and OR", async () => {
    const phrase = await searchAll({ query: '"user interface"' });
    const phraseTexts = await textsOf(phrase);
    expect(phrase.length).toBeGreaterThan(0);
    // Matches on the text (weight A) or the speaker label "User Interface" (weight B).
    for (const [index, hit] of phrase.entries()) {
      expect(/user interfaces?/i.test(phraseTexts[index] ?? "") || hit.speakerLabel === "User Interface").toBe(true);
    }
    const inText = phrase.filter((_, index) => /user interface/i.test(phraseTexts[index] ?? ""));
    expect(inText.length).toBeGreaterThan(0);
    expect(inText.length).toBeLessThan(phrase.length);

    const withControl = await searchAll({ query: "remote control" });
    const withoutControl = await searchAll({ query: "remote -control" });
    const remote = await searchAll({ query: "remote" });
    expect(withControl.length).toBeGreaterThan(0);
    expect(withoutControl.length).toBeGreaterThan(0);
    expect(withControl.length + withoutControl.length).toBe(remote.length);
    for (const text of await textsOf(withoutControl)) expect(text).not.toMatch(/\bcontrols?\b/i);

    const either = await searchAll({ query: "zebrafish OR okapi" });
    expect(new Set(either.map((hit) => hit.speakerLabel))).toEqual(new Set(["Alice", "Bob", "Carol", "Dana"]));
    const both = await searchAll({ query: "zebrafish okapi" });
    expect(both).toEqual([]);
  });

  it("returns HTML-escaped snippets whose only markup is <mark>", async () => {
    const [hit, ...rest] = (await search({ query: "narwhal" })).items;
    expect(rest).toEqual([]);
    if (!hit) throw new Error("no hit");
    expect(hit.snippet).toBe(
      "if 5 &lt; 6 &amp; &quot;quotes&quot; then the <mark>narwhal</mark> &gt; 3 fake <mark>narwhal</mark>&#39;s &#39;tusk&#39;",
    );
    expect(plain(hit)).toBe(`if 5 < 6 & "quotes" then the narwhal > 3 fake narwhal's 'tusk'`);
    expect(hit.snippetParts.filter((part) => part.highlighted)).toEqual([
      { text: "narwhal", highlighted: true },
      { text: "narwhal", highlighted: true },
    ]);
    // The helpers on their own, including a truncated mark.
    expect(snippetHtml(snippetPartsOf("a \u0001<b>\u0002 c \u0001d"))).toBe("a <mark>&lt;b&gt;</mark> c <mark>d</mark>");
  });

  it("filters by meeting, by meeting date (scheduled start, else creation) and by speaker", async () => {
    const inOne = await searchAll({ query: "remote", meetingIds: [meetings.ES2002b ?? ""] });
    expect(inOne.length).toBeGreaterThan(0);
    expect(new Set(inOne.map((hit) => hit.meetingId))).toEqual(new Set([meetings.ES2002b]));

    // ES2002a is on Jan 10, ES2002b on Jan 20: only the former is in [Jan 1, Jan 15].
    const early = await searchAll({ query: "remote", from: new Date(Date.UTC(2025, 0, 1)), to: new Date(Date.UTC(2025, 0, 15)) });
    expect(early.length).toBeGreaterThan(0);
    expect(new Set(early.map((hit) => hit.meetingId))).toEqual(new Set([meetings.ES2002a]));
    // Both bounds are inclusive.
    const exact = await searchAll({ query: "remote", from: new Date(Date.UTC(2025, 0, 20, 9)), to: new Date(Date.UTC(2025, 0, 20, 9)) });
    expect(new Set(exact.map((hit) => hit.meetingId))).toEqual(new Set([meetings.ES2002b]));
    // The unscheduled meeting is dated by its creation (June 2024).
    expect((await searchAll({ query: "okapi", to: new Date(Date.UTC(2024, 11, 31)) })).map((hit) => hit.meetingId)).toEqual([
      meetings.unscheduled,
    ]);
    expect(await searchAll({ query: "okapi", from: new Date(Date.UTC(2025, 0, 1)) })).toEqual([]);

    const pm = await searchAll({ query: "remote", speaker: "project manager" });
    expect(pm.length).toBeGreaterThan(0);
    expect(new Set(pm.map((hit) => hit.speakerLabel))).toEqual(new Set(["Project Manager"]));
    expect(await searchAll({ query: "remote", speaker: "Nobody" })).toEqual([]);

    const combined = await searchAll({ query: "capybara", speaker: "Grace", meetingIds: [meetings.ties ?? ""] });
    expect(combined).toHaveLength(15);
  });

  it("searches only current transcripts of live meetings", async () => {
    const hits = await searchAll({ query: "axolotl" });
    expect(hits.map((hit) => hit.meetingId)).toEqual([meetings.versions]);
    expect(plain(hits[0] ?? ({ snippetParts: [] } as unknown as SearchHit))).toContain("final");
    expect(await searchAll({ query: "quokka" })).toEqual([]); // only in the old version
    expect(await codeOf(search({ query: "axolotl", meetingIds: [meetings.deleted ?? ""] }))).toBe("NOT_FOUND");
  });

  it("never returns another workspace's segments, and refuses its meetings and non-members", async () => {
    for (const query of ["zebrafish", "narwhal", "capybara", "okapi axolotl"]) {
      for (const hit of await searchAll({ query })) expect(hit.meetingId).not.toBe(meetings.foreign);
    }
    const fromB = await as(b.owner).search.transcripts({ workspaceId: b.workspaceId, query: "zebrafish" });
    expect(fromB.items.map((hit) => hit.meetingId)).toEqual([meetings.foreign]);
    expect(await codeOf(as(b.owner).search.transcripts({ workspaceId: a.workspaceId, query: "zebrafish" }))).toBe("NOT_FOUND");
    expect(await codeOf(search({ query: "zebrafish", meetingIds: [meetings.foreign ?? ""] }))).toBe("NOT_FOUND");
    expect(await codeOf(search({ query: "zebrafish", meetingIds: [meetings.ranking ?? "", randomUUID()] }))).toBe("NOT_FOUND");
    const outsider = await createUser(database.db, "search-outsider");
    expect(await codeOf(as(outsider).search.transcripts({ workspaceId: a.workspaceId, query: "zebrafish" }))).toBe("NOT_FOUND");
  });

  it("paginates by cursor with no duplicates or omissions, and pages are stable", async () => {
    for (const query of ["remote control", "capybara", "yeah"]) {
      const everything = await searchAll({ query }, 50);
      const ids = everything.map((hit) => hit.segmentId);
      expect(new Set(ids).size).toBe(ids.length);
      const rows = await database.db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count
          FROM transcript_segments s
          JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
          JOIN meetings m ON m.id = s.meeting_id AND m.deleted_at IS NULL
         WHERE s.workspace_id = ${a.workspaceId}::uuid AND s.search_vector @@ websearch_to_tsquery('english', ${query})`;
      expect(ids.length).toBe(rows[0]?.count);
      // Small pages walk the same sequence.
      const small = await searchAll({ query }, 7);
      expect(small.map((hit) => hit.segmentId)).toEqual(ids);
      // The same cursor gives the same page.
      const first = await search({ query, limit: 7 });
      const second = await search({ query, limit: 7, cursor: first.nextCursor ?? "" });
      expect((await search({ query, limit: 7, cursor: first.nextCursor ?? "" })).items).toEqual(second.items);
    }
  });

  it("rejects cursors that are malformed or belong to another search", async () => {
    const first = await search({ query: "remote", limit: 5 });
    expect(first.nextCursor).not.toBeNull();
    expect(await codeOf(search({ query: "control", limit: 5, cursor: first.nextCursor ?? "" }))).toBe("BAD_REQUEST");
    expect(await codeOf(search({ query: "remote", speaker: "Marketing", limit: 5, cursor: first.nextCursor ?? "" }))).toBe("BAD_REQUEST");
    expect(await codeOf(search({ query: "remote", cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
    const forged = Buffer.from(JSON.stringify({ v: 1, r: "1; DROP TABLE meetings", i: randomUUID(), s: "x" })).toString("base64url");
    expect(await codeOf(search({ query: "remote", cursor: forged }))).toBe("BAD_REQUEST");
  });

  it("answers queries with nothing to search for with an empty page", async () => {
    for (const query of ["", "   ", "the", "and of the", "!!! ,,, ???", '""', "-remote", "-the", "OR", "<>&"]) {
      expect(await search({ query }), query).toEqual({ items: [], nextCursor: null });
    }
    expect((await search({ query: "the remote" })).items.length).toBeGreaterThan(0);
  });

  it("validates its input", async () => {
    const tooLong = as(a.viewer).search.transcripts({ workspaceId: a.workspaceId, query: "remote ".repeat(100) });
    await expect(tooLong).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(tooLong).rejects.toThrow(/at most 500 characters/);
    expect((await search({ query: `${"remote ".repeat(71)}` })).items.length).toBeGreaterThan(0); // 497 chars once trimmed
    expect(await codeOf(search({ query: "remote", limit: 51 }))).toBe("BAD_REQUEST");
    expect(await codeOf(search({ query: "remote", meetingIds: Array.from({ length: 51 }, () => randomUUID()) }))).toBe("BAD_REQUEST");
    expect(await codeOf(search({ query: "remote", meetingIds: ["nope"] }))).toBe("BAD_REQUEST");
    expect(await codeOf(search({ query: "remote", from: new Date(2025, 1, 1), to: new Date(2025, 0, 1) }))).toBe("BAD_REQUEST");
  });
});
