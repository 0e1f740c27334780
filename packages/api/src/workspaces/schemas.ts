import { z } from "zod";
import { pageInput, type ScopedInput } from "../shared/schemas.js";
import { GRANTABLE_PERMISSIONS } from "../tenancy/permissions.js";
import { emailSchema } from "../users/schemas.js";

export const roleSchema = z.enum(["owner", "admin", "member", "viewer"]);
/** Ownership moves only by transfer, never by invitation or role change. */
export const assignableRoleSchema = z.enum(["admin", "member", "viewer"]);

const nameSchema = z.string().trim().min(1, "Name is required").max(100);
export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$/, "3–48 characters: letters, digits and inner dashes");

const workspaceId = z.uuid();
/** Free-form workspace settings: flat keys with scalar values. */
export const settingsSchema = z.record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]));

export const createWorkspaceInput = z.object({ name: nameSchema, slug: slugSchema.optional() });
export const updateWorkspaceInput = z.object({
  workspaceId,
  name: nameSchema.optional(),
  slug: slugSchema.optional(),
  settings: settingsSchema.refine((value) => Object.keys(value).length <= 50, "At most 50 settings").optional(),
});
export const transferOwnershipInput = z.object({ workspaceId, userId: z.uuid() });
export const memberListInput = z.object({ workspaceId, ...pageInput });
export const updateRoleInput = z.object({ workspaceId, userId: z.uuid(), role: assignableRoleSchema });
export const removeMemberInput = z.object({ workspaceId, userId: z.uuid() });
/** The whole set of grants the member holds afterwards (an empty list revokes them all). */
export const setPermissionsInput = z.object({
  workspaceId,
  memberId: z.uuid().toLowerCase(),
  permissions: z
    .array(z.enum(GRANTABLE_PERMISSIONS))
    .max(GRANTABLE_PERMISSIONS.length * 2)
    .transform((permissions) => [...new Set(permissions)].sort()),
});
export const createInviteInput = z.object({ workspaceId, email: emailSchema, role: assignableRoleSchema.default("member") });
export const inviteListInput = z.object({ workspaceId });
export const revokeInviteInput = z.object({ workspaceId, inviteId: z.uuid() });
export const inviteTokenInput = z.object({ token: z.string().min(16).max(256) });
export const auditListInput = z.object({ workspaceId, ...pageInput });

export type CreateWorkspaceInput = z.infer<typeof createWorkspaceInput>;
export type UpdateWorkspaceInput = ScopedInput<typeof updateWorkspaceInput>;
export type TransferOwnershipInput = ScopedInput<typeof transferOwnershipInput>;
export type MemberListInput = ScopedInput<typeof memberListInput>;
export type UpdateRoleInput = ScopedInput<typeof updateRoleInput>;
export type RemoveMemberInput = ScopedInput<typeof removeMemberInput>;
export type SetPermissionsInput = ScopedInput<typeof setPermissionsInput>;
export type CreateInviteInput = ScopedInput<typeof createInviteInput>;
export type RevokeInviteInput = ScopedInput<typeof revokeInviteInput>;
export type InviteTokenInput = z.infer<typeof inviteTokenInput>;

export const workspaceOutput = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  settings: settingsSchema,
  role: roleSchema,
  createdAt: z.date(),
});

export const memberOutput = z.object({
  /** The membership's id: what assignees, participants, speakers, mentions and filters take. */
  memberId: z.string(),
  /** The user's id: what role changes, removal and ownership transfer take. */
  userId: z.string(),
  email: z.string(),
  fullName: z.string().nullable(),
  role: roleSchema,
  /** Permissions granted beyond the role (`workspaces.members.setPermissions`). */
  grantedPermissions: z.array(z.enum(GRANTABLE_PERMISSIONS)),
  joinedAt: z.date(),
});
export const memberPage = z.object({ items: memberOutput.array(), nextCursor: z.string().nullable() });

export const inviteOutput = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  expiresAt: z.date(),
  createdAt: z.date(),
  invitedBy: z.object({ id: z.string(), email: z.string() }).nullable(),
});

export const acceptOutput = z.object({ workspaceId: z.string(), role: roleSchema });

export const auditPage = z.object({
  items: z
    .object({
      id: z.string(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      metadata: z.unknown(),
      ip: z.string().nullable(),
      requestId: z.string().nullable(),
      createdAt: z.date(),
      actor: z.object({ id: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
    })
    .array(),
  nextCursor: z.string().nullable(),
});
