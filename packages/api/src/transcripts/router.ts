import type { Context } from "../context.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  assignSpeakerInput,
  assignSpeakerOutput,
  getTranscriptInput,
  importInput,
  importOutput,
  importStatusInput,
  importStatusOutput,
  segmentOutput,
  transcriptPage,
  updateSegmentInput,
} from "./schemas.js";
import * as transcripts from "./service.js";

/** Tells whoever indexes transcripts (Ask Mind's embeddings, when configured) that this one changed. */
export async function announceCurrent(ctx: Context, transcriptId: string): Promise<void> {
  const listener = ctx.services.transcriptCurrent;
  if (!listener) return;
  try {
    await listener(ctx.db, transcriptId);
    ctx.services.jobsQueued();
  } catch (error) {
    // The import itself succeeded; the next server start queues whatever is missing.
    ctx.log.warn({ err: error, transcriptId }, "could not queue embeddings");
  }
}

/** After an import: the background job is started, or the stored version announced. */
export async function afterImport(ctx: Context, transcript: { id: string; status: "importing" | "ready" | "failed" }): Promise<void> {
  if (transcript.status === "importing") {
    // The import job writes the segments (and queues embeddings once the version is current).
    ctx.services.jobsQueued();
  } else {
    await announceCurrent(ctx, transcript.id);
  }
}

export const transcriptsRouter = createTRPCRouter({
  import: workspaceProcedure("meetings:write")
    .input(importInput)
    .output(importOutput)
    .mutation(async ({ ctx, input }) => {
      const transcript = await transcripts.importTranscript(ctx.scope, input);
      await afterImport(ctx, transcript);
      return transcript;
    }),

  importStatus: workspaceProcedure("meetings:read")
    .input(importStatusInput)
    .output(importStatusOutput)
    .query(({ ctx, input }) => transcripts.getImportStatus(ctx.scope, input)),

  get: workspaceProcedure("meetings:read")
    .input(getTranscriptInput)
    .output(transcriptPage)
    .query(({ ctx, input }) => transcripts.getTranscript(ctx.scope, input)),

  segments: createTRPCRouter({
    update: workspaceProcedure("meetings:write")
      .input(updateSegmentInput)
      .output(segmentOutput)
      .mutation(async ({ ctx, input }) => {
        const segment = await transcripts.updateSegment(ctx.scope, input);
        await announceCurrent(ctx, segment.transcriptId);
        return segment;
      }),
  }),

  speakers: createTRPCRouter({
    assign: workspaceProcedure("meetings:write")
      .input(assignSpeakerInput)
      .output(assignSpeakerOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...assignment } }) => transcripts.assignSpeaker(ctx.scope, assignment)),
  }),
});
