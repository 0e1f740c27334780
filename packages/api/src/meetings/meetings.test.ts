import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { codeOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let w: WorkspaceWorld;
let counted: Db;
let queries = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  w = await createWorkspaceWorld(database.db, "m");
  counted = createPrismaClient(database.url, { poolSize: 2, onQuery: () => void queries++ });
});
afterAll(async () => {
  await counted.$disconnect();
  await services.close();
  await database.close();
});

const as = (user: AuthUser, db: Db = database.db) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));

describe("meetings", () => {
  it("creates, reads, updates, soft-deletes and restores", async () => {
    const me = as(w.member);
    const created = await me.meetings.create({
      workspaceId: w.workspaceId,
      title: "  Sprint review ",
      platform: "zoom",
      scheduledStart: new Date("2026-11-20T10:00:00Z"),
      scheduledEnd: new Date("2026-11-20T11:00:00Z"),
      tags: ["Sprint", "sprint", "review"],
    });
    expect(created).toMatchObject({
      title: "Sprint review",
      platform: "zoom",
      status: "scheduled",
      tags: ["sprint", "review"],
      participantCount: 0,
      summaryStatus: null,
      hasTranscript: false,
      createdBy: { id: w.member.id },
    });
    const updated = await me.meetings.update({
      workspaceId: w.workspaceId,
      meetingId: created.id,
      status: "completed",
      description: "Demoed search",
    });
    expect(updated).toMatchObject({ status: "completed", description: "Demoed search" });
    expect(
      await codeOf(
        me.meetings.update({ workspaceId: w.workspaceId, meetingId: created.id, scheduledEnd: new Date("2026-11-20T09:00:00Z") }),
      ),
    ).toBe("BAD_REQUEST");

    await me.meetings.delete({ workspaceId: w.workspaceId, meetingId: created.id });
    expect(await codeOf(me.meetings.get({ workspaceId: w.workspaceId, meetingId: created.id }))).toBe("NOT_FOUND");
    expect((await me.meetings.restore({ workspaceId: w.workspaceId, meetingId: created.id })).deletedAt).toBeNull();
    expect(await codeOf(me.meetings.restore({ workspaceId: w.workspaceId, meetingId: created.id }))).toBe("NOT_FOUND");

    // After 30 days a deleted meeting cannot come back.
    await me.meetings.delete({ workspaceId: w.workspaceId, meetingId: created.id });
    await database.db.meeting.update({ where: { id: created.id }, data: { deletedAt: new Date(Date.now() - 31 * 86_400_000) } });
    expect(await codeOf(me.meetings.restore({ workspaceId: w.workspaceId, meetingId: created.id }))).toBe("NOT_FOUND");
  });

  it("rejects bad input clearly and writes nothing", async () => {
    const before = await database.db.meeting.count();
    const me = as(w.member);
    for (const input of [
      { title: "" },
      { title: "x".repeat(301) },
      { title: "Ok", scheduledStart: new Date("2026-01-02"), scheduledEnd: new Date("2026-01-01") },
      { title: "Ok", externalUrl: "javascript:alert(1)" },
      { title: "Ok", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
    ]) {
      expect(await codeOf(me.meetings.create({ workspaceId: w.workspaceId, ...input }))).toBe("BAD_REQUEST");
    }
    expect(await codeOf(as(w.viewer).meetings.create({ workspaceId: w.workspaceId, title: "Viewer" }))).toBe("FORBIDDEN");
    expect(await database.db.meeting.count()).toBe(before);
  });

  it("pages through ties and unscheduled meetings in list order, each meeting once", async () => {
    const ws = await createWorkspaceWorld(database.db, "ties");
    const me = as(ws.member);
    const same = new Date(Date.UTC(2026, 4, 1));
    for (let i = 0; i < 9; i++) {
      await me.meetings.create({ workspaceId: ws.workspaceId, title: `Tie ${i}`, ...(i % 3 === 0 ? {} : { scheduledStart: same }) });
    }
    const all = (await me.meetings.list({ workspaceId: ws.workspaceId, limit: 100 })).items.map((m) => m.id);
    expect(all).toHaveLength(10); // 9 + the world's own
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await me.meetings.list({ workspaceId: ws.workspaceId, limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it("lists with filters and stable cursor pages, at a constant number of queries", async () => {
    const ws = await createWorkspaceWorld(database.db, "list");
    const me = as(ws.member);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const meeting = await database.db.meeting.create({
        data: {
          workspaceId: ws.workspaceId,
          title: i % 10 === 0 ? `Budget review ${i}` : `Weekly sync ${i}`,
          status: i % 2 ? "completed" : "scheduled",
          scheduledStart: new Date(Date.UTC(2026, 0, 1 + i)),
          tags: i % 3 === 0 ? ["finance"] : [],
        },
      });
      ids.push(meeting.id);
      await database.db.meetingParticipant.create({
        data: { workspaceId: ws.workspaceId, meetingId: meeting.id, memberId: i % 4 === 0 ? ws.memberIds.viewer : ws.memberIds.admin },
      });
      await database.db.meetingSummary.create({
        data: { workspaceId: ws.workspaceId, meetingId: meeting.id, status: "done", isCurrent: true },
      });
    }
    // Pages: all 61 meetings (60 + the world's own), newest scheduled first, no repeats.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await me.meetings.list({ workspaceId: ws.workspaceId, limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(61);
    expect(new Set(seen).size).toBe(61);
    expect(seen.slice(0, 60)).toEqual([...ids].reverse());

    const filter = (extra: object) => me.meetings.list({ workspaceId: ws.workspaceId, limit: 100, ...extra });
    expect((await filter({ status: "completed" })).items).toHaveLength(30);
    expect((await filter({ tag: "finance" })).items).toHaveLength(20);
    expect((await filter({ participantId: ws.memberIds.viewer })).items).toHaveLength(15);
    expect((await filter({ query: "budget" })).items.map((m) => m.title).every((t) => t.startsWith("Budget"))).toBe(true);
    expect((await filter({ query: "budget" })).items).toHaveLength(6);
    expect((await filter({ from: new Date(Date.UTC(2026, 0, 11)), to: new Date(Date.UTC(2026, 0, 20)) })).items).toHaveLength(10);
    expect(await codeOf(filter({ limit: 101 }))).toBe("BAD_REQUEST");

    // No N+1: a page of 50 costs what a page of 5 costs.
    const costOf = async (limit: number) => {
      queries = 0;
      const page = await as(ws.member, counted).meetings.list({ workspaceId: ws.workspaceId, limit });
      expect(page.items[0]).toMatchObject({ participantCount: 1, summaryStatus: "done" });
      return queries;
    };
    const small = await costOf(5);
    expect(await costOf(50)).toBe(small);
    expect(small).toBeLessThanOrEqual(6);
  });
});

describe("participants", () => {
  it("adds members and guests, lists and removes them", async () => {
    const me = as(w.member);
    const meetingId = w.meeting.id;
    const member = await me.meetings.participants.add({ workspaceId: w.workspaceId, meetingId, memberId: w.memberIds.admin, role: "host" });
    expect(member).toMatchObject({ memberId: w.memberIds.admin, userId: w.admin.id, role: "host", external: false, email: w.admin.email });
    expect(await codeOf(me.meetings.participants.add({ workspaceId: w.workspaceId, meetingId, memberId: w.memberIds.admin }))).toBe(
      "CONFLICT",
    );
    const guest = await me.meetings.participants.add({
      workspaceId: w.workspaceId,
      meetingId,
      name: "Client",
      email: "CLIENT@corp.example",
    });
    expect(guest).toMatchObject({ external: true, email: "client@corp.example", role: "attendee" });
    expect((await me.meetings.participants.list({ workspaceId: w.workspaceId, meetingId })).map((p) => p.id)).toEqual(
      expect.arrayContaining([member.id, guest.id]),
    );
    await me.meetings.participants.remove({ workspaceId: w.workspaceId, meetingId, participantId: guest.id });
    expect(await codeOf(me.meetings.participants.remove({ workspaceId: w.workspaceId, meetingId, participantId: guest.id }))).toBe(
      "NOT_FOUND",
    );
    expect((await me.meetings.get({ workspaceId: w.workspaceId, meetingId })).participantCount).toBeGreaterThanOrEqual(2);
  });
});

describe("comments", () => {
  it("anchors to segments, stores mentions, lets authors edit and admins delete", async () => {
    const author = as(w.member);
    const comment = await author.meetings.comments.create({
      workspaceId: w.workspaceId,
      meetingId: w.meeting.id,
      body: "@admin can you check this?",
      segmentId: w.segment.id,
      mentionMemberIds: [w.memberIds.admin],
    });
    expect(comment).toMatchObject({ segmentId: w.segment.id, mentionedUserIds: [w.admin.id], author: { id: w.member.id } });
    expect(
      await codeOf(
        author.meetings.comments.create({
          workspaceId: w.workspaceId,
          meetingId: w.meeting.id,
          body: "x",
          mentionMemberIds: ["0190d6a0-0000-7000-8000-000000000000"],
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(author.meetings.comments.create({ workspaceId: w.workspaceId, meetingId: w.meeting.id, body: " " }))).toBe(
      "BAD_REQUEST",
    );

    const edited = await author.meetings.comments.update({ workspaceId: w.workspaceId, commentId: comment.id, body: "Edited" });
    expect(edited.editedAt).toBeInstanceOf(Date);
    expect(
      await codeOf(as(w.admin).meetings.comments.update({ workspaceId: w.workspaceId, commentId: comment.id, body: "Not mine" })),
    ).toBe("FORBIDDEN");

    const other = await as(w.owner).meetings.comments.create({ workspaceId: w.workspaceId, meetingId: w.meeting.id, body: "Owner's" });
    expect(await codeOf(author.meetings.comments.delete({ workspaceId: w.workspaceId, commentId: other.id }))).toBe("FORBIDDEN");
    await as(w.admin).meetings.comments.delete({ workspaceId: w.workspaceId, commentId: comment.id });
    const listed = await author.meetings.comments.list({ workspaceId: w.workspaceId, meetingId: w.meeting.id });
    expect(listed.items.map((c) => c.id)).not.toContain(comment.id);
    expect(listed.items.map((c) => c.id)).toContain(other.id);
  });
});

describe("action items", () => {
  it("are created by hand, filtered, updated, completed and deleted", async () => {
    const me = as(w.member);
    const item = await me.actionItems.create({
      workspaceId: w.workspaceId,
      meetingId: w.meeting.id,
      text: "Draft the plan",
      assigneeName: "Speaker 1",
      dueDate: "2026-12-01",
    });
    expect(item).toMatchObject({ assignee: null, assigneeName: "Speaker 1", status: "open", dueDate: new Date("2026-12-01T00:00:00Z") });
    const assigned = await me.actionItems.update({
      workspaceId: w.workspaceId,
      actionItemId: item.id,
      assigneeId: w.memberIds.admin,
      assigneeName: null,
    });
    expect(assigned.assignee).toMatchObject({ memberId: w.memberIds.admin, userId: w.admin.id });
    expect((await me.actionItems.list({ workspaceId: w.workspaceId, assigneeId: w.memberIds.admin })).items.map((i) => i.id)).toEqual([
      item.id,
    ]);
    const done = await me.actionItems.complete({ workspaceId: w.workspaceId, actionItemId: item.id });
    expect(done).toMatchObject({ status: "done", completedAt: expect.any(Date) });
    expect((await me.actionItems.list({ workspaceId: w.workspaceId, status: "open" })).items.map((i) => i.id)).not.toContain(item.id);
    expect((await me.actionItems.update({ workspaceId: w.workspaceId, actionItemId: item.id, status: "open" })).completedAt).toBeNull();
    expect(
      await codeOf(me.actionItems.create({ workspaceId: w.workspaceId, text: "x", assigneeId: "0190d6a0-0000-7000-8000-000000000000" })),
    ).toBe("NOT_FOUND");
    await me.actionItems.delete({ workspaceId: w.workspaceId, actionItemId: item.id });
    expect(await codeOf(me.actionItems.delete({ workspaceId: w.workspaceId, actionItemId: item.id }))).toBe("NOT_FOUND");
  });
});
