import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { searchPageOutput, searchTranscriptsInput } from "./schemas.js";
import { searchTranscripts } from "./service.js";

export const searchRouter = createTRPCRouter({
  /** Full-text search over the workspace's current transcripts; see search/service.ts. */
  transcripts: workspaceProcedure("meetings:read")
    .input(searchTranscriptsInput)
    .output(searchPageOutput)
    .query(({ ctx, input: { workspaceId: _, ...params } }) => searchTranscripts(ctx.scope, params)),
});
