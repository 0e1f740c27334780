// The one permission matrix. Viewers read; members write content; admins manage members, invites,
// integrations and settings; only owners delete the workspace or transfer ownership.
import type { WorkspaceRole } from "@meetmind/db";

export const ROLES = ["owner", "admin", "member", "viewer"] as const satisfies readonly WorkspaceRole[];

export const PERMISSIONS = {
  "workspace:read": ["owner", "admin", "member", "viewer"],
  "workspace:update": ["owner", "admin"],
  "workspace:delete": ["owner"],
  "workspace:transfer": ["owner"],
  "members:read": ["owner", "admin", "member", "viewer"],
  "members:manage": ["owner", "admin"],
  "meetings:read": ["owner", "admin", "member", "viewer"],
  "meetings:write": ["owner", "admin", "member"],
  "interviews:read": ["owner", "admin", "member", "viewer"],
  "interviews:write": ["owner", "admin", "member"],
  "integrations:manage": ["owner", "admin"],
  "askmind:use": ["owner", "admin", "member", "viewer"],
  "askmind:manage": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  /** The workspace's model server, API key, token cap and system prompts. */
  "settings:manage": ["owner", "admin"],
} as const satisfies Record<string, readonly WorkspaceRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: WorkspaceRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly WorkspaceRole[]).includes(role);
}

/** Roles ranked for "may this role act on that one": an admin cannot change an owner. */
export const ROLE_RANK: Record<WorkspaceRole, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };
