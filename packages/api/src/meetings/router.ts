import { requestMeta } from "../context.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import * as access from "./access.js";
import {
  accessOutput,
  addParticipantInput,
  commentIdInput,
  commentOutput,
  commentPage,
  createCommentInput,
  createMeetingInput,
  grantInput,
  listCommentsInput,
  listMeetingsInput,
  meetingIdInput,
  meetingOutput,
  meetingPage,
  participantOutput,
  removeParticipantInput,
  revokeInput,
  setVisibilityInput,
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

  // Who may see the meeting: tenancy/meeting-access.ts is the rule; these change its inputs.
  access: createTRPCRouter({
    get: workspaceProcedure("meetings:read")
      .input(meetingIdInput)
      .output(accessOutput)
      .query(({ ctx, input }) => access.getAccess(ctx.scope, input)),
    setVisibility: workspaceProcedure("meetings:write")
      .input(setVisibilityInput)
      .output(accessOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => access.setVisibility(ctx.scope, requestMeta(ctx), fields)),
    grant: workspaceProcedure("meetings:write")
      .input(grantInput)
      .output(accessOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => access.grantAccess(ctx.scope, requestMeta(ctx), fields)),
    revoke: workspaceProcedure("meetings:write")
      .input(revokeInput)
      .output(accessOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => access.revokeAccess(ctx.scope, requestMeta(ctx), fields)),
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
