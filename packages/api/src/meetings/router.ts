import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  addParticipantInput,
  commentIdInput,
  commentOutput,
  commentPage,
  createCommentInput,
  createMeetingInput,
  listCommentsInput,
  listMeetingsInput,
  meetingIdInput,
  meetingOutput,
  meetingPage,
  participantOutput,
  removeParticipantInput,
  updateCommentInput,
  updateMeetingInput,
} from "./schemas.js";
import * as meetings from "./service.js";

const ok = { ok: true as const };

export const meetingsRouter = createTRPCRouter({
  create: workspaceProcedure("meetings:write")
    .input(createMeetingInput)
    .output(meetingOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => meetings.createMeeting(ctx.scope, fields)),

  get: workspaceProcedure("meetings:read")
    .input(meetingIdInput)
    .output(meetingOutput)
    .query(({ ctx, input }) => meetings.getMeeting(ctx.scope, input)),

  update: workspaceProcedure("meetings:write")
    .input(updateMeetingInput)
    .output(meetingOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => meetings.updateMeeting(ctx.scope, fields)),

  delete: workspaceProcedure("meetings:write")
    .input(meetingIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await meetings.deleteMeeting(ctx.scope, input);
      return ok;
    }),

  restore: workspaceProcedure("meetings:write")
    .input(meetingIdInput)
    .output(meetingOutput)
    .mutation(({ ctx, input }) => meetings.restoreMeeting(ctx.scope, input)),

  list: workspaceProcedure("meetings:read")
    .input(listMeetingsInput)
    .output(meetingPage)
    .query(({ ctx, input: { workspaceId: _, ...filters } }) => meetings.listMeetings(ctx.scope, filters)),

  participants: createTRPCRouter({
    list: workspaceProcedure("meetings:read")
      .input(meetingIdInput)
      .output(participantOutput.array())
      .query(({ ctx, input }) => meetings.listParticipants(ctx.scope, input)),
    add: workspaceProcedure("meetings:write")
      .input(addParticipantInput)
      .output(participantOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...participant } }) => meetings.addParticipant(ctx.scope, participant)),
    remove: workspaceProcedure("meetings:write")
      .input(removeParticipantInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await meetings.removeParticipant(ctx.scope, input);
        return ok;
      }),
  }),

  comments: createTRPCRouter({
    create: workspaceProcedure("meetings:write")
      .input(createCommentInput)
      .output(commentOutput)
      .mutation(({ ctx, input }) => meetings.createComment(ctx.scope, input)),
    list: workspaceProcedure("meetings:read")
      .input(listCommentsInput)
      .output(commentPage)
      .query(({ ctx, input }) => meetings.listComments(ctx.scope, input)),
    update: workspaceProcedure("meetings:write")
      .input(updateCommentInput)
      .output(commentOutput)
      .mutation(({ ctx, input }) => meetings.updateComment(ctx.scope, input)),
    delete: workspaceProcedure("meetings:write")
      .input(commentIdInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await meetings.deleteComment(ctx.scope, input);
        return ok;
      }),
  }),
});
