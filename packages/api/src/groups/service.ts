// Groups of workspace members, for sharing meetings with many people at once (a grant to a group
// reaches its members through tenancy/meeting-access.ts, which reads group_members live: adding or
// removing someone here changes what they can see with the next request).
//
// Who may do what:
// - every member sees every group and its members (they pick groups to share with);
// - workspace owners and admins create, rename and delete groups, and manage any group's members
//   (`groups:manage`);
// - a group's admins manage that group's members and their group roles, nothing else
//   (`group-members:manage` lets a member through to the check here, `requireGroupManager`). Like
//   a grant, the group role is capped by the workspace role: a viewer who is a group admin reads.
import { isUniqueViolation, Prisma, queryRows, type ScopedDb } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import { requireMembers } from "../tenancy/members.js";
import { can } from "../tenancy/permissions.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import {
  MEMBERS_IN_GET,
  type AddGroupMembersInput,
  type CreateGroupInput,
  type GroupIdInput,
  type ListGroupMembersInput,
  type ListGroupsInput,
  type RemoveGroupMemberInput,
  type SetGroupRoleInput,
  type UpdateGroupInput,
} from "./schemas.js";

/** The tables a check reads, from the scoped client or a transaction on it. */
type GroupReader = Pick<ScopedDb, "group" | "groupMember">;

const nameTaken = () => new ConflictError("A group with this name already exists in this workspace", "group_name_taken");

/** The group fields every answer has, with the caller's own role in it. */
const groupSelect = (scope: WorkspaceScope) =>
  ({
    id: true,
    name: true,
    description: true,
    createdAt: true,
    _count: { select: { members: true } },
    members: { where: { memberId: scope.memberId }, select: { role: true }, take: 1 },
  }) as const;

interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  _count: { members: number };
  members: { role: "member" | "admin" }[];
}

function present({ _count, members, ...group }: GroupRow) {
  return { ...group, memberCount: _count.members, myRole: members[0]?.role ?? null };
}

const groupMemberSelect = {
  id: true,
  role: true,
  createdAt: true,
  member: { select: { id: true, userId: true, user: { select: { email: true, fullName: true } } } },
} as const;

interface GroupMemberRow {
  id: string;
  role: "member" | "admin";
  createdAt: Date;
  member: { id: string; userId: string; user: { email: string; fullName: string | null } };
}

function presentMember(row: GroupMemberRow) {
  return {
    memberId: row.member.id,
    userId: row.member.userId,
    email: row.member.user.email,
    fullName: row.member.user.fullName,
    role: row.role,
    addedAt: row.createdAt,
  };
}

async function requireGroup(db: GroupReader, groupId: string): Promise<{ id: string; name: string }> {
  const group = await db.group.findFirst({ where: { id: groupId }, select: { id: true, name: true } });
  if (!group) throw new NotFoundError("Group");
  return group;
}

/**
 * May the caller change this group's members? Workspace owners and admins may change any group's;
 * anyone else only a group they are an admin of. Read in the transaction that makes the change.
 */
async function requireGroupManager(db: GroupReader, scope: WorkspaceScope, groupId: string): Promise<void> {
  if (can(scope.role, "groups:manage")) return;
  const own = await db.groupMember.findFirst({ where: { groupId, memberId: scope.memberId, role: "admin" }, select: { id: true } });
  if (!own) throw new ForbiddenError("Only a workspace admin or an admin of this group can change its members", "not_group_admin");
}

export async function createGroup(scope: WorkspaceScope, meta: RequestMeta, input: CreateGroupInput) {
  try {
    const group = await scope.db.$transaction(async (tx) => {
      const created = await tx.group.create({
        data: { workspaceId: scope.workspaceId, name: input.name, description: input.description ?? null },
        select: groupSelect(scope),
      });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "group.created",
        targetType: "group",
        targetId: created.id,
        metadata: { name: created.name },
      });
      return created;
    });
    return present(group);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

interface GroupListRow {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  memberCount: number;
  myRole: "member" | "admin" | null;
}

/**
 * Ordered by name regardless of case (what a picker shows), which is also the unique index
 * (workspace_id, lower(name)): a page is one index range. Prisma cannot order by lower(name), so
 * this read is SQL, naming the workspace itself.
 */
