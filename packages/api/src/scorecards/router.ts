import { requestMeta } from "../context.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { candidateFeedback } from "./feedback.js";
import {
  candidateFeedbackInput,
  candidateFeedbackOutput,
  createTemplateInput,
  interviewScorecardInput,
  interviewScorecardsOutput,
  listTemplatesInput,
  saveDraftInput,
  scorecardHistoryOutput,
  scorecardIdInput,
  scorecardOutput,
  submitInput,
  templateIdInput,
  templateOutput,
  templatePage,
  updateTemplateInput,
} from "./schemas.js";
import * as scorecards from "./service.js";
import * as templates from "./templates.js";

export const scorecardsRouter = createTRPCRouter({
  templates: createTRPCRouter({
    create: workspaceProcedure("interviews:manage")
      .input(createTemplateInput)
      .output(templateOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => templates.createTemplate(ctx.scope, requestMeta(ctx), fields)),
    list: workspaceProcedure("interviews:read")
      .input(listTemplatesInput)
      .output(templatePage)
      .query(({ ctx, input: { workspaceId: _, ...filters } }) => templates.listTemplates(ctx.scope, filters)),
    update: workspaceProcedure("interviews:manage")
      .input(updateTemplateInput)
      .output(templateOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => templates.updateTemplate(ctx.scope, requestMeta(ctx), fields)),
    archive: workspaceProcedure("interviews:manage")
      .input(templateIdInput)
      .output(templateOutput)
      .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => templates.archiveTemplate(ctx.scope, requestMeta(ctx), fields)),
  }),

  /** The caller's own scorecard and, once it is submitted (or for managers), the panel's. */
  get: workspaceProcedure("interviews:read")
    .input(interviewScorecardInput)
    .output(interviewScorecardsOutput)
    .query(({ ctx, input: { workspaceId: _, ...fields } }) => scorecards.getScorecards(ctx.scope, fields)),
  saveDraft: workspaceProcedure("interviews:write")
    .input(saveDraftInput)
    .output(scorecardOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) => scorecards.saveDraft(ctx.scope, fields)),
  submit: workspaceProcedure("interviews:write")
    .input(submitInput)
    .output(scorecardOutput)
    .mutation(({ ctx, input: { workspaceId: _, ...fields } }) =>
      scorecards.submitScorecard(ctx.scope, ctx.services, requestMeta(ctx), fields),
    ),
  history: workspaceProcedure("interviews:read")
    .input(scorecardIdInput)
    .output(scorecardHistoryOutput)
    .query(({ ctx, input: { workspaceId: _, ...fields } }) => scorecards.scorecardHistory(ctx.scope, fields)),
});

/** Served as candidates.feedback: the root merges it into the candidates router. */
export const candidateFeedbackRouter = createTRPCRouter({
  feedback: workspaceProcedure("interviews:read")
    .input(candidateFeedbackInput)
    .output(candidateFeedbackOutput)
    .query(({ ctx, input: { workspaceId: _, ...fields } }) => candidateFeedback(ctx.scope, fields)),
});
