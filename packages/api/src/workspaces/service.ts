// Workspaces, their members and invitations. Workspace-level functions take a WorkspaceScope (its
// client cannot leave the workspace); invitation answers (accept/decline) find the workspace by token.
import { randomBytes } from "node:crypto";
import { isUniqueViolation, type Db, type WorkspaceRole } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { generateOpaqueToken, hashToken } from "../identity/tokens.js";
import { enqueueEmail } from "../email/outbox.js";
import { workspaceInvite } from "../email/templates.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { AppServices } from "../ports.js";
import { grantsOf, ROLE_RANK } from "../tenancy/permissions.js";
import {
  settingsSchema,
  type CreateInviteInput,
  type CreateWorkspaceInput,
  type InviteTokenInput,
  type MemberListInput,
  type RemoveMemberInput,
  type RevokeInviteInput,
  type SetPermissionsInput,
  type TransferOwnershipInput,
  type UpdateRoleInput,
  type UpdateWorkspaceInput,
} from "./schemas.js";
import type { WorkspaceScope } from "../tenancy/scope.js";

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_LISTED_WORKSPACES = 500;

const workspaceSelect = { id: true, name: true, slug: true, settings: true, createdAt: true } as const;

/** Settings are JSON in the database; clients get them typed (anything malformed reads as none). */
function present<W extends { settings: unknown }>(workspace: W, role: WorkspaceRole) {
  const settings = settingsSchema.safeParse(workspace.settings);
  return { ...workspace, settings: settings.success ? settings.data : {}, role };
}

function slugFrom(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return (base.length >= 3 ? base : `workspace-${base}`).replace(/-+$/, "");
}

export async function createWorkspace(db: Db, meta: RequestMeta, input: CreateWorkspaceInput & { userId: string }) {
  const explicit = input.slug !== undefined;
  // A generated slug that collides gets a random suffix; an explicit one is the caller's to change.
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug =
      input.slug ?? (attempt === 0 ? slugFrom(input.name) : `${slugFrom(input.name).slice(0, 40)}-${randomBytes(3).toString("hex")}`);
    try {
      return await db.$transaction(async (tx) => {
        const workspace = await tx.workspace.create({ data: { name: input.name, slug }, select: workspaceSelect });
        await tx.workspaceMember.create({ data: { workspaceId: workspace.id, userId: input.userId, role: "owner" } });
        await recordAudit(tx, workspace.id, meta, { action: "workspace.created", targetType: "workspace", targetId: workspace.id });
        return present(workspace, "owner");
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (explicit) throw new ConflictError("This slug is taken", "slug_taken");
    }
  }
  throw new ConflictError("Could not find a free slug; give one explicitly", "slug_taken");
}

export async function listWorkspaces(db: Db, input: { userId: string }) {
  const memberships = await db.workspaceMember.findMany({
    where: { userId: input.userId, workspace: { deletedAt: null } },
    orderBy: { id: "asc" },
    take: MAX_LISTED_WORKSPACES,
    select: { role: true, workspace: { select: workspaceSelect } },
  });
  return memberships.map(({ role, workspace }) => present(workspace, role));
}

export async function getWorkspace(scope: WorkspaceScope) {
  // Not a tenant table (it is the tenant), so looked up by the scope's own id.
  const workspace = await scope.db.workspace.findUniqueOrThrow({ where: { id: scope.workspaceId }, select: workspaceSelect });
  return present(workspace, scope.role);
}

export async function updateWorkspace(scope: WorkspaceScope, meta: RequestMeta, input: UpdateWorkspaceInput) {
  const { name, slug, settings } = input;
  try {
    const workspace = await scope.db.$transaction(async (tx) => {
      const updated = await tx.workspace.update({
        where: { id: scope.workspaceId },
        data: {
          ...(name !== undefined ? { name } : {}),
          ...(slug !== undefined ? { slug } : {}),
          ...(settings !== undefined ? { settings } : {}),
        },
        select: workspaceSelect,
      });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "workspace.updated",
        targetType: "workspace",
        targetId: scope.workspaceId,
        metadata: { changed: Object.keys(input).filter((key) => input[key as keyof typeof input] !== undefined) },
      });
      return updated;
    });
    return present(workspace, scope.role);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("This slug is taken", "slug_taken");
    throw error;
  }
}

