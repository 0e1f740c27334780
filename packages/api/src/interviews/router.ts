import { requestMeta, type Context } from "../context.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { afterImport } from "../transcripts/router.js";
import {
  cancelInterviewInput,
  createInterviewInput,
  getInterviewTranscriptInput,
  importInterviewTranscriptInput,
  interviewIdInput,
  interviewOutput,
  interviewPage,
  interviewTranscriptImportOutput,
  interviewTranscriptOutput,
  listInterviewsInput,
  mapSpeakersInput,
  mapSpeakersOutput,
  setStagesInput,
  stagesOutput,
  updateInterviewInput,
} from "./schemas.js";
import * as interviews from "./service.js";
import * as transcript from "./transcript.js";

/** What hiring events need from the request: who did it, and where the emails' links point. */
const eventsOf = (ctx: Context) => ({ meta: requestMeta(ctx), appUrl: ctx.services.settings.appUrl });

export const interviewsRouter = createTRPCRouter({
  create: workspaceProcedure("interviews:manage")
    .input(createInterviewInput)
    .output(interviewOutput)
    .mutation(async ({ ctx, input: { workspaceId: _, ...fields } }) => {
      const interview = await interviews.createInterview(ctx.scope, eventsOf(ctx), fields);
      ctx.services.emailQueued();
      return interview;
    }),

  get: workspaceProcedure("interviews:read")
    .input(interviewIdInput)
    .output(interviewOutput)
    .query(({ ctx, input }) => interviews.getInterview(ctx.scope, input)),

  list: workspaceProcedure("interviews:read")
    .input(listInterviewsInput)
    .output(interviewPage)
    .query(({ ctx, input: { workspaceId: _, ...filters } }) => interviews.listInterviews(ctx.scope, filters)),

  update: workspaceProcedure("interviews:manage")
    .input(updateInterviewInput)
    .output(interviewOutput)
    .mutation(async ({ ctx, input: { workspaceId: _, ...fields } }) => {
      const interview = await interviews.updateInterview(ctx.scope, eventsOf(ctx), fields);
      ctx.services.emailQueued();
      return interview;
    }),

  cancel: workspaceProcedure("interviews:manage")
    .input(cancelInterviewInput)
    .output(interviewOutput)
    .mutation(async ({ ctx, input }) => {
      const interview = await interviews.cancelInterview(ctx.scope, eventsOf(ctx), input);
      ctx.services.emailQueued();
      return interview;
    }),

  // The pipeline's stages are the hiring team's to define: hiring managers (granted
  // `interviews:manage`) change them as owners and admins do; `settings:manage` is the model server's.
  stages: createTRPCRouter({
    get: workspaceProcedure("interviews:read")
      .output(stagesOutput)
      .query(({ ctx }) => interviews.getStages(ctx.scope)),
    set: workspaceProcedure("interviews:manage")
      .input(setStagesInput)
      .output(stagesOutput)
      .mutation(({ ctx, input }) => interviews.setStages(ctx.scope, requestMeta(ctx), input)),
  }),

  transcript: createTRPCRouter({
    import: workspaceProcedure("interviews:write")
      .input(importInterviewTranscriptInput)
      .output(interviewTranscriptImportOutput)
      .mutation(async ({ ctx, input: { workspaceId: _, ...upload } }) => {
        const imported = await transcript.importInterviewTranscript(ctx.scope, requestMeta(ctx), upload);
        await afterImport(ctx, imported.transcript);
        return imported;
      }),
    get: workspaceProcedure("interviews:read")
      .input(getInterviewTranscriptInput)
      .output(interviewTranscriptOutput)
      .query(({ ctx, input: { workspaceId: _, ...page } }) => transcript.getInterviewTranscript(ctx.scope, page)),
    mapSpeakers: workspaceProcedure("interviews:write")
      .input(mapSpeakersInput)
      .output(mapSpeakersOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...mapping } }) => transcript.mapInterviewSpeakers(ctx.scope, mapping)),
  }),
});
