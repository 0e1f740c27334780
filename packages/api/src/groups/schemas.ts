import { z } from "zod";
import { pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
// Lower-cased as Postgres prints uuids, so the same id in capitals is the same id (duplicates, lookups).
const id = () => z.uuid().toLowerCase();
const groupId = id();

export const groupRoleSchema = z.enum(["member", "admin"]);

/** Names are compared case-insensitively (a unique index on lower(name)); the case given is kept. */
const name = z.string().trim().min(1, "Name is required").max(100);
/** An empty description is no description. */
const description = z
  .string()
  .trim()
  .max(1000)
  .nullable()
  .transform((text) => (text === "" ? null : text));

/** The most members one call adds: one transaction, one audit entry. */
export const MAX_MEMBERS_PER_ADD = 100;
/** The members `groups.get` returns inline; `groups.members.list` pages through all of them. */
export const MEMBERS_IN_GET = 100;

export const createGroupInput = z.object({ workspaceId, name, description: description.optional() });
export const updateGroupInput = z.object({ workspaceId, groupId, name: name.optional(), description: description.optional() });
export const groupIdInput = z.object({ workspaceId, groupId });
export const listGroupsInput = z.object({
  workspaceId,
  ...pageInput,
  /** Only the groups the caller belongs to. */
  mine: z.boolean().default(false),
});
export const listGroupMembersInput = z.object({ workspaceId, groupId, ...pageInput });
export const addGroupMembersInput = z.object({
  workspaceId,
  groupId,
  /** Workspace member ids (`workspaces.members.list` → `memberId`); repeats count once. */
  memberIds: z
    .array(id())
    .min(1)
    .max(MAX_MEMBERS_PER_ADD)
    .transform((ids) => [...new Set(ids)]),
  role: groupRoleSchema.default("member"),
});
export const removeGroupMemberInput = z.object({ workspaceId, groupId, memberId: id() });
export const setGroupRoleInput = z.object({ workspaceId, groupId, memberId: id(), role: groupRoleSchema });

export type CreateGroupInput = ScopedInput<typeof createGroupInput>;
export type UpdateGroupInput = ScopedInput<typeof updateGroupInput>;
export type GroupIdInput = ScopedInput<typeof groupIdInput>;
export type ListGroupsInput = ScopedInput<typeof listGroupsInput>;
export type ListGroupMembersInput = ScopedInput<typeof listGroupMembersInput>;
export type AddGroupMembersInput = ScopedInput<typeof addGroupMembersInput>;
export type RemoveGroupMemberInput = ScopedInput<typeof removeGroupMemberInput>;
export type SetGroupRoleInput = ScopedInput<typeof setGroupRoleInput>;

export const groupOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  memberCount: z.number().int(),
  /** The caller's role in the group, or null when they are not in it. */
  myRole: groupRoleSchema.nullable(),
  createdAt: z.date(),
});
export const groupPage = pageOf(groupOutput);

export const groupMemberOutput = z.object({
  /** The workspace member id: what add, remove and setRole take. */
  memberId: z.string(),
  userId: z.string(),
  email: z.string(),
  fullName: z.string().nullable(),
  role: groupRoleSchema,
  addedAt: z.date(),
});
export const groupMemberPage = pageOf(groupMemberOutput);

/** A group with its first MEMBERS_IN_GET members (in the order they joined); `memberCount` counts all. */
export const groupDetailOutput = groupOutput.extend({ members: groupMemberOutput.array() });
