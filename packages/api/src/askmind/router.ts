import { okOutput } from "../shared/schemas.js";
import type { Context } from "../context.js";
import { createTRPCRouter, workspaceProcedure } from "../trpc.js";
import { ask, retry, streamAnswer, type AskDeps } from "./ask.js";
import * as prompts from "./prompts.js";
import {
  askEvent,
  type AskEvent,
  askInput,
  createSessionInput,
  deleteSuggestedPromptInput,
  listMessagesInput,
  listSessionsInput,
  messagePage,
  renameSessionInput,
  retryInput,
  sessionIdInput,
  sessionOutput,
  sessionPage,
  shareSessionInput,
  suggestedPromptOutput,
  suggestedPromptsInput,
  upsertSuggestedPromptInput,
  workspacePromptOutput,
} from "./schemas.js";
import * as sessions from "./service.js";

const ok = { ok: true as const };

const askDeps = (ctx: Context): AskDeps => ({
  db: ctx.db,
  workspaceAi: ctx.services.workspaceAi,
  minSimilarity: ctx.services.settings.embeddingsMinSimilarity,
  log: ctx.log,
  limits: ctx.services.limits,
  monthlyTokenBudget: ctx.services.settings.askMindMonthlyTokenBudget,
});

/** The streamed counterpart of `.output()`: every event is checked against its schema. */
async function* validated(events: AsyncGenerator<AskEvent>): AsyncGenerator<AskEvent> {
  for await (const event of events) yield askEvent.parse(event);
}

export const askMindRouter = createTRPCRouter({
  sessions: createTRPCRouter({
    create: workspaceProcedure("askmind:use")
      .input(createSessionInput)
      .output(sessionOutput)
      .mutation(({ ctx, input }) => sessions.createSession(ctx.scope, input)),
    list: workspaceProcedure("askmind:use")
      .input(listSessionsInput)
      .output(sessionPage)
      .query(({ ctx, input }) => sessions.listSessions(ctx.scope, input)),
    get: workspaceProcedure("askmind:use")
      .input(sessionIdInput)
      .output(sessionOutput)
      .query(({ ctx, input }) => sessions.getSession(ctx.scope, input)),
    rename: workspaceProcedure("askmind:use")
      .input(renameSessionInput)
      .output(sessionOutput)
      .mutation(({ ctx, input }) => sessions.renameSession(ctx.scope, input)),
    share: workspaceProcedure("askmind:use")
      .input(shareSessionInput)
      .output(sessionOutput)
      .mutation(({ ctx, input }) => sessions.shareSession(ctx.scope, input)),
    delete: workspaceProcedure("askmind:use")
      .input(sessionIdInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await sessions.deleteSession(ctx.scope, input);
        return ok;
      }),
  }),

  messages: createTRPCRouter({
    list: workspaceProcedure("askmind:use")
      .input(listMessagesInput)
      .output(messagePage)
      .query(({ ctx, input }) => sessions.listMessages(ctx.scope, input)),
  }),

  /**
   * Streams (httpBatchStreamLink): `started` with the stored question, `delta` pieces of the
   * answer, then `final` with the stored answer and its citations. A client that disconnects
   * loses the stream, not the answer: it is stored all the same (see messages.list).
   */
  ask: workspaceProcedure("askmind:use")
    .input(askInput)
    // Checks run before the stream starts, so a refused question is an ordinary error response.
    .mutation(async ({ ctx, input }) => validated(streamAnswer(await ask(askDeps(ctx), ctx.scope, input)))),

  /** Answers a failed answer's question again; streams like `ask`. */
  retry: workspaceProcedure("askmind:use")
    .input(retryInput)
    .mutation(async ({ ctx, input }) => validated(streamAnswer(await retry(askDeps(ctx), ctx.scope, input)))),

  suggestedPrompts: createTRPCRouter({
    list: workspaceProcedure("askmind:use")
      .input(suggestedPromptsInput)
      .output(suggestedPromptOutput.array())
      .query(({ ctx, input }) => prompts.listSuggestedPrompts(ctx.scope, input)),
    upsert: workspaceProcedure("askmind:manage")
      .input(upsertSuggestedPromptInput)
      .output(workspacePromptOutput)
      .mutation(({ ctx, input }) => prompts.upsertSuggestedPrompt(ctx.scope, input)),
    delete: workspaceProcedure("askmind:manage")
      .input(deleteSuggestedPromptInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await prompts.deleteSuggestedPrompt(ctx.scope, input);
        return ok;
      }),
  }),
});