/** Soft delete: the workspace and everything in it become unreachable at once. */
export async function deleteWorkspace(scope: WorkspaceScope, meta: RequestMeta): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: scope.workspaceId }, data: { deletedAt: new Date() } });
    await recordAudit(tx, scope.workspaceId, meta, { action: "workspace.deleted", targetType: "workspace", targetId: scope.workspaceId });
  });
}

async function findMember(scope: WorkspaceScope, userId: string) {
  const member = await scope.db.workspaceMember.findFirst({ where: { userId }, select: { id: true, userId: true, role: true } });
  if (!member) throw new NotFoundError("Member");
  return member;
}

const lastOwner = () => new ConflictError("A workspace always keeps an owner: transfer ownership first", "last_owner");

export async function transferOwnership(scope: WorkspaceScope, meta: RequestMeta, input: TransferOwnershipInput): Promise<void> {
  if (input.userId === scope.userId) throw new ValidationError("You already own this workspace", "cannot_target_self");
  const target = await findMember(scope, input.userId);
  await scope.db.$transaction(async (tx) => {
    await tx.workspaceMember.update({ where: { id: target.id }, data: { role: "owner" } });
    // The previous owner stays on as an admin; they can leave afterwards if they wish.
    await tx.workspaceMember.update({ where: { id: scope.memberId }, data: { role: "admin" } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "workspace.ownership_transferred",
      targetType: "user",
      targetId: input.userId,
      metadata: { from: scope.userId, to: input.userId },
    });
  });
}

export async function leaveWorkspace(scope: WorkspaceScope, meta: RequestMeta): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    if (scope.role === "owner" && (await tx.workspaceMember.count({ where: { role: "owner" } })) <= 1) throw lastOwner();
    await tx.workspaceMember.delete({ where: { id: scope.memberId } });
    await recordAudit(tx, scope.workspaceId, meta, { action: "member.left", targetType: "user", targetId: scope.userId });
  });
}

export async function listMembers(scope: WorkspaceScope, input: MemberListInput) {
  const rows = await scope.db.workspaceMember.findMany({
    orderBy: { id: "asc" },
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      role: true,
      grantedPermissions: true,
      createdAt: true,
      user: { select: { id: true, email: true, fullName: true } },
    },
  });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((m) => ({
      memberId: m.id,
      userId: m.user.id,
      email: m.user.email,
      fullName: m.user.fullName,
      role: m.role,
      grantedPermissions: grantsOf(m.grantedPermissions),
      joinedAt: m.createdAt,
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** An admin manages members and admins; only an owner touches another owner. */
function ensureMayManage(scope: WorkspaceScope, targetRole: WorkspaceRole): void {
  if (scope.role !== "owner" && ROLE_RANK[targetRole] >= ROLE_RANK[scope.role] && targetRole === "owner") {
    throw new ForbiddenError("Only an owner can change an owner", "insufficient_role");
  }
}

export async function updateMemberRole(scope: WorkspaceScope, meta: RequestMeta, input: UpdateRoleInput) {
  const target = await findMember(scope, input.userId);
  ensureMayManage(scope, target.role);
  await scope.db.$transaction(async (tx) => {
    if (target.role === "owner" && (await tx.workspaceMember.count({ where: { role: "owner" } })) <= 1) throw lastOwner();
    // Grants belong to the `member` role (setMemberPermissions): another role drops them, so a
    // hiring manager made a viewer is read-only, and made a member again starts without them.
    await tx.workspaceMember.update({
      where: { id: target.id },
      data: { role: input.role, ...(input.role !== "member" ? { grantedPermissions: [] } : {}) },
    });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "member.role_changed",
      targetType: "user",
      targetId: input.userId,
      metadata: { from: target.role, to: input.role },
    });
  });
}

/**
 * Sets the permissions a member holds beyond their role (`GRANTABLE_PERMISSIONS`: a hiring manager
 * holds `interviews:manage`). Only a `member` takes grants: a viewer stays read-only, and admins and
 * owners hold them already. The list replaces the previous one; the caller forgets the cached
 * memberships afterwards, so the change applies from the next request.
 */
export async function setMemberPermissions(scope: WorkspaceScope, meta: RequestMeta, input: SetPermissionsInput): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    const target = await tx.workspaceMember.findFirst({
      where: { id: input.memberId },
      select: { id: true, userId: true, role: true, grantedPermissions: true },
    });
    if (!target) throw new NotFoundError("Member");
    if (target.role !== "member" && input.permissions.length > 0) {
      throw new ValidationError(
        `Permissions are granted to members only; this one is ${target.role === "viewer" ? "a viewer" : `an ${target.role}`}`,
        "grant_requires_member_role",
      );
    }
    const before = grantsOf(target.grantedPermissions);
    await tx.workspaceMember.update({ where: { id: target.id }, data: { grantedPermissions: input.permissions } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "member.permissions_changed",
      targetType: "member",
      targetId: target.id,
      metadata: { userId: target.userId, from: before, to: input.permissions },
    });
  });
}

