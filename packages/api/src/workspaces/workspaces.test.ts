import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "../context.js";
import { appRouter } from "../app/router.js";
import type { AppServices } from "../ports.js";
import { codeOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let w: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db, { limits: { invite: { points: 1000 } } });
});
afterAll(async () => {
  await services.close();
  await database.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(database.db, `t${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) =>
  createCallerFactory(appRouter)(createContextInner({ db: database.db, services, user, ip: "203.0.113.9", requestId: "req-test-1" }));

async function auditActions(workspaceId: string): Promise<string[]> {
  const rows = await database.db.auditEvent.findMany({ where: { workspaceId }, orderBy: { id: "asc" }, select: { action: true } });
  return rows.map((row) => row.action);
}

async function inviteToken(email: string): Promise<string> {
  const message = await database.db.emailOutbox.findFirstOrThrow({ where: { toAddress: email }, orderBy: { id: "desc" } });
  const match = /token=([A-Za-z0-9_-]+)/.exec(message.textBody);
  if (!match?.[1]) throw new Error("no invite link");
  return match[1];
}

describe("workspaces", () => {
  it("creates a workspace with the caller as owner and a generated, unique slug", async () => {
    const user = await createUser(database.db, "creator");
    const first = await as(user).workspaces.create({ name: "Product Team!" });
    expect(first).toMatchObject({ name: "Product Team!", slug: "product-team", role: "owner" });
    const second = await as(user).workspaces.create({ name: "Product Team" });
    expect(second.slug).toMatch(/^product-team-[0-9a-f]{6}$/);
    expect(await codeOf(as(user).workspaces.create({ name: "X", slug: "product-team" }))).toBe("CONFLICT");
    expect(await codeOf(as(user).workspaces.create({ name: "", slug: "Bad Slug!" }))).toBe("BAD_REQUEST");
    expect((await as(user).workspaces.list()).map((ws) => ws.id).sort()).toEqual([first.id, second.id].sort());
    expect(await auditActions(first.id)).toEqual(["workspace.created"]);
  });

  it("lets admins update settings, and records who did it from where", async () => {
    const updated = await as(w.admin).workspaces.update({ workspaceId: w.workspaceId, name: "Renamed", settings: { retentionDays: 30 } });
    expect(updated).toMatchObject({ name: "Renamed", settings: { retentionDays: 30 }, role: "admin" });
    expect(await codeOf(as(w.member).workspaces.update({ workspaceId: w.workspaceId, name: "No" }))).toBe("FORBIDDEN");
    const [entry] = (await as(w.owner).workspaces.auditLog.list({ workspaceId: w.workspaceId })).items;
    expect(entry).toMatchObject({ action: "workspace.updated", ip: "203.0.113.9", requestId: "req-test-1", actor: { id: w.admin.id } });
    expect(entry?.metadata).toEqual({ changed: ["name", "settings"] });
  });

  it("soft-deletes (owners only): the workspace and its content become unreachable", async () => {
    expect(await codeOf(as(w.admin).workspaces.delete({ workspaceId: w.workspaceId }))).toBe("FORBIDDEN");
    await as(w.owner).workspaces.delete({ workspaceId: w.workspaceId });
    expect(await codeOf(as(w.owner).workspaces.get({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.member).workspaces.members.list({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
    expect((await as(w.owner).workspaces.list()).map((ws) => ws.id)).not.toContain(w.workspaceId);
    expect(await database.db.workspace.findUnique({ where: { id: w.workspaceId }, select: { deletedAt: true } })).toMatchObject({
      deletedAt: expect.any(Date),
    });
  });

  it("transfers ownership; the previous owner stays as admin", async () => {
    await as(w.owner).workspaces.transferOwnership({ workspaceId: w.workspaceId, userId: w.member.id });
    const roles = Object.fromEntries(
      (await as(w.member).workspaces.members.list({ workspaceId: w.workspaceId })).items.map((m) => [m.userId, m.role]),
    );
    expect(roles[w.member.id]).toBe("owner");
    expect(roles[w.owner.id]).toBe("admin");
    expect(await codeOf(as(w.owner).workspaces.transferOwnership({ workspaceId: w.workspaceId, userId: w.viewer.id }))).toBe("FORBIDDEN");
    expect(await auditActions(w.workspaceId)).toContain("workspace.ownership_transferred");
  });
});

describe("the last owner", () => {
  it("can never leave, be removed or be demoted, and a refused change leaves no audit entry", async () => {
    expect(await codeOf(as(w.owner).workspaces.leave({ workspaceId: w.workspaceId }))).toBe("CONFLICT");
    expect(await codeOf(as(w.admin).workspaces.members.remove({ workspaceId: w.workspaceId, userId: w.owner.id }))).toBe("FORBIDDEN");
    expect(
      await codeOf(as(w.admin).workspaces.members.updateRole({ workspaceId: w.workspaceId, userId: w.owner.id, role: "member" })),
    ).toBe("FORBIDDEN");
    // A second owner may demote the first, but not the other way round once only one is left.
    await database.db.workspaceMember.updateMany({ where: { workspaceId: w.workspaceId, userId: w.admin.id }, data: { role: "owner" } });
    services.memberships.forget(w.workspaceId); // written behind the API's back, as another instance would
    await as(w.admin).workspaces.members.updateRole({ workspaceId: w.workspaceId, userId: w.owner.id, role: "member" });
    expect(await codeOf(as(w.admin).workspaces.leave({ workspaceId: w.workspaceId }))).toBe("CONFLICT");
    expect(await auditActions(w.workspaceId)).toEqual(["member.role_changed"]);
  });

  it("others may leave; members are listed with pages", async () => {
    await as(w.viewer).workspaces.leave({ workspaceId: w.workspaceId });
    expect(await codeOf(as(w.viewer).workspaces.get({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
    const first = await as(w.owner).workspaces.members.list({ workspaceId: w.workspaceId, limit: 2 });
    const second = await as(w.owner).workspaces.members.list({ workspaceId: w.workspaceId, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((m) => m.userId).sort()).toEqual(
      // The hiring world's interviewer is a member too.
      [w.owner.id, w.admin.id, w.member.id, w.hiring.interviewer.id].sort(),
    );
    expect(second.nextCursor).toBeNull();
  });

  it("admins change roles and remove members below owner", async () => {
    await as(w.admin).workspaces.members.updateRole({ workspaceId: w.workspaceId, userId: w.member.id, role: "viewer" });
    await as(w.admin).workspaces.members.remove({ workspaceId: w.workspaceId, userId: w.viewer.id });
    expect(await codeOf(as(w.member).workspaces.members.remove({ workspaceId: w.workspaceId, userId: w.admin.id }))).toBe("FORBIDDEN");
    expect(await auditActions(w.workspaceId)).toEqual(["member.role_changed", "member.removed"]);
  });
});

describe("invitations", () => {
  it("emails a single-use link that only the invited, verified address can accept", async () => {
    const invitee = await createUser(database.db, "invitee");
    const invite = await as(w.admin).workspaces.invites.create({
      workspaceId: w.workspaceId,
      email: invitee.email.toUpperCase(),
      role: "viewer",
    });
    expect(invite).toMatchObject({ email: invitee.email, role: "viewer", invitedBy: { id: w.admin.id } });
    expect(invite.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(JSON.stringify(invite)).not.toMatch(/token/i);
    const token = await inviteToken(invitee.email);

    const stranger = await createUser(database.db, "stranger");
    expect(await codeOf(as(stranger).workspaces.invites.accept({ token }))).toBe("FORBIDDEN");
    const accepted = await as(invitee).workspaces.invites.accept({ token });
    expect(accepted).toEqual({ workspaceId: w.workspaceId, role: "viewer" });
    expect((await as(invitee).workspaces.get({ workspaceId: w.workspaceId })).role).toBe("viewer");
    expect(await codeOf(as(invitee).workspaces.invites.accept({ token }))).toBe("BAD_REQUEST");
    expect(await auditActions(w.workspaceId)).toEqual(["invite.created", "invite.accepted", "member.added"]);
  });

  it("requires a verified email to accept", async () => {
    const unverified = await createUser(database.db, "unverified", { verified: false });
    await as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email: unverified.email, role: "member" });
    const token = await inviteToken(unverified.email);
    await expect(as(unverified).workspaces.invites.accept({ token })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses existing members and duplicate pending invites; revokes, declines and expires", async () => {
    expect(await codeOf(as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email: w.member.email, role: "member" }))).toBe(
      "CONFLICT",
    );
    expect(await codeOf(as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email: w.invite.email, role: "member" }))).toBe(
      "CONFLICT",
    );
    expect(
      await codeOf(as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email: "x@example.com", role: "owner" as "admin" })),
    ).toBe("BAD_REQUEST");
    expect((await as(w.admin).workspaces.invites.list({ workspaceId: w.workspaceId })).map((i) => i.id)).toEqual([w.invite.id]);

    await as(w.admin).workspaces.invites.revoke({ workspaceId: w.workspaceId, inviteId: w.invite.id });
    expect(await codeOf(as(w.admin).workspaces.invites.revoke({ workspaceId: w.workspaceId, inviteId: w.invite.id }))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.viewer).workspaces.invites.decline({ token: w.invite.token }))).toBe("BAD_REQUEST");

    const second = await as(w.owner).workspaces.invites.create({
      workspaceId: w.workspaceId,
      email: "decliner@example.com",
      role: "member",
    });
    await as(w.viewer).workspaces.invites.decline({ token: await inviteToken("decliner@example.com") });
    expect((await as(w.admin).workspaces.invites.list({ workspaceId: w.workspaceId })).map((i) => i.id)).not.toContain(second.id);

    await as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email: "late@example.com", role: "member" });
    await database.db.workspaceInvite.updateMany({
      where: { email: "late@example.com" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await codeOf(as(w.owner).workspaces.invites.decline({ token: await inviteToken("late@example.com") }))).toBe("BAD_REQUEST");
  });

  it("rate limits invitations per workspace", async () => {
    const limited = await createTestServices(database.db, { limits: { invite: { points: 2 } } });
    try {
      const caller = createCallerFactory(appRouter)(createContextInner({ db: database.db, services: limited, user: w.owner }));
      await caller.workspaces.invites.create({ workspaceId: w.workspaceId, email: "r1@example.com", role: "member" });
      await caller.workspaces.invites.create({ workspaceId: w.workspaceId, email: "r2@example.com", role: "member" });
      await expect(
        caller.workspaces.invites.create({ workspaceId: w.workspaceId, email: "r3@example.com", role: "member" }),
      ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    } finally {
      await limited.close();
    }
  });
});

describe("audit log", () => {
  it("is for admins, newest first, with pages", async () => {
    for (const email of ["p1@example.com", "p2@example.com", "p3@example.com"]) {
      await as(w.owner).workspaces.invites.create({ workspaceId: w.workspaceId, email, role: "member" });
    }
    expect(await codeOf(as(w.member).workspaces.auditLog.list({ workspaceId: w.workspaceId }))).toBe("FORBIDDEN");
    const first = await as(w.admin).workspaces.auditLog.list({ workspaceId: w.workspaceId, limit: 2 });
    const second = await as(w.admin).workspaces.auditLog.list({ workspaceId: w.workspaceId, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((e) => e.metadata)).toEqual([
      { email: "p3@example.com", role: "member" },
      { email: "p2@example.com", role: "member" },
      { email: "p1@example.com", role: "member" },
    ]);
  });
});
