import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { insertMeetingFixture, turnsToSegments, type MeetingFixture } from "../testing/meeting-fixtures.js";
import { createWorkspaceWorld, viewerOf, type WorkspaceWorld } from "../testing/world.js";
import { findHits, retrieveWindows, type RetrievalScope, type RetrievedWindow } from "./retrieval.js";
import { contentWords, mainClause } from "./retrieval/question.js";
import { MAX_WINDOW_TURNS, rankWindows, type HitSet } from "./retrieval/ranking.js";

let database: TestDatabase;
let a: WorkspaceWorld;
let b: WorkspaceWorld;
const meetings: Record<string, string> = {};

type TurnsFixture = Omit<MeetingFixture, "versions"> & {
  /** Transcript versions (turns as [speaker, text]), oldest first; the last one is current. */
  versions: [string, string][][];
};

const insertMeeting = (db: Db, workspaceId: string, fixture: TurnsFixture) =>
  insertMeetingFixture(db, workspaceId, { ...fixture, versions: fixture.versions.map(turnsToSegments) });

/** `count` turns of small talk that share no word with the questions below. */
const smallTalk = (count: number, from = 0): [string, string][] =>
  Array.from(
    { length: count },
    (_, i) => ["Project Manager", `Okay, moving on to item ${from + i} of today's agenda.`] as [string, string],
  );

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 9));

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  a = await createWorkspaceWorld(db, "ra");
  b = await createWorkspaceWorld(db, "rb");

  meetings.design = await insertMeeting(db, a.workspaceId, {
    title: "Design review",
    scheduledStart: day(2025, 3, 10),
    tags: ["design"],
    participantMemberIds: [a.memberIds.member],
    versions: [
      [
        ...smallTalk(10),
        ["Industrial Designer", "The kinetic battery charges itself when the remote is shaken."],
        ["Marketing", "People hate replacing the battery of a remote control."],
        ["Industrial Designer", "So a kinetic battery it is, with a solar cell as a backup."],
        ...smallTalk(12, 13),
        ["User Interface", "The battery cover should be easy to open."],
        ...smallTalk(4, 26),
      ],
    ],
  });
  meetings.sales = await insertMeeting(db, a.workspaceId, {
    title: "Sales sync",
    scheduledStart: day(2025, 4, 10),
    tags: ["sales"],
    versions: [[...smallTalk(3), ["Marketing", "Customers ask whether the battery warranty covers two years."], ...smallTalk(3, 4)]],
  });
  // No scheduled start: its date is when it was created.
  meetings.unscheduled = await insertMeeting(db, a.workspaceId, {
    title: "Hallway chat",
    createdAt: day(2024, 6, 1),
    versions: [[["Dana", "Battery recycling bins are in the lobby."]]],
  });
  meetings.deleted = await insertMeeting(db, a.workspaceId, {
    title: "Deleted",
    scheduledStart: day(2025, 3, 11),
    deleted: true,
    versions: [[["Frank", "The quokka battery prototype exploded."]]],
  });
  meetings.versioned = await insertMeeting(db, a.workspaceId, {
    title: "Versioned",
    scheduledStart: day(2025, 5, 10),
    versions: [[["Eve", "The zeppelin battery draft."]], [["Eve", "The hangar battery final text."]]],
  });
  meetings.foreign = await insertMeeting(db, b.workspaceId, {
    title: "Foreign",
    scheduledStart: day(2025, 3, 10),
    versions: [[["Mallory", "The narwhal kinetic battery of the remote control, from workspace B."]]],
  });
});

afterAll(async () => {
  await database?.close();
});

type Scope = Omit<RetrievalScope, "viewer">;
/** Retrieval as the owner of `a` (or of `b`), who sees every meeting of these fixtures. */
const retrieve = (query: string, scope: Scope = {}, limit = 10, workspaceId = a.workspaceId) =>
  retrieveWindows(database.db, {
    workspaceId,
    query,
    scope: { viewer: viewerOf(workspaceId === a.workspaceId ? a : b, "owner"), ...scope },
    limit,
  });

const textOf = (windows: RetrievedWindow[]) => windows.flatMap((w) => w.segments.map((s) => s.text)).join(" ");
const meetingsOf = (windows: RetrievedWindow[]) => [...new Set(windows.map((w) => w.meetingId))].sort();

