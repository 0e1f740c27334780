import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { generateSummaryInput, getSummaryInput, summaryOutput } from "./schemas.js";
import { getSummary, requestSummary } from "./service.js";

export const summaryRouter = createTRPCRouter({
  /** Queues a new version (pending, or running if a worker already took it); poll `get` for the result. */
  generate: workspaceProcedure("meetings:write")
    .input(generateSummaryInput)
    .output(summaryOutput)
    .mutation(async ({ ctx, input }) => {
      const summary = await requestSummary(ctx.services, ctx.scope, input);
      ctx.services.jobsQueued();
      return summary;
    }),

  /** The latest version (or `version`), whatever its status; null before the first request. */
  get: workspaceProcedure("meetings:read")
    .input(getSummaryInput)
    .output(summaryOutput.nullable())
    .query(({ ctx, input }) => getSummary(ctx.scope, input)),
});
