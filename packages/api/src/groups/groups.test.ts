import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scopedDb, type WorkspaceRole } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { requireMeetingAccess } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { codeOf, errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;
/** Another workspace, for ids that must not reach across. */
let other: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  fingerprints = await databaseFingerprint(database.url);
  other = await createWorkspaceWorld(database.db, "other");
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(database.db, `g${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db: database.db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });

/** A second plain member of `w`, in no group. */
async function addMember(role: WorkspaceRole = "member"): Promise<{ user: AuthUser; memberId: string }> {
  const user = await createUser(database.db, `extra-${role}`);
  const { id } = await database.db.workspaceMember.create({ data: { workspaceId: w.workspaceId, userId: user.id, role } });
  return { user, memberId: id };
}

async function groupRoles(groupId: string): Promise<Record<string, string>> {
  const rows = await database.db.groupMember.findMany({ where: { groupId }, select: { memberId: true, role: true } });
  return Object.fromEntries(rows.map((row) => [row.memberId, row.role]));
}

async function auditActions(): Promise<string[]> {
  const rows = await database.db.auditEvent.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { id: "asc" } });
  return rows.map((row) => row.action);
}

/** The call must be refused with `code` (and `appCode`, if given) and write nothing at all. */
async function refusedWithoutWrites(call: () => Promise<unknown>, code: string, appCode?: string): Promise<void> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome?.code).toBe(code);
  if (appCode) expect(outcome?.appCode).toBe(appCode);
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
}

describe("groups", () => {
  it("admins create, rename and delete them; names are trimmed and unique per workspace whatever their case", async () => {
    const created = await as(w.admin).groups.create({ ...ws(), name: "  Research  ", description: "" });
    expect(created).toMatchObject({ name: "Research", description: null, memberCount: 0, myRole: null });

    await refusedWithoutWrites(() => as(w.admin).groups.create({ ...ws(), name: "RESEARCH" }), "CONFLICT", "group_name_taken");
    // Another workspace may have its own.
    expect((await as(other.owner).groups.create({ workspaceId: other.workspaceId, name: "Research" })).name).toBe("Research");

    const renamed = await as(w.owner).groups.update({ ...ws(), groupId: created.id, name: "Research & Insights", description: "UX" });
    expect(renamed).toMatchObject({ id: created.id, name: "Research & Insights", description: "UX" });
    // Changing only the case of its own name is allowed; taking another group's name is not.
    await as(w.owner).groups.update({ ...ws(), groupId: created.id, name: "research & insights" });
    await refusedWithoutWrites(() => as(w.owner).groups.update({ ...ws(), groupId: w.group.id, name: "RESEARCH & insights" }), "CONFLICT");

    await as(w.admin).groups.members.add({ ...ws(), groupId: created.id, memberIds: [w.memberIds.viewer] });
    await as(w.admin).groups.delete({ ...ws(), groupId: created.id });
    expect(await codeOf(as(w.admin).groups.get({ ...ws(), groupId: created.id }))).toBe("NOT_FOUND");
    expect(await database.db.groupMember.count({ where: { groupId: created.id } })).toBe(0);
    expect(await auditActions()).toEqual(["group.created", "group.updated", "group.updated", "group.members_added", "group.deleted"]);
  });

  it("every member sees them with member counts, their own role and the members; only admins change them", async () => {
    const { items } = await as(w.viewer).groups.list(ws());
    expect(items).toEqual([expect.objectContaining({ id: w.group.id, memberCount: 2, myRole: null })]);
    expect((await as(w.member).groups.list(ws())).items[0]?.myRole).toBe("admin");
    expect((await as(w.admin).groups.list(ws())).items[0]?.myRole).toBe("member");

    const group = await as(w.viewer).groups.get({ ...ws(), groupId: w.group.id });
    expect(group.members.map((m) => [m.memberId, m.role])).toEqual([
      [w.memberIds.member, "admin"],
      [w.memberIds.admin, "member"],
    ]);
    expect(group.members[0]).toMatchObject({ userId: w.member.id, email: w.member.email, fullName: expect.any(String) });

    for (const user of [w.viewer, w.member]) {
      await refusedWithoutWrites(() => as(user).groups.create({ ...ws(), name: "Mine" }), "FORBIDDEN", "insufficient_role");
      await refusedWithoutWrites(() => as(user).groups.update({ ...ws(), groupId: w.group.id, name: "Mine" }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).groups.delete({ ...ws(), groupId: w.group.id }), "FORBIDDEN");
    }
  });

  it("list pages by name, can show only the caller's groups, and refuses a cursor from elsewhere", async () => {
    for (const name of ["beta", "Alpha", "gamma"]) await as(w.owner).groups.create({ ...ws(), name });
    const first = await as(w.viewer).groups.list({ ...ws(), limit: 2 });
    const second = await as(w.viewer).groups.list({ ...ws(), limit: 2, cursor: first.nextCursor! });
    // Whatever the case: "Design …" (testing/world.ts) sorts between "beta" and "gamma".
    expect([...first.items, ...second.items].map((g) => g.name.split(" ")[0])).toEqual(["Alpha", "beta", "Design", "gamma"]);
    expect(second.nextCursor).toBeNull();

    expect((await as(w.member).groups.list({ ...ws(), mine: true })).items.map((g) => g.id)).toEqual([w.group.id]);
    expect((await as(w.viewer).groups.list({ ...ws(), mine: true })).items).toEqual([]);

    const foreign = await errorOf(as(w.viewer).groups.list({ ...ws(), cursor: other.group.id }));
    expect(foreign).toEqual({ code: "BAD_REQUEST", appCode: "invalid_cursor" });
  });

  it("members.list pages through a group's members", async () => {
    const extra = await addMember();
    await as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [w.memberIds.viewer, extra.memberId] });
    const first = await as(w.viewer).groups.members.list({ ...ws(), groupId: w.group.id, limit: 3 });
    const second = await as(w.viewer).groups.members.list({ ...ws(), groupId: w.group.id, limit: 3, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((m) => m.memberId)).toEqual([
      w.memberIds.member,
      w.memberIds.admin,
      w.memberIds.viewer,
      extra.memberId,
    ]);
    expect(second.nextCursor).toBeNull();
    expect((await as(w.viewer).groups.get({ ...ws(), groupId: w.group.id })).memberCount).toBe(4);
  });
});

describe("group admins", () => {
  it("add, remove, promote and demote members of their own group, as a workspace member", async () => {
    // w.member is an admin of w.group (testing/world.ts) and a plain member of the workspace.
    const extra = await addMember();
    await as(w.member).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [w.memberIds.viewer, extra.memberId] });
    await as(w.member).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: extra.memberId, role: "admin" });
    // The new admin may act at once, even on the admin who promoted them.
    await as(extra.user).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: w.memberIds.member, role: "member" });
    await as(extra.user).groups.members.remove({ ...ws(), groupId: w.group.id, memberId: w.memberIds.viewer });
    expect(await groupRoles(w.group.id)).toEqual({
      [w.memberIds.member]: "member",
      [w.memberIds.admin]: "member",
      [extra.memberId]: "admin",
    });
    // Demoted, w.member can no longer change the group.
    await refusedWithoutWrites(
      () => as(w.member).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [w.memberIds.viewer] }),
      "FORBIDDEN",
      "not_group_admin",
    );
    // Setting the role someone has is no change (and no audit entry).
    await as(extra.user).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: extra.memberId, role: "admin" });
    expect(await auditActions()).toEqual([
      "group.members_added",
      "group.member_role_changed",
      "group.member_role_changed",
      "group.member_removed",
    ]);
  });

  it("cannot touch another group, nor rename or delete their own", async () => {
    const second = await as(w.owner).groups.create({ ...ws(), name: "Sales" });
    await as(w.owner).groups.members.add({ ...ws(), groupId: second.id, memberIds: [w.memberIds.admin] });
    const attempts = [
      () => as(w.member).groups.members.add({ ...ws(), groupId: second.id, memberIds: [w.memberIds.viewer] }),
      () => as(w.member).groups.members.remove({ ...ws(), groupId: second.id, memberId: w.memberIds.admin }),
      () => as(w.member).groups.members.setRole({ ...ws(), groupId: second.id, memberId: w.memberIds.admin, role: "admin" }),
    ];
    for (const attempt of attempts) await refusedWithoutWrites(attempt, "FORBIDDEN", "not_group_admin");
    await refusedWithoutWrites(
      () => as(w.member).groups.update({ ...ws(), groupId: w.group.id, name: "Ours" }),
      "FORBIDDEN",
      "insufficient_role",
    );
    await refusedWithoutWrites(() => as(w.member).groups.delete({ ...ws(), groupId: w.group.id }), "FORBIDDEN", "insufficient_role");
  });

  it("are capped by their workspace role: a viewer who is a group admin reads", async () => {
    await as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [w.memberIds.viewer], role: "admin" });
    await refusedWithoutWrites(
      () => as(w.viewer).groups.members.remove({ ...ws(), groupId: w.group.id, memberId: w.memberIds.admin }),
      "FORBIDDEN",
      "insufficient_role",
    );
  });

  it("a plain member of the group changes nothing", async () => {
    // w.admin is a plain member of w.group, but a workspace admin: it may. A plain workspace member may not.
    const plain = await addMember();
    await as(w.admin).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [plain.memberId] });
    await refusedWithoutWrites(
      () => as(plain.user).groups.members.remove({ ...ws(), groupId: w.group.id, memberId: w.memberIds.admin }),
      "FORBIDDEN",
      "not_group_admin",
    );
    await refusedWithoutWrites(
      () => as(plain.user).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: plain.memberId, role: "admin" }),
      "FORBIDDEN",
      "not_group_admin",
    );
  });
});

describe("adding members", () => {
  it("takes workspace members only, all or none", async () => {
    const extra = await addMember();
    // One id from another workspace spoils the whole call.
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [extra.memberId, other.memberIds.viewer] }),
      "NOT_FOUND",
    );
    // Someone already in the group: CONFLICT, and the others are not added either.
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [extra.memberId, w.memberIds.member] }),
      "CONFLICT",
      "already_in_group",
    );
    // The same id twice, in any case, counts once.
    await as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [extra.memberId, extra.memberId.toUpperCase()] });
    expect(Object.keys(await groupRoles(w.group.id))).toHaveLength(3);
  });

  it("someone who leaves the workspace leaves its groups", async () => {
    await as(w.owner).workspaces.members.remove({ ...ws(), userId: w.member.id });
    expect(await groupRoles(w.group.id)).toEqual({ [w.memberIds.admin]: "member" });
  });

  it("removing or re-roling someone not in the group is NOT_FOUND", async () => {
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.remove({ ...ws(), groupId: w.group.id, memberId: w.memberIds.viewer }),
      "NOT_FOUND",
    );
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: w.memberIds.viewer, role: "admin" }),
      "NOT_FOUND",
    );
  });
});

describe("bad input is BAD_REQUEST and writes nothing", () => {
  const uuid = "0190a4b2-0000-7000-8000-000000000000";
  const cases: [string, (user: AuthUser) => Promise<unknown>][] = [
    ["an empty name", (u) => as(u).groups.create({ ...ws(), name: "" })],
    ["a blank name", (u) => as(u).groups.create({ ...ws(), name: "   " })],
    ["a name of 101 characters", (u) => as(u).groups.create({ ...ws(), name: "x".repeat(101) })],
    ["a description of 1001 characters", (u) => as(u).groups.create({ ...ws(), name: "ok", description: "x".repeat(1001) })],
    ["a blank new name", (u) => as(u).groups.update({ ...ws(), groupId: w.group.id, name: " " })],
    ["a group id that is no uuid", (u) => as(u).groups.get({ ...ws(), groupId: "not-a-uuid" })],
    ["no member ids", (u) => as(u).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [] })],
    [
      "101 member ids",
      (u) => as(u).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: Array.from({ length: 101 }, () => uuid) }),
    ],
    ["a member id that is no uuid", (u) => as(u).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: ["42"] })],
    [
      "an unknown role",
      (u) =>
        as(u).groups.members.setRole({ ...ws(), groupId: w.group.id, memberId: w.memberIds.member, role: "owner" as unknown as "admin" }),
    ],
    ["a page of 101", (u) => as(u).groups.list({ ...ws(), limit: 101 })],
  ];
  for (const [name, call] of cases) {
    it(name, async () => {
      await refusedWithoutWrites(() => call(w.owner), "BAD_REQUEST");
    });
  }
});

describe("another workspace's groups and members", () => {
  it("are NOT_FOUND, to its admins too", async () => {
    const theirs = { groupId: other.group.id };
    await refusedWithoutWrites(() => as(w.owner).groups.get({ ...ws(), ...theirs }), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.owner).groups.members.list({ ...ws(), ...theirs }), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.owner).groups.update({ ...ws(), ...theirs, name: "Ours" }), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.owner).groups.delete({ ...ws(), ...theirs }), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.owner).groups.members.add({ ...ws(), ...theirs, memberIds: [w.memberIds.viewer] }), "NOT_FOUND");
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.remove({ ...ws(), ...theirs, memberId: other.memberIds.member }),
      "NOT_FOUND",
    );
    // Their member in our group, and their group admin in our workspace.
    await refusedWithoutWrites(
      () => as(w.owner).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [other.memberIds.member] }),
      "NOT_FOUND",
    );
    await refusedWithoutWrites(
      () => as(other.member).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [w.memberIds.viewer] }),
      "NOT_FOUND",
    );
  });
});

describe("grants to a group", () => {
  it("follow its membership at once", async () => {
    // A private meeting of the owner's, shared with the group (grants are the meetings domain's,
    // so the row is written directly).
    const meeting = await database.db.meeting.create({
      data: { workspaceId: w.workspaceId, title: "Board prep", createdById: w.owner.id, visibility: "private" },
    });
    await database.db.meetingGrant.create({
      data: { workspaceId: w.workspaceId, meetingId: meeting.id, groupId: w.group.id, level: "comment" },
    });
    const extra = await addMember();
    const scope: WorkspaceScope = {
      db: scopedDb(database.db, w.workspaceId),
      workspaceId: w.workspaceId,
      userId: extra.user.id,
      role: "member",
      memberId: extra.memberId,
      grants: [],
    };
    const access = () =>
      requireMeetingAccess(scope, meeting.id).then(
        (granted) => granted.level,
        (error: { kind?: string }) => error.kind,
      );

    expect(await access()).toBe("not_found");
    await as(w.member).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [extra.memberId] });
    expect(await access()).toBe("comment");
    await as(w.member).groups.members.remove({ ...ws(), groupId: w.group.id, memberId: extra.memberId });
    expect(await access()).toBe("not_found");

    // Deleting the group takes its grants along.
    await as(w.member).groups.members.add({ ...ws(), groupId: w.group.id, memberIds: [extra.memberId] });
    expect(await access()).toBe("comment");
    await as(w.owner).groups.delete({ ...ws(), groupId: w.group.id });
    expect(await database.db.meetingGrant.count({ where: { meetingId: meeting.id } })).toBe(0);
    expect(await access()).toBe("not_found");
  });
});