describe("contentWords", () => {
  it("keeps what the question is about, not how it is asked", () => {
    expect(contentWords("What did the group discuss about the remote control's battery?")).toEqual(["remote", "control", "battery"]);
    expect(contentWords("Summarize the discussion about the kinetic battery.")).toEqual(["kinetic", "battery"]);
    expect(contentWords("What did they say about it?")).toEqual([]);
    // Only [a-z0-9] survives, so nothing a user types can be tsquery syntax.
    expect(contentWords("battery & !remote | 'x' <-> y:*")).toEqual(["battery", "remote", "x", "y"]);
  });
});

describe("mainClause", () => {
  it("is what a question asks before the clause that sets its scene", () => {
    expect(mainClause("What did Marketing think of the battery when discussing the functional design?")).toBe(
      "What did Marketing think of the battery ",
    );
    expect(mainClause("Summarize the costs discussed during the presentation.")).toBe("Summarize the costs discussed ");
    expect(mainClause("What did the group decide about the battery?")).toBeNull();
    // Nothing asked before it: the whole question is what is asked.
    expect(mainClause("When was the battery discussed?")).toBeNull();
    expect(mainClause("What did they say when discussing the battery?")).toBeNull();
    // "when" that asks about what follows is not a scene.
    expect(mainClause("What happens when the battery dies?")).toBeNull();
    expect(mainClause("What did Marketing think when the team was talking over the case?")).toBe("What did Marketing think ");
  });
});

