import { requestMeta } from "../context.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import {
  candidateDetailOutput,
  candidateIdInput,
  candidateOutput,
  candidatePage,
  createCandidateInput,
  eraseOutput,
  listCandidatesInput,
  updateCandidateInput,
} from "./schemas.js";
import * as candidates from "./service.js";

const ok = { ok: true as const };

export const candidatesRouter = createTRPCRouter({
  create: workspaceProcedure("interviews:manage")
    .input(createCandidateInput)
    .output(candidateOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => candidates.createCandidate(ctx.scope, requestMeta(ctx), fields)),

  // Managers see every candidate; a panelist the candidates of their interviews (the service's rule).
  get: workspaceProcedure("interviews:read")
    .input(candidateIdInput)
    .output(candidateDetailOutput)
    .query(({ ctx, input }) => candidates.getCandidate(ctx.scope, input)),

  list: workspaceProcedure("interviews:read")
    .input(listCandidatesInput)
    .output(candidatePage)
    .query(({ ctx, input: { workspaceId: _, ...filters } }) => candidates.listCandidates(ctx.scope, filters)),

  update: workspaceProcedure("interviews:manage")
    .input(updateCandidateInput)
    .output(candidateOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => candidates.updateCandidate(ctx.scope, requestMeta(ctx), fields)),

  delete: workspaceProcedure("interviews:manage")
    .input(candidateIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await candidates.deleteCandidate(ctx.scope, requestMeta(ctx), input);
      return ok;
    }),

  restore: workspaceProcedure("interviews:manage")
    .input(candidateIdInput)
    .output(candidateOutput)
    .mutation(({ ctx, input }) => candidates.restoreCandidate(ctx.scope, requestMeta(ctx), input)),

  /** GDPR art. 17: removes the candidate and their words for good (see the service). */
  erase: workspaceProcedure("interviews:manage")
    .input(candidateIdInput)
    .output(eraseOutput)
    .mutation(({ ctx, input }) => candidates.eraseCandidate(ctx.scope, requestMeta(ctx), input)),
});
