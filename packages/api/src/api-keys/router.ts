import { requestMeta } from "../context.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { apiKeyPage, createApiKeyInput, createdApiKeyOutput, listApiKeysInput, revokeApiKeyInput } from "./schemas.js";
import * as apiKeys from "./service.js";

export const apiKeysRouter = createTRPCRouter({
  create: workspaceProcedure("apikeys:manage")
    .input(createApiKeyInput)
    .output(createdApiKeyOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...key } }) => apiKeys.createApiKey(ctx.scope, requestMeta(ctx), key)),

  list: workspaceProcedure("apikeys:manage")
    .input(listApiKeysInput)
    .output(apiKeyPage)
    .query(({ ctx, input }) => apiKeys.listApiKeys(ctx.scope, input)),

  revoke: workspaceProcedure("apikeys:manage")
    .input(revokeApiKeyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await apiKeys.revokeApiKey(ctx.scope, requestMeta(ctx), input);
      // Refused at once on this instance; on others when their brief cache lapses.
      ctx.services.apiKeys.forget(input.apiKeyId);
      return { ok: true as const };
    }),
});
