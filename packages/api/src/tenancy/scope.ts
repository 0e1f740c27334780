// The one mechanism that keeps a workspace procedure inside its workspace: services get a client
// (scopedDb, from @meetmind/db) whose every query on a tenant-owned table is constrained to the
// workspace. A foreign id finds nothing, which the service reports as NOT_FOUND.
import type { ScopedDb, WorkspaceRole } from "@meetmind/db";
import type { GrantablePermission } from "./permissions.js";

/** What a workspace procedure's service gets: who is acting, where, and a client kept there. */
export interface WorkspaceScope {
  db: ScopedDb;
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
  memberId: string;
  /** Permissions granted to the member beyond their role (`holds` in permissions.ts reads both). */
  grants: readonly GrantablePermission[];
  /** The caller is a workspace API key (acting as its creator, within its scopes). */
  viaApiKey?: boolean;
}
