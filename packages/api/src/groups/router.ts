import { requestMeta } from "../context.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  addGroupMembersInput,
  createGroupInput,
  groupDetailOutput,
  groupIdInput,
  groupMemberPage,
  groupOutput,
  groupPage,
  listGroupMembersInput,
  listGroupsInput,
  removeGroupMemberInput,
  setGroupRoleInput,
  updateGroupInput,
} from "./schemas.js";
import * as groups from "./service.js";

const ok = { ok: true as const };

export const groupsRouter = createTRPCRouter({
  create: workspaceProcedure("groups:manage")
    .input(createGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => groups.createGroup(ctx.scope, requestMeta(ctx), fields)),

  list: workspaceProcedure("groups:read")
    .input(listGroupsInput)
    .output(groupPage)
    .query(({ ctx, input: { workspaceId: _, ...filters } }) => groups.listGroups(ctx.scope, filters)),

  get: workspaceProcedure("groups:read")
    .input(groupIdInput)
    .output(groupDetailOutput)
    .query(({ ctx, input }) => groups.getGroup(ctx.scope, input)),

  update: workspaceProcedure("groups:manage")
    .input(updateGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => groups.updateGroup(ctx.scope, requestMeta(ctx), fields)),

  delete: workspaceProcedure("groups:manage")
    .input(groupIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await groups.deleteGroup(ctx.scope, requestMeta(ctx), input);
      return ok;
    }),

  // Workspace admins, and the group's own admins (checked in the service: it depends on the group).
  members: createTRPCRouter({
    list: workspaceProcedure("groups:read")
      .input(listGroupMembersInput)
      .output(groupMemberPage)
      .query(({ ctx, input }) => groups.listGroupMembers(ctx.scope, input)),
    add: workspaceProcedure("group-members:manage")
      .input(addGroupMembersInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await groups.addGroupMembers(ctx.scope, requestMeta(ctx), input);
        return ok;
      }),
    remove: workspaceProcedure("group-members:manage")
      .input(removeGroupMemberInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await groups.removeGroupMember(ctx.scope, requestMeta(ctx), input);
        return ok;
      }),
    setRole: workspaceProcedure("group-members:manage")
      .input(setGroupRoleInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await groups.setGroupRole(ctx.scope, requestMeta(ctx), input);
        return ok;
      }),
  }),
});
