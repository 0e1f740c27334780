// Two workspaces, A and B, each with an owner, an admin, a member and a viewer, and the resources
// later domains add: the fixtures the cross-tenant sweep and domain tests build on.
import { randomUUID } from "node:crypto";
import type { Db, WorkspaceRole } from "@meetmind/db";
import { generateOpaqueToken, hashToken } from "../auth/tokens.js";
import type { AuthUser } from "../context.js";

export interface WorkspaceWorld {
  workspaceId: string;
  owner: AuthUser;
  admin: AuthUser;
  member: AuthUser;
  viewer: AuthUser;
  invite: { id: string; token: string; email: string };
}

export interface World {
  a: WorkspaceWorld;
  b: WorkspaceWorld;
  /** A verified user who belongs to no workspace. */
  outsider: AuthUser;
}

export async function createUser(db: Db, label: string, options: { verified?: boolean; isAdmin?: boolean } = {}): Promise<AuthUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const user = await db.user.create({
    data: { email, fullName: label, emailVerifiedAt: options.verified === false ? null : new Date(), isAdmin: options.isAdmin ?? false },
    select: { id: true, email: true, isAdmin: true },
  });
  return user;
}

export async function createWorkspaceWorld(db: Db, label: string): Promise<WorkspaceWorld> {
  const workspace = await db.workspace.create({ data: { name: `Workspace ${label}`, slug: `ws-${label}-${randomUUID().slice(0, 8)}` } });
  const users = {} as Record<WorkspaceRole, AuthUser>;
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    users[role] = await createUser(db, `${label}-${role}`);
    await db.workspaceMember.create({ data: { workspaceId: workspace.id, userId: users[role].id, role } });
  }
  const token = generateOpaqueToken();
  const email = `invitee-${label}-${randomUUID().slice(0, 8)}@example.com`;
  const invite = await db.workspaceInvite.create({
    data: { workspaceId: workspace.id, email, role: "member", tokenHash: hashToken(token), invitedById: users.owner.id, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { workspaceId: workspace.id, ...users, invite: { id: invite.id, token, email } };
}

export async function createWorld(db: Db): Promise<World> {
  return { a: await createWorkspaceWorld(db, "a"), b: await createWorkspaceWorld(db, "b"), outsider: await createUser(db, "outsider") };
}