export async function removeMember(scope: WorkspaceScope, meta: RequestMeta, input: RemoveMemberInput): Promise<void> {
  if (input.userId === scope.userId) throw new ValidationError("Use workspaces.leave to leave a workspace", "cannot_target_self");
  const target = await findMember(scope, input.userId);
  ensureMayManage(scope, target.role);
  await scope.db.$transaction(async (tx) => {
    if (target.role === "owner" && (await tx.workspaceMember.count({ where: { role: "owner" } })) <= 1) throw lastOwner();
    await tx.workspaceMember.delete({ where: { id: target.id } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "member.removed",
      targetType: "user",
      targetId: input.userId,
      metadata: { role: target.role },
    });
  });
}

const inviteSelect = {
  id: true,
  email: true,
  role: true,
  expiresAt: true,
  createdAt: true,
  invitedBy: { select: { id: true, email: true } },
} as const;

const pendingInvite = () => ({ acceptedAt: null, revokedAt: null, declinedAt: null, expiresAt: { gt: new Date() } });

export async function createInvite(
  scope: WorkspaceScope,
  meta: RequestMeta,
  deps: Pick<AppServices, "limits" | "settings" | "emailQueued">,
  input: CreateInviteInput,
) {
  await deps.limits.consume("invite", scope.workspaceId);
  if (await scope.db.workspaceMember.findFirst({ where: { user: { email: input.email } }, select: { id: true } })) {
    throw new ConflictError("This person is already a member", "already_member");
  }
  if (await scope.db.workspaceInvite.findFirst({ where: { email: input.email, ...pendingInvite() }, select: { id: true } })) {
    throw new ConflictError("An invitation to this address is already pending", "invite_pending");
  }
  const token = generateOpaqueToken();
  const invite = await scope.db.$transaction(async (tx) => {
    const invite = await tx.workspaceInvite.create({
      data: {
        workspaceId: scope.workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: scope.userId,
        expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      },
      select: { ...inviteSelect, workspace: { select: { name: true } }, invitedBy: { select: { id: true, email: true, fullName: true } } },
    });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "invite.created",
      targetType: "invite",
      targetId: invite.id,
      metadata: { email: input.email, role: input.role },
    });
    const link = `${deps.settings.appUrl}/invites/accept?token=${token}`;
    await enqueueEmail(tx, {
      to: input.email,
      template: "workspace_invite",
      ...workspaceInvite({
        workspaceName: invite.workspace.name,
        inviterName: invite.invitedBy?.fullName ?? invite.invitedBy?.email ?? null,
        link,
      }),
    });
    return invite;
  });
  deps.emailQueued();
  const { workspace: _workspace, invitedBy, ...rest } = invite;
  return { ...rest, invitedBy: invitedBy ? { id: invitedBy.id, email: invitedBy.email } : null };
}

