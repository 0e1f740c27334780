import { listAudit } from "../audit/service.js";
import { okOutput } from "../shared/schemas.js";
import { requestMeta } from "../context.js";
import { createTRPCRouter, protectedProcedure, publicProcedure, workspaceProcedure } from "../trpc.js";
import {
  acceptOutput,
  auditListInput,
  auditPage,
  createInviteInput,
  createWorkspaceInput,
  inviteListInput,
  inviteOutput,
  inviteTokenInput,
  memberListInput,
  memberPage,
  removeMemberInput,
  revokeInviteInput,
  transferOwnershipInput,
  updateRoleInput,
  setPermissionsInput,
  updateWorkspaceInput,
  workspaceOutput,
} from "./schemas.js";
import * as workspaces from "./service.js";

const ok = { ok: true as const };

export const workspacesRouter = createTRPCRouter({
  create: protectedProcedure
    .input(createWorkspaceInput)
    .output(workspaceOutput)
    .mutation(({ ctx, input }) => workspaces.createWorkspace(ctx.db, requestMeta(ctx), { userId: ctx.user.id, ...input })),

  list: protectedProcedure.output(workspaceOutput.array()).query(({ ctx }) => workspaces.listWorkspaces(ctx.db, { userId: ctx.user.id })),

  get: workspaceProcedure("workspace:read")
    .output(workspaceOutput)
    .query(({ ctx }) => workspaces.getWorkspace(ctx.scope)),

  update: workspaceProcedure("workspace:update")
    .input(updateWorkspaceInput)
    .output(workspaceOutput)
    .mutation(async ({ ctx, input: { workspaceId: _, ...changes } }) => {
      const updated = await workspaces.updateWorkspace(ctx.scope, requestMeta(ctx), changes);
      ctx.services.memberships.forget(ctx.scope.workspaceId); // the cached name and slug
      return updated;
    }),

  delete: workspaceProcedure("workspace:delete")
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await workspaces.deleteWorkspace(ctx.scope, requestMeta(ctx));
      ctx.services.memberships.forget(ctx.scope.workspaceId);
      return ok;
    }),

  transferOwnership: workspaceProcedure("workspace:transfer")
    .input(transferOwnershipInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await workspaces.transferOwnership(ctx.scope, requestMeta(ctx), { userId: input.userId });
      ctx.services.memberships.forget(ctx.scope.workspaceId);
      return ok;
    }),

  leave: workspaceProcedure("workspace:read")
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await workspaces.leaveWorkspace(ctx.scope, requestMeta(ctx));
      ctx.services.memberships.forget(ctx.scope.workspaceId);
      return ok;
    }),

  members: createTRPCRouter({
    list: workspaceProcedure("members:read")
      .input(memberListInput)
      .output(memberPage)
      .query(({ ctx, input }) => workspaces.listMembers(ctx.scope, input)),
    updateRole: workspaceProcedure("members:manage")
      .input(updateRoleInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await workspaces.updateMemberRole(ctx.scope, requestMeta(ctx), input);
        ctx.services.memberships.forget(ctx.scope.workspaceId);
        return ok;
      }),
    setPermissions: workspaceProcedure("members:manage")
      .input(setPermissionsInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await workspaces.setMemberPermissions(ctx.scope, requestMeta(ctx), input);
        ctx.services.memberships.forget(ctx.scope.workspaceId);
        return ok;
      }),
    remove: workspaceProcedure("members:manage")
      .input(removeMemberInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await workspaces.removeMember(ctx.scope, requestMeta(ctx), input);
        ctx.services.memberships.forget(ctx.scope.workspaceId);
        return ok;
      }),
  }),

  invites: createTRPCRouter({
    create: workspaceProcedure("members:manage")
      .input(createInviteInput)
      .output(inviteOutput)
      .mutation(({ ctx, input }) => workspaces.createInvite(ctx.scope, requestMeta(ctx), ctx.services, input)),
    list: workspaceProcedure("members:manage")
      .input(inviteListInput)
      .output(inviteOutput.array())
      .query(({ ctx }) => workspaces.listInvites(ctx.scope)),
    revoke: workspaceProcedure("members:manage")
      .input(revokeInviteInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await workspaces.revokeInvite(ctx.scope, requestMeta(ctx), input);
        return ok;
      }),
    accept: protectedProcedure
      .input(inviteTokenInput)
      .output(acceptOutput)
      .mutation(({ ctx, input }) => workspaces.acceptInvite(ctx.db, requestMeta(ctx), { userId: ctx.user.id, token: input.token })),
    // Declining needs no account: the token in the email is proof enough.
    decline: publicProcedure
      .input(inviteTokenInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await workspaces.declineInvite(ctx.db, requestMeta(ctx), input);
        return ok;
      }),
  }),

  auditLog: createTRPCRouter({
    list: workspaceProcedure("audit:read")
      .input(auditListInput)
      .output(auditPage)
      .query(({ ctx, input }) => listAudit(ctx.scope.db, input)),
  }),
});
