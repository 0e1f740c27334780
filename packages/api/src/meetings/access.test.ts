// Meeting visibility and grants, through the procedures a client calls: one rule
// (tenancy/meeting-access.ts) decides what every read path returns. A meeting one may not see is
// NOT_FOUND and never appears in a list, a search, an action item list or an Ask Mind answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, WorkspaceRole } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { NOTHING_FOUND } from "../askmind/answer.js";
import type { AskEvent, MessageOutput } from "../askmind/schemas.js";
import { WITHHELD_ANSWER } from "../askmind/service.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let w: WorkspaceWorld;
let other: WorkspaceWorld;
/** Members of w with no relation to the private meeting unless a test gives them one. */
const people = {} as Record<"alice" | "bob" | "carol" | "dave" | "vic", AuthUser & { memberId: string }>;
let boardId: string;

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

async function addMember(label: string, role: WorkspaceRole) {
  const user = await createUser(db, label);
  const member = await db.workspaceMember.create({ data: { workspaceId: w.workspaceId, userId: user.id, role }, select: { id: true } });
  return { ...user, memberId: member.id };
}

async function collect(stream: AsyncIterable<AskEvent>): Promise<MessageOutput> {
  let final: MessageOutput | undefined;
  for await (const event of stream) if (event.type === "final") final = event.message;
  if (!final) throw new Error("no final message");
  return final;
}

/** Asks a question in a new workspace-wide session and returns the stored answer. */
async function askWorkspace(user: AuthUser, question: string) {
  const me = as(user);
  const session = await me.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "workspace" } });
  const answer = await collect(await me.askMind.ask({ workspaceId: w.workspaceId, sessionId: session.id, question }));
  return { session, answer };
}

const ws = () => ({ workspaceId: w.workspaceId });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  w = await createWorkspaceWorld(db, "acc");
  other = await createWorkspaceWorld(db, "acc-other");
  people.alice = await addMember("alice", "member");
  people.bob = await addMember("bob", "member");
  people.carol = await addMember("carol", "member");
  people.dave = await addMember("dave", "member");
  people.vic = await addMember("vic", "viewer");

  // Alice's private board meeting holds the only mention of "zephyr" in the workspace.
  const alice = as(people.alice);
  const board = await alice.meetings.create({ ...ws(), title: "Board: the Zephyr acquisition", visibility: "private" });
  boardId = board.id;
  await alice.transcripts.import({
    ...ws(),
    meetingId: boardId,
    format: "text",
    content: "Alice: The zephyr acquisition price is ninety million dollars.\nBen: The zephyr board approved it on Monday.",
  });
  await alice.actionItems.create({ ...ws(), meetingId: boardId, text: "Wire the zephyr deposit" });
});
afterAll(async () => {
  await services?.close();
  await database?.close();
});

/** What `user` can reach of the board meeting, through every kind of read. */
async function reach(user: AuthUser) {
  const me = as(user);
  const [get, transcript, comments, summary, access, participants, links, list, items, search] = await Promise.all([
    errorOf(me.meetings.get({ ...ws(), meetingId: boardId })),
    errorOf(me.transcripts.get({ ...ws(), meetingId: boardId })),
    errorOf(me.meetings.comments.list({ ...ws(), meetingId: boardId })),
    errorOf(me.meetings.summary.get({ ...ws(), meetingId: boardId })),
    errorOf(me.meetings.access.get({ ...ws(), meetingId: boardId })),
    errorOf(me.meetings.participants.list({ ...ws(), meetingId: boardId })),
    errorOf(me.meetings.shareLinks.list({ ...ws(), meetingId: boardId })),
    me.meetings.list({ ...ws(), limit: 100 }),
    me.actionItems.list({ ...ws(), limit: 100 }),
    me.search.transcripts({ ...ws(), query: "zephyr" }),
  ]);
  const direct = [get, transcript, comments, summary, access, participants, links].map((error) => error?.code ?? "OK");
  return {
    // Every direct read agrees: all OK or all NOT_FOUND.
    direct: new Set(direct).size === 1 ? direct[0] : direct.join(","),
    listed: list.items.some((meeting) => meeting.id === boardId),
    itemListed: items.items.some((item) => item.meetingId === boardId),
    searched: search.items.some((hit) => hit.meetingId === boardId),
  };
}
const hidden = { direct: "NOT_FOUND", listed: false, itemListed: false, searched: false };
const shown = { direct: "OK", listed: true, itemListed: true, searched: true };

