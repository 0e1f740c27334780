import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  assignSpeakerInput,
  assignSpeakerOutput,
  getTranscriptInput,
  importInput,
  segmentOutput,
  transcriptInfo,
  transcriptPage,
  updateSegmentInput,
} from "./schemas.js";
import * as transcripts from "./service.js";

export const transcriptsRouter = createTRPCRouter({
  import: workspaceProcedure("meetings:write")
    .input(importInput)
    .output(transcriptInfo)
    .mutation(({ ctx, input }) => transcripts.importTranscript(ctx.scope, input)),

  get: workspaceProcedure("meetings:read")
    .input(getTranscriptInput)
    .output(transcriptPage)
    .query(({ ctx, input }) => transcripts.getTranscript(ctx.scope, input)),

  segments: createTRPCRouter({
    update: workspaceProcedure("meetings:write")
      .input(updateSegmentInput)
      .output(segmentOutput)
      .mutation(({ ctx, input }) => transcripts.updateSegment(ctx.scope, input)),
  }),

  speakers: createTRPCRouter({
    assign: workspaceProcedure("meetings:write")
      .input(assignSpeakerInput)
      .output(assignSpeakerOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...assignment } }) => transcripts.assignSpeaker(ctx.scope, assignment)),
  }),
});