export async function listInvites(scope: WorkspaceScope) {
  return scope.db.workspaceInvite.findMany({ where: pendingInvite(), orderBy: { id: "desc" }, take: 200, select: inviteSelect });
}

export async function revokeInvite(scope: WorkspaceScope, meta: RequestMeta, input: RevokeInviteInput): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    const revoked = await tx.workspaceInvite.updateMany({
      where: { id: input.inviteId, ...pendingInvite() },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) throw new NotFoundError("Invitation");
    await recordAudit(tx, scope.workspaceId, meta, { action: "invite.revoked", targetType: "invite", targetId: input.inviteId });
  });
}

async function findPendingInvite(db: Db, token: string) {
  const invite = await db.workspaceInvite.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      workspaceId: true,
      email: true,
      role: true,
      acceptedAt: true,
      revokedAt: true,
      declinedAt: true,
      expiresAt: true,
      workspace: { select: { deletedAt: true } },
    },
  });
  if (!invite || invite.revokedAt || invite.workspace.deletedAt) throw new ValidationError("This invitation is not valid", "invalid_token");
  if (invite.acceptedAt || invite.declinedAt) throw new ValidationError("This invitation was already answered", "token_used");
  if (invite.expiresAt <= new Date()) throw new ValidationError("This invitation has expired", "token_expired");
  return invite;
}

export async function acceptInvite(db: Db, meta: RequestMeta, input: InviteTokenInput & { userId: string }) {
  const invite = await findPendingInvite(db, input.token);
  const user = await db.user.findUniqueOrThrow({ where: { id: input.userId }, select: { email: true, emailVerifiedAt: true } });
  if (user.email !== invite.email) {
    throw new ForbiddenError("This invitation was sent to another email address", "invite_email_mismatch");
  }
  if (!user.emailVerifiedAt) throw new ForbiddenError("Verify your email address before accepting", "email_not_verified");
  try {
    await db.$transaction(async (tx) => {
      const claimed = await tx.workspaceInvite.updateMany({
        where: { id: invite.id, acceptedAt: null, declinedAt: null, revokedAt: null },
        data: { acceptedAt: new Date(), acceptedById: input.userId },
      });
      if (claimed.count === 0) throw new ValidationError("This invitation was already answered", "token_used");
      await tx.workspaceMember.create({ data: { workspaceId: invite.workspaceId, userId: input.userId, role: invite.role } });
      await recordAudit(tx, invite.workspaceId, meta, { action: "invite.accepted", targetType: "invite", targetId: invite.id });
      await recordAudit(tx, invite.workspaceId, meta, {
        action: "member.added",
        targetType: "user",
        targetId: input.userId,
        metadata: { role: invite.role },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("You are already a member of this workspace", "already_member");
    throw error;
  }
  return { workspaceId: invite.workspaceId, role: invite.role };
}

export async function declineInvite(db: Db, meta: RequestMeta, input: InviteTokenInput): Promise<void> {
  const invite = await findPendingInvite(db, input.token);
  await db.$transaction(async (tx) => {
    const claimed = await tx.workspaceInvite.updateMany({
      where: { id: invite.id, acceptedAt: null, declinedAt: null },
      data: { declinedAt: new Date() },
    });
    if (claimed.count === 0) throw new ValidationError("This invitation was already answered", "token_used");
    await recordAudit(tx, invite.workspaceId, meta, { action: "invite.declined", targetType: "invite", targetId: invite.id });
  });
}