describe("meeting visibility", () => {
  it("private: the owner and grantees see it; no one else, not even workspace admins and owners", async () => {
    expect(await reach(people.alice)).toEqual(shown);
    for (const user of [people.bob, w.admin, w.owner, w.member, people.vic]) expect(await reach(user)).toEqual(hidden);
    // The owner's own view says what they may do.
    const mine = await as(people.alice).meetings.get({ ...ws(), meetingId: boardId });
    expect(mine).toMatchObject({ visibility: "private", access: "edit" });
  });

  it("grants give view, comment or edit; revoking takes it back at once", async () => {
    const alice = as(people.alice);
    const bob = as(people.bob);
    let access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "view" });
    expect(access.grants).toEqual([
      expect.objectContaining({ level: "view", member: expect.objectContaining({ memberId: people.bob.memberId }), group: null }),
    ]);
    expect(await reach(people.bob)).toEqual(shown);
    expect(await bob.meetings.get({ ...ws(), meetingId: boardId })).toMatchObject({ access: "view" });
    // View only: commenting and editing are refused, and say why.
    expect(await errorOf(bob.meetings.comments.create({ ...ws(), meetingId: boardId, body: "Hm" }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_access",
    });
    expect(await errorOf(bob.meetings.update({ ...ws(), meetingId: boardId, title: "Mine" }))).toMatchObject({ code: "FORBIDDEN" });

    // Granting again changes the level of the same grant.
    access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "comment" });
    expect(access.grants).toHaveLength(1);
    await bob.meetings.comments.create({ ...ws(), meetingId: boardId, body: "Good price" });
    expect(await errorOf(bob.meetings.update({ ...ws(), meetingId: boardId, title: "Mine" }))).toMatchObject({ code: "FORBIDDEN" });

    access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "edit" });
    await bob.meetings.update({ ...ws(), meetingId: boardId, description: "Edited by Bob" });
    // Edit is not manage: only the owner or a workspace admin changes who sees the meeting.
    expect(await errorOf(bob.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "workspace" }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_access",
    });
    expect(await bob.meetings.access.get({ ...ws(), meetingId: boardId })).toMatchObject({ access: "edit", canManage: false });

    const grantId = access.grants[0]?.id ?? "";
    await alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId });
    expect(await reach(people.bob)).toEqual(hidden);
    // Bob's comment stays on the meeting, out of his sight.
    expect(await db.meetingComment.count({ where: { meetingId: boardId, body: "Good price" } })).toBe(1);
    const audited = await db.auditEvent.findMany({ where: { targetId: boardId }, select: { action: true } });
    expect(audited.map((event) => event.action)).toEqual([
      "meeting.access_granted",
      "meeting.access_granted",
      "meeting.access_granted",
      "meeting.access_revoked",
    ]);
  });

  it("a viewer-role member reads at most, whatever the grant says", async () => {
    const alice = as(people.alice);
    const access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.vic.memberId, level: "edit" });
    const vic = as(people.vic);
    expect(await reach(people.vic)).toEqual(shown);
    expect(await vic.meetings.get({ ...ws(), meetingId: boardId })).toMatchObject({ access: "view" });
    // The role refuses before the meeting is looked at.
    expect(await errorOf(vic.meetings.comments.create({ ...ws(), meetingId: boardId, body: "Hi" }))).toMatchObject({ code: "FORBIDDEN" });
    await alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: access.grants[0]?.id ?? "" });
    expect(await reach(people.vic)).toEqual(hidden);
  });

  it("participants: its participants who are members see it, and stop when removed", async () => {
    const alice = as(people.alice);
    await alice.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "participants" });
    const participant = await alice.meetings.participants.add({ ...ws(), meetingId: boardId, memberId: people.carol.memberId });
    expect(await reach(people.carol)).toEqual(shown);
    expect(await as(people.carol).meetings.get({ ...ws(), meetingId: boardId })).toMatchObject({ access: "edit" });
    expect(await reach(people.bob)).toEqual(hidden);
    await alice.meetings.participants.remove({ ...ws(), meetingId: boardId, participantId: participant.id });
    expect(await reach(people.carol)).toEqual(hidden);
    await alice.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "private" });
  });

  it("a grant to a group follows the group's membership at once", async () => {
    const admin = as(w.admin);
    const group = await admin.groups.create({ ...ws(), name: "Board members" });
    const alice = as(people.alice);
    const access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, groupId: group.id, level: "view" });
    expect(access.grants).toEqual([expect.objectContaining({ member: null, group: { groupId: group.id, name: "Board members" } })]);
    expect(await reach(people.dave)).toEqual(hidden);
    await admin.groups.members.add({ ...ws(), groupId: group.id, memberIds: [people.dave.memberId] });
    expect(await reach(people.dave)).toEqual(shown);
    await admin.groups.members.remove({ ...ws(), groupId: group.id, memberId: people.dave.memberId });
    expect(await reach(people.dave)).toEqual(hidden);
    await admin.groups.members.add({ ...ws(), groupId: group.id, memberIds: [people.dave.memberId] });
    expect(await reach(people.dave)).toEqual(shown);
    // Deleting the group deletes its grants.
    await admin.groups.delete({ ...ws(), groupId: group.id });
    expect(await reach(people.dave)).toEqual(hidden);
    expect(await db.meetingGrant.count({ where: { meetingId: boardId } })).toBe(0);
  });

  it("workspace admins manage the access of meetings they can see, and workspace meetings stay open to all", async () => {
    const member = as(w.member);
    const open = await member.meetings.create({ ...ws(), title: "All hands" });
    expect(open).toMatchObject({ visibility: "workspace", access: "edit" });
    for (const user of [people.bob, people.vic, w.admin]) {
      expect((await as(user).meetings.get({ ...ws(), meetingId: open.id })).id).toBe(open.id);
    }
    // An admin can make someone else's meeting private: then it is the owner's (and the admin loses it).
    const admin = as(w.admin);
    expect(await admin.meetings.access.get({ ...ws(), meetingId: open.id })).toMatchObject({ canManage: true, access: "edit" });
    const given = await admin.meetings.access.setVisibility({ ...ws(), meetingId: open.id, visibility: "private" });
    expect(given).toMatchObject({ visibility: "private", access: null, canManage: false });
    expect(await errorOf(admin.meetings.get({ ...ws(), meetingId: open.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await member.meetings.get({ ...ws(), meetingId: open.id })).toMatchObject({ visibility: "private" });
    // A plain member who does not own it cannot manage it even while it is open.
    await member.meetings.access.setVisibility({ ...ws(), meetingId: open.id, visibility: "workspace" });
    expect(await errorOf(as(people.bob).meetings.access.setVisibility({ ...ws(), meetingId: open.id, visibility: "private" }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_access",
    });
  });

  it("only managers widen access: edit grantees cannot share outside or add member participants; admins cannot join groups themselves", async () => {
    const alice = as(people.alice);
    const access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "edit" });
    const bob = as(people.bob);
    expect(await errorOf(bob.meetings.shareLinks.create({ ...ws(), meetingId: boardId }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_access",
    });
    await alice.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "participants" });
    expect(await errorOf(bob.meetings.participants.add({ ...ws(), meetingId: boardId, memberId: people.carol.memberId }))).toEqual({
      code: "FORBIDDEN",
      appCode: "insufficient_access",
    });
    // A guest gives no one access: an editor may add one.
    await bob.meetings.participants.add({ ...ws(), meetingId: boardId, name: "Outside counsel" });
    await alice.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "private" });
    await alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: access.grants[0]?.id ?? "" });
    expect(await reach(people.bob)).toEqual(hidden);

    // A workspace admin manages groups, but joining one would hand them its grants.
    const admin = as(w.admin);
    const group = await admin.groups.create({ ...ws(), name: "Acquisition team" });
    await alice.meetings.access.grant({ ...ws(), meetingId: boardId, groupId: group.id, level: "view" });
    expect(await errorOf(admin.groups.members.add({ ...ws(), groupId: group.id, memberIds: [w.memberIds.admin] }))).toEqual({
      code: "BAD_REQUEST",
      appCode: "cannot_target_self",
    });
    expect(await reach(w.admin)).toEqual(hidden);
    await admin.groups.delete({ ...ws(), groupId: group.id });
  });

  it("a share link opens only while its creator still manages the meeting", async () => {
    const member = as(w.member);
    const admin = as(w.admin);
    const meeting = await member.meetings.create({ ...ws(), title: "Town hall" });
    const link = await admin.meetings.shareLinks.create({ ...ws(), meetingId: meeting.id });
    const visitor = as(w.viewer);
    expect((await visitor.shareLinks.open({ token: link.token })).meeting.title).toBe("Town hall");
    // The owner makes it private: the admin no longer manages it, and their link stops opening.
    await member.meetings.access.setVisibility({ ...ws(), meetingId: meeting.id, visibility: "private" });
    expect(await errorOf(visitor.shareLinks.open({ token: link.token }))).toMatchObject({ code: "NOT_FOUND" });
    await member.meetings.access.setVisibility({ ...ws(), meetingId: meeting.id, visibility: "workspace" });
    expect((await visitor.shareLinks.open({ token: link.token })).meeting.title).toBe("Town hall");
  });

  it("refuses bad input clearly and writes nothing", async () => {
    const alice = as(people.alice);
    const before = {
      grants: await db.meetingGrant.count(),
      visibility: (await db.meeting.findUniqueOrThrow({ where: { id: boardId }, select: { visibility: true } })).visibility,
    };
    const bad: [string, () => Promise<unknown>][] = [
      ["unknown visibility", () => alice.meetings.access.setVisibility({ ...ws(), meetingId: boardId, visibility: "secret" as never })],
      [
        "unknown level",
        () => alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "owner" as never }),
      ],
      [
        "member and group at once",
        () =>
          alice.meetings.access.grant({
            ...ws(),
            meetingId: boardId,
            memberId: people.bob.memberId,
            groupId: w.group.id,
            level: "view",
          } as never),
      ],
      ["no grantee", () => alice.meetings.access.grant({ ...ws(), meetingId: boardId, level: "view" } as never)],
      ["not a uuid", () => alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: "bob", level: "view" })],
      ["revoke: not a uuid", () => alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: "1" })],
      ["create: unknown visibility", () => alice.meetings.create({ ...ws(), title: "X", visibility: "hidden" as never })],
    ];
    for (const [label, call] of bad)
      expect({ label, error: await errorOf(call()) }).toMatchObject({ label, error: { code: "BAD_REQUEST" } });
    // A grant id that is not this meeting's: NOT_FOUND.
    expect(await errorOf(alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: w.grant.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect({
      grants: await db.meetingGrant.count(),
      visibility: (await db.meeting.findUniqueOrThrow({ where: { id: boardId }, select: { visibility: true } })).visibility,
    }).toEqual(before);
  });

  it("another workspace's member or group cannot be granted: NOT_FOUND, nothing written", async () => {
    const alice = as(people.alice);
    const before = await db.meetingGrant.count();
    for (const grantee of [{ memberId: other.memberIds.member }, { groupId: other.group.id }]) {
      expect(await errorOf(alice.meetings.access.grant({ ...ws(), meetingId: boardId, ...grantee, level: "view" }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    expect(await db.meetingGrant.count()).toBe(before);
  });
});

describe("Ask Mind under the access rule", () => {
  const question = "What is the zephyr acquisition price?";

  it("never cites a meeting the asker may not see; cites it once they may", async () => {
    const before = await askWorkspace(people.bob, question);
    expect(before.answer.citations.map((citation) => citation.meetingId)).not.toContain(boardId);
    expect(before.answer.content).not.toMatch(/ninety/i);
    expect(before.answer.content).toBe(NOTHING_FOUND);
    // A session scoped to the meeting itself is NOT_FOUND, as the meeting is.
    expect(
      await errorOf(as(people.bob).askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: boardId } })),
    ).toMatchObject({ code: "NOT_FOUND" });

    const access = await as(people.alice).meetings.access.grant({
      ...ws(),
      meetingId: boardId,
      memberId: people.bob.memberId,
      level: "view",
    });
    const after = await askWorkspace(people.bob, question);
    expect(after.answer.citations.map((citation) => citation.meetingId)).toContain(boardId);
    expect(after.answer.content).toMatch(/ninety/i);

    // Revoked: the answer Bob kept is withheld from him, and asking in his session on it is NOT_FOUND.
    const scoped = await as(people.bob).askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: boardId } });
    await as(people.alice).meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: access.grants[0]?.id ?? "" });
    const kept = await as(people.bob).askMind.messages.list({ ...ws(), sessionId: after.session.id });
    const answer = kept.items.find((message) => message.role === "assistant");
    expect(answer).toMatchObject({ content: WITHHELD_ANSWER, citations: [] });
    expect(
      await errorOf(
        as(people.bob)
          .askMind.ask({ ...ws(), sessionId: scoped.id, question })
          .then((stream) => collect(stream)),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  });

  it("withholds an answer built from a hidden meeting even where it cites none of it", async () => {
    // A model may paraphrase its context without a marker: what counts is what it was given.
    const session = await db.askMindSession.create({
      data: { workspaceId: w.workspaceId, createdById: people.alice.id, scope: { kind: "workspace" }, sharedWithWorkspace: true },
    });
    const asked = new Date();
    await db.askMindMessage.createMany({
      data: [
        {
          workspaceId: w.workspaceId,
          sessionId: session.id,
          authorId: people.alice.id,
          role: "user",
          content: question,
          status: "done",
          createdAt: asked,
        },
        {
          workspaceId: w.workspaceId,
          sessionId: session.id,
          role: "assistant",
          content: "It was ninety million.",
          status: "done",
          contextMeetingIds: [boardId],
          createdAt: new Date(asked.getTime() + 1),
        },
      ],
    });
    const read = await as(people.bob).askMind.messages.list({ ...ws(), sessionId: session.id });
    expect(read.items.map((message) => message.content)).toEqual([question, WITHHELD_ANSWER]);
    const own = await as(people.alice).askMind.messages.list({ ...ws(), sessionId: session.id });
    expect(own.items.map((message) => message.content)).toEqual([question, "It was ninety million."]);
  });

  it("a shared session does not show a reader answers drawn from meetings they may not see", async () => {
    const asked = await askWorkspace(people.alice, question);
    expect(asked.answer.citations.map((citation) => citation.meetingId)).toContain(boardId);
    await as(people.alice).askMind.sessions.share({ ...ws(), sessionId: asked.session.id, shared: true });
    const read = await as(people.bob).askMind.messages.list({ ...ws(), sessionId: asked.session.id });
    expect(read.items.find((message) => message.role === "assistant")).toMatchObject({ content: WITHHELD_ANSWER, citations: [] });
    expect(JSON.stringify(read)).not.toMatch(/ninety/i);
    // The asker still reads it.
    const own = await as(people.alice).askMind.messages.list({ ...ws(), sessionId: asked.session.id });
    expect(own.items.find((message) => message.role === "assistant")?.content).toMatch(/ninety/i);
  });

  /** Every session `user` lists with this filter, paging `limit` at a time (the keyset must agree with one page). */
  async function listAll(user: AuthUser, filter: "mine" | "shared" | "all", limit = 100) {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(user).askMind.sessions.list({ ...ws(), filter, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((session) => session.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  it("a shared session on a meeting a member may not see is NOT_FOUND to them and absent from their lists", async () => {
    const alice = as(people.alice);
    const open = await alice.meetings.create({ ...ws(), title: "All hands" });
    const onBoard = await alice.askMind.sessions.create({
      ...ws(),
      title: "Zephyr price",
      scope: { kind: "meeting", meetingId: boardId },
      shared: true,
    });
    // One hidden meeting among visible ones is enough to hide it.
    const onBoth = await alice.askMind.sessions.create({ ...ws(), scope: { kind: "meetings", meetingIds: [open.id, boardId] } });
    await alice.askMind.sessions.share({ ...ws(), sessionId: onBoth.id, shared: true });
    const onOpen = await alice.askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: open.id }, shared: true });
    await collect(await alice.askMind.ask({ ...ws(), sessionId: onBoard.id, question }));

    const bob = as(people.bob);
    for (const session of [onBoard, onBoth]) {
      expect(await errorOf(bob.askMind.sessions.get({ ...ws(), sessionId: session.id }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await errorOf(bob.askMind.messages.list({ ...ws(), sessionId: session.id }))).toMatchObject({ code: "NOT_FOUND" });
    }
    for (const filter of ["shared", "all"] as const) {
      const listed = await listAll(people.bob, filter);
      expect(listed).toContain(onOpen.id);
      expect(listed).not.toContain(onBoard.id);
      expect(listed).not.toContain(onBoth.id);
      // Paging one at a time walks the same list.
      expect(await listAll(people.bob, filter, 1)).toEqual(listed);
    }
    // Nothing of others' that he lists names the board meeting (his own session on it, from when he had a grant, is his).
    const others = (await bob.askMind.sessions.list({ ...ws(), limit: 100 })).items.filter((session) => !session.mine);
    expect(JSON.stringify(others)).not.toContain(boardId);
    expect(others.map((session) => session.title)).not.toContain("Zephyr price");

    // The owner still reads all of hers, questions and answers.
    expect(await listAll(people.alice, "mine")).toEqual(expect.arrayContaining([onBoard.id, onBoth.id, onOpen.id]));
    expect(await listAll(people.alice, "all", 1)).toEqual(expect.arrayContaining([onBoard.id, onBoth.id, onOpen.id]));
    expect((await alice.askMind.sessions.get({ ...ws(), sessionId: onBoard.id })).title).toBe("Zephyr price");
    const own = await alice.askMind.messages.list({ ...ws(), sessionId: onBoard.id });
    expect(own.items.map((message) => message.content)).toContain(question);

    // A grant on the meeting opens the sessions on it; revoking closes them again.
    const access = await alice.meetings.access.grant({ ...ws(), meetingId: boardId, memberId: people.bob.memberId, level: "view" });
    expect((await bob.askMind.sessions.get({ ...ws(), sessionId: onBoard.id })).title).toBe("Zephyr price");
    expect(await listAll(people.bob, "shared")).toEqual(expect.arrayContaining([onBoard.id, onBoth.id]));
    await alice.meetings.access.revoke({ ...ws(), meetingId: boardId, grantId: access.grants[0]?.id ?? "" });
    expect(await errorOf(bob.askMind.sessions.get({ ...ws(), sessionId: onBoard.id }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("a session on an interview's meeting cannot be shared; one shared before shows only to the panel and managers", async () => {
    const meeting = await as(w.owner).meetings.create({ ...ws(), title: "Onsite: the quasar ledger" });
    await db.meeting.update({ where: { id: meeting.id }, data: { isInterview: true } });
    await db.interview.update({ where: { id: w.hiring.interview.id }, data: { meetingId: meeting.id } });
    const interviewer = as(w.hiring.interviewer);
    const refused = { code: "BAD_REQUEST", appCode: "interview_meeting" };

    const before = await db.askMindSession.count();
    expect(
      await errorOf(interviewer.askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: meeting.id }, shared: true })),
    ).toMatchObject(refused);
    const open = await as(w.owner).meetings.create({ ...ws(), title: "All hands" });
    expect(
      await errorOf(
        as(w.owner).askMind.sessions.create({ ...ws(), scope: { kind: "meetings", meetingIds: [open.id, meeting.id] }, shared: true }),
      ),
    ).toMatchObject(refused);
    expect(await db.askMindSession.count()).toBe(before);
    // Off the panel, the meeting does not exist: NOT_FOUND before anything is said about it.
    expect(
      await errorOf(as(w.member).askMind.sessions.create({ ...ws(), scope: { kind: "meeting", meetingId: meeting.id }, shared: true })),
    ).toMatchObject({ code: "NOT_FOUND" });

    // Private to the panelist it works; sharing it is refused and leaves it private.
    const mine = await interviewer.askMind.sessions.create({ ...ws(), title: "Quasar", scope: { kind: "meeting", meetingId: meeting.id } });
    expect(await errorOf(interviewer.askMind.sessions.share({ ...ws(), sessionId: mine.id, shared: true }))).toMatchObject(refused);
    expect(await interviewer.askMind.sessions.get({ ...ws(), sessionId: mine.id })).toMatchObject({ shared: false, mine: true });
    expect(await interviewer.askMind.sessions.share({ ...ws(), sessionId: mine.id, shared: false })).toMatchObject({ shared: false });

    // Shared before the rule (or before the meeting became an interview's): only who may see the meeting reads it.
    await db.askMindSession.update({ where: { id: mine.id }, data: { sharedWithWorkspace: true } });
    for (const user of [w.member, w.viewer, people.bob]) {
      expect(await errorOf(as(user).askMind.sessions.get({ ...ws(), sessionId: mine.id }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await listAll(user, "all")).not.toContain(mine.id);
    }
    for (const user of [w.owner, w.admin]) expect(await listAll(user, "shared")).toContain(mine.id);
    expect(await listAll(w.hiring.interviewer, "mine")).toContain(mine.id);
  });
});
