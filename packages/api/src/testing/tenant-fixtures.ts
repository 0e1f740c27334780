// For every workspace-scoped procedure: an input that targets workspace A's resources. The sweep
// (sweep.test.ts) calls each one as a member of workspace B, with B's workspaceId and with A's,
// and fails for any workspace-scoped procedure that has no entry here. Add one with every new
// workspace procedure.
import type { World } from "./world.js";

export interface TenantFixture {
  /** The input, less workspaceId (the sweep sets it), naming A's resources where it names any. */
  input: (world: World) => Record<string, unknown>;
  /** Whether the input names a resource besides the workspace (then B's own id is tried too). */
  namesResources: boolean;
}

export const tenantFixtures: Record<string, TenantFixture> = {
  "workspaces.get": { input: () => ({}), namesResources: false },
  "workspaces.update": { input: () => ({ name: "Taken over" }), namesResources: false },
  "workspaces.delete": { input: () => ({}), namesResources: false },
  "workspaces.transferOwnership": { input: (w) => ({ userId: w.a.member.id }), namesResources: true },
  "workspaces.leave": { input: () => ({}), namesResources: false },
  "workspaces.members.list": { input: () => ({}), namesResources: false },
  "workspaces.members.updateRole": { input: (w) => ({ userId: w.a.member.id, role: "viewer" }), namesResources: true },
  "workspaces.members.remove": { input: (w) => ({ userId: w.a.member.id }), namesResources: true },
  "workspaces.invites.create": { input: () => ({ email: "new-person@example.com", role: "member" }), namesResources: false },
  "workspaces.invites.list": { input: () => ({}), namesResources: false },
  "workspaces.invites.revoke": { input: (w) => ({ inviteId: w.a.invite.id }), namesResources: true },
  "workspaces.auditLog.list": { input: () => ({}), namesResources: false },
};

/**
 * Procedures that take an id but are not workspace-scoped, with the reason. The sweep fails for
 * any other procedure that takes an id without being a workspaceProcedure.
 */
export const notWorkspaceScoped: Record<string, string> = {
  "auth.sessions.revoke": "a user's own sessions; another user's session answers NOT_FOUND (identity tests)",
  "admin.users.setActive": "superusers only, across the whole installation",
  "admin.users.delete": "superusers only, across the whole installation",
  "admin.users.list": "superusers only; the cursor is a user id",
};
