import { requestMeta } from "../context.js";
import { createTRPCRouter, publicProcedure, workspaceProcedure } from "../trpc.js";
import {
  createdShareLinkOutput,
  createShareLinkInput,
  listShareLinksInput,
  openShareLinkInput,
  revokeShareLinkInput,
  sharedMeetingOutput,
  shareLinkOutput,
  shareLinkPage,
} from "./schemas.js";
import * as shareLinks from "./service.js";

/** Served as meetings.shareLinks.* (the root nests it, as it does meetings.summary.*). */
export const meetingShareLinksRouter = createTRPCRouter({
  /** Needs edit access to the meeting. The answer carries the token, which is never shown again. */
  create: workspaceProcedure("meetings:write")
    .input(createShareLinkInput)
    .output(createdShareLinkOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) =>
      shareLinks.createShareLink(ctx.scope, ctx.services, requestMeta(ctx), fields),
    ),

  list: workspaceProcedure("meetings:read")
    .input(listShareLinksInput)
    .output(shareLinkPage)
    .query(({ ctx, input: { workspaceId: _, ...filters } }) => shareLinks.listShareLinks(ctx.scope, filters)),

  /** By the link's creator or a manager of the meeting. */
  revoke: workspaceProcedure("meetings:write")
    .input(revokeShareLinkInput)
    .output(shareLinkOutput)
    .mutation(({ ctx, input }) => shareLinks.revokeShareLink(ctx.scope, requestMeta(ctx), input)),
});

/** The visitor's side: no sign-in, the token is the credential. */
export const shareLinksRouter = createTRPCRouter({
  /**
   * A mutation, not a query: it counts a view, and the password travels in a POST body rather than
   * a URL that proxies and logs keep.
   */
  open: publicProcedure
    .input(openShareLinkInput)
    .output(sharedMeetingOutput)
    .mutation(({ ctx, input }) => shareLinks.openShareLink(ctx.db, ctx.services, { ...input, ip: ctx.ip })),
});