export async function listGroups(scope: WorkspaceScope, input: ListGroupsInput) {
  const conditions = [Prisma.sql`g.workspace_id = ${scope.workspaceId}::uuid`];
  if (input.mine) {
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM group_members mine WHERE mine.group_id = g.id AND mine.member_id = ${scope.memberId}::uuid)`,
    );
  }
  if (input.cursor) {
    // The cursor is the last group shown; one that is gone (or never was ours) cannot place the page.
    if (!(await scope.db.group.findFirst({ where: { id: input.cursor }, select: { id: true } }))) {
      throw new ValidationError("This cursor is not valid", "invalid_cursor");
    }
    conditions.push(
      Prisma.sql`lower(g.name) > (SELECT lower(c.name) FROM groups c WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.id = ${input.cursor}::uuid)`,
    );
  }
  const rows = await queryRows<GroupListRow>(
    scope.db,
    Prisma.sql`
    SELECT g.id, g.name, g.description, g.created_at AS "createdAt",
           (SELECT count(*)::int FROM group_members gm WHERE gm.group_id = g.id) AS "memberCount",
           (SELECT me.role::text FROM group_members me WHERE me.group_id = g.id AND me.member_id = ${scope.memberId}::uuid) AS "myRole"
      FROM groups g
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY lower(g.name)
     LIMIT ${input.limit + 1}`,
  );
  return toPage(rows, input.limit);
}

export async function getGroup(scope: WorkspaceScope, input: GroupIdInput) {
  const group = await scope.db.group.findFirst({
    where: { id: input.groupId },
    select: groupSelect(scope),
  });
  if (!group) throw new NotFoundError("Group");
  const members = await scope.db.groupMember.findMany({
    where: { groupId: group.id },
    orderBy: { id: "asc" },
    take: MEMBERS_IN_GET,
    select: groupMemberSelect,
  });
  return { ...present(group), members: members.map(presentMember) };
}

export async function updateGroup(scope: WorkspaceScope, meta: RequestMeta, input: UpdateGroupInput) {
  const { groupId, name, description } = input;
  try {
    const group = await scope.db.$transaction(async (tx) => {
      const before = await requireGroup(tx, groupId);
      const updated = await tx.group.update({
        where: { id: before.id },
        data: { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) },
        select: groupSelect(scope),
      });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "group.updated",
        targetType: "group",
        targetId: groupId,
        metadata: {
          changed: [...(name !== undefined ? ["name"] : []), ...(description !== undefined ? ["description"] : [])],
          ...(name !== undefined && name !== before.name ? { from: before.name, to: name } : {}),
        },
      });
      return updated;
    });
    return present(group);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/** Its memberships and the meeting grants made to it go with it (foreign keys cascade). */
export async function deleteGroup(scope: WorkspaceScope, meta: RequestMeta, input: GroupIdInput): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    const group = await requireGroup(tx, input.groupId);
    const memberCount = await tx.groupMember.count({ where: { groupId: group.id } });
    await tx.group.delete({ where: { id: group.id } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "group.deleted",
      targetType: "group",
      targetId: group.id,
      metadata: { name: group.name, memberCount },
    });
  });
}

export async function listGroupMembers(scope: WorkspaceScope, input: ListGroupMembersInput) {
  const group = await requireGroup(scope.db, input.groupId);
  const rows = await scope.db.groupMember.findMany({
    where: { groupId: group.id },
    orderBy: { id: "asc" },
    ...pageArgs(input),
    select: groupMemberSelect,
  });
  const page = toPage(rows, input.limit);
  return { items: page.items.map(presentMember), nextCursor: page.nextCursor };
}

const alreadyInGroup = () =>
  new ConflictError("Already in this group: change a member's role with groups.members.setRole", "already_in_group");

/** Adds workspace members to a group, all or none; one already in it is a CONFLICT (roles change by setRole). */
export async function addGroupMembers(scope: WorkspaceScope, meta: RequestMeta, input: AddGroupMembersInput): Promise<void> {
  // Every id is resolved before anything is decided: one the caller cannot see is NOT_FOUND.
  await requireGroup(scope.db, input.groupId);
  const members = await requireMembers(scope, input.memberIds);
  // A group's grants reach its members, and workspace admins do not see others' private meetings:
  // no one adds themselves to a group (another admin of the group, or of the workspace, may).
  if (members.some((member) => member.id === scope.memberId)) {
    throw new ValidationError("You cannot add yourself to a group; another admin can", "cannot_target_self");
  }
  try {
    await scope.db.$transaction(async (tx) => {
      await requireGroupManager(tx, scope, input.groupId);
      const already = await tx.groupMember.count({ where: { groupId: input.groupId, memberId: { in: input.memberIds } } });
      if (already > 0) throw alreadyInGroup();
      await tx.groupMember.createMany({
        data: input.memberIds.map((memberId) => ({ workspaceId: scope.workspaceId, groupId: input.groupId, memberId, role: input.role })),
      });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "group.members_added",
        targetType: "group",
        targetId: input.groupId,
        metadata: { memberIds: input.memberIds, role: input.role },
      });
    });
  } catch (error) {
    // Someone added one of them at the same moment.
    if (isUniqueViolation(error)) throw alreadyInGroup();
    throw error;
  }
}

async function requireGroupMember(db: GroupReader, groupId: string, memberId: string) {
  const row = await db.groupMember.findFirst({ where: { groupId, memberId }, select: { id: true, role: true } });
  if (!row) throw new NotFoundError("Group member");
  return row;
}

export async function removeGroupMember(scope: WorkspaceScope, meta: RequestMeta, input: RemoveGroupMemberInput): Promise<void> {
  await requireGroup(scope.db, input.groupId);
  await scope.db.$transaction(async (tx) => {
    const row = await requireGroupMember(tx, input.groupId, input.memberId);
    await requireGroupManager(tx, scope, input.groupId);
    const removed = await tx.groupMember.deleteMany({ where: { id: row.id } });
    if (removed.count === 0) throw new NotFoundError("Group member"); // removed by someone else meanwhile
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "group.member_removed",
      targetType: "group",
      targetId: input.groupId,
      metadata: { memberId: input.memberId, role: row.role },
    });
  });
}

/** Promotes a group member to group admin or back. Setting the role they have changes nothing. */
export async function setGroupRole(scope: WorkspaceScope, meta: RequestMeta, input: SetGroupRoleInput): Promise<void> {
  await requireGroup(scope.db, input.groupId);
  await scope.db.$transaction(async (tx) => {
    const row = await requireGroupMember(tx, input.groupId, input.memberId);
    await requireGroupManager(tx, scope, input.groupId);
    if (row.role === input.role) return;
    await tx.groupMember.update({ where: { id: row.id }, data: { role: input.role } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "group.member_role_changed",
      targetType: "group",
      targetId: input.groupId,
      metadata: { memberId: input.memberId, from: row.role, to: input.role },
    });
  });
}
