import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { generateInterviewSummaryInput, getInterviewSummaryInput, interviewSummaryOutput } from "./schemas.js";
import { getInterviewSummary, requestInterviewSummary } from "./service.js";

/** Served as interviews.summary (the root nests it): the panel and hiring managers, as the interview itself. */
export const interviewSummaryRouter = createTRPCRouter({
  /** Queues a new version (pending; the current one stays current until it is done); poll `get` for the result. */
  generate: workspaceProcedure("interviews:write")
    .input(generateInterviewSummaryInput)
    .output(interviewSummaryOutput)
    .mutation(async ({ ctx, input }) => {
      const summary = await requestInterviewSummary(ctx.services, ctx.scope, input);
      ctx.services.jobsQueued();
      return summary;
    }),

  /** The current version (or `version`; before any succeeded, the latest requested); null before the first request. */
  get: workspaceProcedure("interviews:read")
    .input(getInterviewSummaryInput)
    .output(interviewSummaryOutput.nullable())
    .query(({ ctx, input }) => getInterviewSummary(ctx.scope, input)),
});
