import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  actionItemIdInput,
  actionItemOutput,
  actionItemPage,
  createActionItemInput,
  listActionItemsInput,
  updateActionItemInput,
} from "./schemas.js";
import * as actionItems from "./service.js";

export const actionItemsRouter = createTRPCRouter({
  list: workspaceProcedure("meetings:read")
    .input(listActionItemsInput)
    .output(actionItemPage)
    .query(({ ctx, input }) => actionItems.listActionItems(ctx.scope, input)),
  create: workspaceProcedure("meetings:write")
    .input(createActionItemInput)
    .output(actionItemOutput)
    .mutation(({ ctx, input }) => actionItems.createActionItem(ctx.scope, input)),
  update: workspaceProcedure("meetings:write")
    .input(updateActionItemInput)
    .output(actionItemOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...changes } }) => actionItems.updateActionItem(ctx.scope, changes)),
  complete: workspaceProcedure("meetings:write")
    .input(actionItemIdInput)
    .output(actionItemOutput)
    .mutation(({ ctx, input }) => actionItems.completeActionItem(ctx.scope, input)),
  delete: workspaceProcedure("meetings:write")
    .input(actionItemIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await actionItems.deleteActionItem(ctx.scope, input);
      return { ok: true as const };
    }),
});
