import { requestMeta, type Context } from "../context.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import * as prompts from "./prompts.js";
import {
  aiSettingsOutput,
  connectionTestOutput,
  getAiSettingsInput,
  getUsageInput,
  listPromptsInput,
  promptOutput,
  resetPromptInput,
  testConnectionInput,
  updateAiSettingsInput,
  updatePromptInput,
  usageOutput,
} from "./schemas.js";
import * as settings from "./service.js";

/** A new model server or embeddings model: the workspace's transcripts are embedded with it (in the background). */
async function announceChange(ctx: Context, workspaceId: string): Promise<void> {
  try {
    await ctx.services.aiSettingsChanged?.(workspaceId);
  } catch (error) {
    // The settings are saved; the next transcript import or server start queues what is missing.
    ctx.log.warn({ err: error, workspaceId }, "could not queue embeddings for the new AI settings");
  }
}

export const settingsRouter = createTRPCRouter({
  ai: createTRPCRouter({
    /** The workspace's model server (key masked), its cap, and what its AI features use now. */
    get: workspaceProcedure("settings:manage")
      .input(getAiSettingsInput)
      .output(aiSettingsOutput)
      .query(({ ctx }) => settings.getAiSettings(ctx.services, ctx.scope)),
    update: workspaceProcedure("settings:manage")
      .input(updateAiSettingsInput)
      .output(aiSettingsOutput)
      .mutation(async ({ ctx, input }) => {
        const saved = await settings.updateAiSettings(ctx.services, ctx.scope, requestMeta(ctx), input);
        if (input.baseUrl !== undefined || input.embeddingModel !== undefined) await announceChange(ctx, ctx.scope.workspaceId);
        return saved;
      }),
    /** A mutation although it changes nothing stored: it makes a request to an outside server. */
    testConnection: workspaceProcedure("settings:manage")
      .input(testConnectionInput)
      .output(connectionTestOutput)
      .mutation(({ ctx, input }) => settings.testConnection(ctx.services, ctx.scope, input)),
  }),

  prompts: createTRPCRouter({
    list: workspaceProcedure("settings:manage")
      .input(listPromptsInput)
      .output(promptOutput.array())
      .query(({ ctx }) => prompts.listPrompts(ctx.scope)),
    update: workspaceProcedure("settings:manage")
      .input(updatePromptInput)
      .output(promptOutput)
      .mutation(({ ctx, input }) => prompts.updatePrompt(ctx.services, ctx.scope, requestMeta(ctx), input)),
    /** Back to the built-in default, as a new version. */
    reset: workspaceProcedure("settings:manage")
      .input(resetPromptInput)
      .output(promptOutput)
      .mutation(({ ctx, input }) => prompts.resetPrompt(ctx.services, ctx.scope, requestMeta(ctx), input)),
  }),

  usage: createTRPCRouter({
    /** A month's model tokens per feature and the cap; every member may read it (each can meet the cap). */
    get: workspaceProcedure("workspace:read")
      .input(getUsageInput)
      .output(usageOutput)
      .query(({ ctx, input }) => settings.getUsage(ctx.services, ctx.scope, input)),
  }),
});