describe("retrieveWindows", () => {
  it("answers a natural question that an AND of all its words would not match", async () => {
    const question = "What did the group discuss about the kinetic battery of the remote?";
    const [anded] = await database.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM transcript_segments
       WHERE workspace_id = ${a.workspaceId}::uuid AND search_vector @@ websearch_to_tsquery('english', ${question})`;
    expect(anded?.n).toBe(0);

    const windows = await retrieve(question);
    expect(windows.length).toBeGreaterThan(0);
    const [best] = windows;
    expect(best?.meetingId).toBe(meetings.design);
    expect(best?.meetingTitle).toBe("Design review");
    // The three turns about the kinetic battery are in the best window, with context around them.
    const positions = best?.segments.map((s) => s.position) ?? [];
    expect(positions).toEqual(expect.arrayContaining([10, 11, 12]));
    expect(positions.length).toBeGreaterThan(3);
    expect(best?.segments.find((s) => s.position === 10)?.speakerLabel).toBe("Industrial Designer");
    // Best first.
    const scores = windows.map((w) => w.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it("returns windows of consecutive segments, in order, of one meeting, that do not overlap", async () => {
    const windows = await retrieve("battery remote kinetic warranty recycling");
    expect(windows.length).toBeGreaterThan(2);
    const seen = new Set<string>();
    for (const window of windows) {
      expect(window.segments.length).toBeGreaterThan(0);
      expect(window.segments.length).toBeLessThanOrEqual(MAX_WINDOW_TURNS);
      window.segments.forEach((segment, i) => {
        expect(segment.meetingId).toBe(window.meetingId);
        expect(segment.meetingTitle).toBe(window.meetingTitle);
        if (i > 0) expect(segment.position).toBe((window.segments[i - 1]?.position ?? NaN) + 1);
        expect(seen.has(segment.id)).toBe(false);
        seen.add(segment.id);
        expect(segment.endMs).toBeGreaterThan(segment.startMs);
      });
    }
  });

  it("honours the limit", async () => {
    expect(await retrieve("battery", {}, 1)).toHaveLength(1);
    expect((await retrieve("battery", {}, 2)).length).toBe(2);
    expect(await retrieve("battery", {}, 0)).toEqual([]);
  });

  it("scopes by meetings", async () => {
    const windows = await retrieve("What about the battery?", { meetingIds: [meetings.sales as string] });
    expect(meetingsOf(windows)).toEqual([meetings.sales]);
    expect(textOf(windows)).toContain("warranty");
    expect(await retrieve("What about the battery?", { meetingIds: [] })).toEqual([]);
    // A meeting of another workspace, or a deleted one, contributes nothing.
    expect(await retrieve("battery", { meetingIds: [meetings.foreign as string, meetings.deleted as string] })).toEqual([]);
  });

  it("scopes by date: the scheduled start, else the creation time", async () => {
    expect(meetingsOf(await retrieve("battery", { from: day(2025, 4, 1) }))).toEqual([meetings.sales, meetings.versioned].sort());
    expect(meetingsOf(await retrieve("battery", { from: day(2025, 4, 1), to: day(2025, 4, 30) }))).toEqual([meetings.sales]);
    expect(meetingsOf(await retrieve("battery", { to: day(2024, 12, 31) }))).toEqual([meetings.unscheduled]);
  });

  it("scopes by tag and by participant", async () => {
    expect(meetingsOf(await retrieve("battery", { tag: "design" }))).toEqual([meetings.design]);
    expect(meetingsOf(await retrieve("battery", { tag: "sales" }))).toEqual([meetings.sales]);
    expect(await retrieve("battery", { tag: "nope" })).toEqual([]);
    expect(meetingsOf(await retrieve("battery", { participantMemberId: a.memberIds.member }))).toEqual([meetings.design]);
    expect(await retrieve("battery", { participantMemberId: a.memberIds.viewer })).toEqual([]);
    // Scopes combine.
    expect(await retrieve("battery", { tag: "design", from: day(2025, 4, 1) })).toEqual([]);
  });

  it("keeps to the workspace", async () => {
    const fromA = await retrieve("narwhal kinetic battery remote control");
    expect(textOf(fromA)).not.toContain("narwhal");
    expect(meetingsOf(fromA)).not.toContain(meetings.foreign);
    expect(await retrieve("narwhal")).toEqual([]);
    const fromB = await retrieve("narwhal kinetic battery", {}, 10, b.workspaceId);
    expect(meetingsOf(fromB)).toEqual([meetings.foreign]);
  });

  it("skips soft-deleted meetings and transcript versions that are not current", async () => {
    expect(await retrieve("quokka")).toEqual([]);
    expect(await retrieve("zeppelin")).toEqual([]);
    const current = await retrieve("hangar");
    expect(meetingsOf(current)).toEqual([meetings.versioned]);
    expect(textOf(current)).toBe("The hangar battery final text.");
    // The versioned meeting's window holds only its current segment, never the draft's.
    const all = await retrieve("battery", { meetingIds: [meetings.versioned as string] });
    expect(textOf(all)).not.toContain("zeppelin");
  });

  it("returns [] for an empty question, one of only stop words, and one that matches nothing", async () => {
    expect(await retrieve("")).toEqual([]);
    expect(await retrieve("   ?! ")).toEqual([]);
    expect(await retrieve("What did they say about it?")).toEqual([]);
    expect(await retrieve("xylophone marimba")).toEqual([]);
  });
});

describe("findHits", () => {
  it("counts each word in the text and in the speaker label", async () => {
    const hits = await findHits(database.db, a.workspaceId, ["marketing", "battery"], {
      viewer: viewerOf(a, "owner"),
      meetingIds: [meetings.design as string],
    });
    expect(hits.terms).toEqual(["batteri", "market"]);
    expect(hits.total).toBe(30);
    const byPosition = new Map(hits.hits.map((hit) => [hit.position, hit]));
    expect(byPosition.get(11)).toMatchObject({ tf: [1, 0], speakerTf: [0, 1] });
    expect(byPosition.get(12)).toMatchObject({ tf: [1, 0], speakerTf: [0, 0] });
    expect([...byPosition.keys()].sort((x, y) => x - y)).toEqual([10, 11, 12, 25]);
    // Every word weighs 1 unless the question's main clause is given: then the others weigh less.
    expect(hits.weights).toEqual([1, 1]);
    const scene = await findHits(
      database.db,
      a.workspaceId,
      ["kinetic", "battery"],
      { viewer: viewerOf(a, "owner"), meetingIds: [meetings.design as string] },
      { mainWords: ["kinetic"], sceneWeight: 0.4 },
    );
    expect(scene.terms).toEqual(["batteri", "kinet"]);
    expect(scene.weights).toEqual([0.4, 1]);
  });

  it("in a broad scope, counts a broad word only where a narrower one matched", async () => {
    const narrow = await findHits(database.db, a.workspaceId, ["kinetic", "battery"], { viewer: viewerOf(a, "owner") });
    expect(narrow.minDf).toEqual([0, 0]);
    const broad = await findHits(
      database.db,
      a.workspaceId,
      ["kinetic", "battery"],
      { viewer: viewerOf(a, "owner") },
      { broadScopeSegments: 0, broadTermSegments: 3 },
    );
    // "battery" is in more than 3 segments: only the two "kinetic" turns are candidates.
    expect(broad.terms).toEqual(["batteri", "kinet"]);
    expect(broad.minDf).toEqual([3, 0]);
    expect(broad.hits.map((hit) => hit.position).sort()).toEqual([10, 12]);
    expect(broad.hits.every((hit) => hit.tf[0] === 1)).toBe(true);
    expect(narrow.hits.length).toBeGreaterThan(broad.hits.length);
    // Every word broad: the best-ranked segments are taken instead.
    const allBroad = await findHits(
      database.db,
      a.workspaceId,
      ["battery"],
      { viewer: viewerOf(a, "owner") },
      { broadScopeSegments: 0, broadTermSegments: 3 },
    );
    expect(allBroad.hits.length).toBe(narrow.hits.length);
  });
});

describe("rankWindows", () => {
  const hitSet = (hits: [string, number, number[]][], terms = ["kinet", "batteri"], total = 1000): HitSet => ({
    terms,
    total,
    minDf: terms.map(() => 0),
    hits: hits.map(([meetingId, position, tf]) => ({ meetingId, position, tf, speakerTf: tf.map(() => 0) })),
  });

  it("prefers a window covering several of the question's words to one repeating one", () => {
    const windows = rankWindows(
      hitSet([
        ["m1", 5, [0, 3]],
        ["m1", 6, [0, 2]],
        ["m2", 40, [1, 0]],
        ["m2", 41, [0, 1]],
      ]),
      2,
      { windowTurns: 5 },
    );
    expect(windows[0]).toMatchObject({ meetingId: "m2" });
    expect(windows[0]?.first).toBeLessThanOrEqual(40);
    expect(windows[0]?.last).toBeGreaterThanOrEqual(41);
    expect(windows[1]).toMatchObject({ meetingId: "m1" });
  });

  it("weighs the words of a question's scene-setting clause less", () => {
    // "kinet" (asked about) in m1, "batteri" (the scene) in m2: alike, m1 wins only by weight.
    const hits = hitSet([
      ["m1", 5, [1, 0]],
      ["m2", 40, [0, 1]],
    ]);
    expect(rankWindows({ ...hits, weights: [1, 0.5] }, 1, { windowTurns: 3 })[0]?.meetingId).toBe("m1");
    expect(rankWindows({ ...hits, weights: [0.5, 1] }, 1, { windowTurns: 3 })[0]?.meetingId).toBe("m2");
  });

  it("weighs rare words more than common ones", () => {
    const common = Array.from({ length: 30 }, (_, i): [string, number, number[]] => ["m1", 100 + i * 10, [0, 1]]);
    const windows = rankWindows(hitSet([...common, ["m2", 3, [1, 0]]]), 1, { windowTurns: 3 });
    expect(windows[0]?.meetingId).toBe("m2");
  });

  it("centres the window on its hits, never before the first turn", () => {
    const [window] = rankWindows(hitSet([["m1", 10, [1, 1]]]), 1, { windowTurns: 5 });
    expect(window).toMatchObject({ first: 8, last: 12 });
    const [start] = rankWindows(hitSet([["m1", 0, [1, 1]]]), 1, { windowTurns: 5 });
    expect(start?.first).toBe(0);
  });

  it("takes non-overlapping windows, merging those that touch, up to the limit", () => {
    const hits = hitSet(Array.from({ length: 12 }, (_, i): [string, number, number[]] => ["m1", i * 3, [1, 1]]));
    const windows = rankWindows(hits, 3, { windowTurns: 3, maxWindowTurns: 9 });
    expect(windows.length).toBe(3);
    for (const [i, x] of windows.entries()) {
      expect(x.last - x.first + 1).toBeLessThanOrEqual(9);
      for (const y of windows.slice(i + 1)) expect(x.last < y.first || y.last < x.first).toBe(true);
    }
    // Some windows were merged (three windows of 3 turns would cover 9 turns in all).
    expect(windows.reduce((sum, w) => sum + w.last - w.first + 1, 0)).toBeGreaterThan(9);
    expect(rankWindows(hits, 0)).toEqual([]);
    expect(rankWindows(hitSet([]), 5)).toEqual([]);
  });
});
