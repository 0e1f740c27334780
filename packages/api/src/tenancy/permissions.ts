// The one permission matrix. Viewers read; members write content; admins manage members, invites,
// integrations, settings and groups; only owners delete the workspace or transfer ownership.
import type { ApiKeyScope, WorkspaceRole } from "@meetmind/db";

export const ROLES = ["owner", "admin", "member", "viewer"] as const satisfies readonly WorkspaceRole[];

export const PERMISSIONS = {
  "workspace:read": ["owner", "admin", "member", "viewer"],
  "workspace:update": ["owner", "admin"],
  "workspace:delete": ["owner"],
  "workspace:transfer": ["owner"],
  "members:read": ["owner", "admin", "member", "viewer"],
  "members:manage": ["owner", "admin"],
  // Every member sees the groups (to share with them); admins create, rename and delete them.
  "groups:read": ["owner", "admin", "member", "viewer"],
  "groups:manage": ["owner", "admin"],
  // Changing a group's members: admins for any group, a member for a group they are an admin of
  // (that second check is the groups service's: it depends on the group, not the role alone).
  "group-members:manage": ["owner", "admin", "member"],
  "meetings:read": ["owner", "admin", "member", "viewer"],
  "meetings:write": ["owner", "admin", "member"],
  // Interviews are read and written by their panel only (tenancy/interview-access.ts): these two say
  // what a role may do to an interview it sees; `interviews:manage` sees every interview and
  // candidate, and creates, schedules, cancels and erases them. Grantable to a member (a hiring manager).
  "interviews:read": ["owner", "admin", "member", "viewer"],
  "interviews:write": ["owner", "admin", "member"],
  "interviews:manage": ["owner", "admin"],
  "integrations:manage": ["owner", "admin"],
  "askmind:use": ["owner", "admin", "member", "viewer"],
  "askmind:manage": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  /** The workspace's model server, API key, token cap and system prompts. */
  "settings:manage": ["owner", "admin"],
  "apikeys:manage": ["owner", "admin"],
} as const satisfies Record<string, readonly WorkspaceRole[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permissions an admin may grant a member beyond their role (`workspaces.members.setPermissions`),
 * stored on the membership. Only to a `member`: a viewer stays read-only, admins have them already.
 */
export const GRANTABLE_PERMISSIONS = ["interviews:manage"] as const satisfies readonly Permission[];
export type GrantablePermission = (typeof GRANTABLE_PERMISSIONS)[number];

export function can(role: WorkspaceRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly WorkspaceRole[]).includes(role);
}

/** Whether a membership (its role, and what was granted to it) holds a permission. */
export function holds(member: { role: WorkspaceRole; grants: readonly string[] }, permission: Permission): boolean {
  return can(member.role, permission) || member.grants.includes(permission);
}

/**
 * Whether a caller sees every interview and candidate (and manages them). Never through an API key:
 * no key reaches `interviews:manage` (KEY_SCOPE_FOR), so an admin's key sees only the interviews
 * whose panel its creator sits on, like any member's.
 */
export function managesInterviews(caller: { role: WorkspaceRole; grants: readonly string[]; viaApiKey?: boolean }): boolean {
  return caller.viaApiKey !== true && holds(caller, "interviews:manage");
}

/** Keeps only the grantable permissions from a stored list (a retired one grants nothing). */
export function grantsOf(stored: readonly string[]): GrantablePermission[] {
  return GRANTABLE_PERMISSIONS.filter((permission) => stored.includes(permission));
}

/**
 * What an API key may reach, besides what its creator's role allows: the scope each permission
 * needs, or null for the management permissions no key ever reaches (members, groups, settings,
 * ownership, integrations, the audit log, suggested prompts, API keys themselves). A table rather than a rule
 * so that a new permission fails the typecheck until someone decides.
 */
export const KEY_SCOPE_FOR: Record<Permission, ApiKeyScope | null> = {
  "workspace:read": "read",
  "workspace:update": null,
  "workspace:delete": null,
  "workspace:transfer": null,
  "members:read": "read",
  "members:manage": null,
  "groups:read": "read",
  "groups:manage": null,
  "group-members:manage": null,
  "meetings:read": "read",
  "meetings:write": "write",
  "interviews:read": "read",
  "interviews:write": "write",
  "interviews:manage": null,
  "integrations:manage": null,
  "askmind:use": "ask",
  "askmind:manage": null,
  "audit:read": null,
  "settings:manage": null,
  "apikeys:manage": null,
};

/**
 * Whether a key with these scopes may call a procedure needing `permission`. `write` includes
 * `read`: writes answer with what they wrote, so a write-only key would read anyway. `read` reaches
 * queries only: the one mutation a read permission guards (`workspaces.leave`) is not a key's to
 * make. `ask` covers Ask Mind threads and questions, which answer from meeting content.
 */
export function keyAllows(scopes: readonly ApiKeyScope[], permission: Permission, type: string): boolean {
  const needed = KEY_SCOPE_FOR[permission];
  if (needed === null) return false;
  if (needed === "read") return type === "query" && (scopes.includes("read") || scopes.includes("write"));
  return scopes.includes(needed);
}

/** Roles ranked for "may this role act on that one": an admin cannot change an owner. */
export const ROLE_RANK: Record<WorkspaceRole, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };
