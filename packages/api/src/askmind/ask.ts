// askMind.ask and askMind.retry: checks (owner, rate limit, monthly budget), the stored question
// and a pending answer, then a run (answer.ts) whose progress the caller streams.
import type { Db } from "@meetmind/db";
import { createExtractiveProvider } from "../ai/extractive.js";
import { askMindSystemPrompt } from "../ai/prompts.js";
import type { AiMode } from "../ai/provider.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { WorkspaceAiResolver } from "../ports.js";
import type { RateLimiter } from "../ratelimit/limits.js";
import { checkAllowance } from "../settings/usage.js";
import { viewerOf } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { HISTORY_TURNS, startAnswer, type AnswerDeps, type AnswerRun } from "./answer.js";
import type { AskEvent, AskInput, MessageOutput, RetryInput } from "./schemas.js";
import { checkScope, messageSelect, presentMessage, readableAnswers, requireOwnSession, scopeFromJson } from "./service.js";

export interface AskDeps {
  db: Db;
  /** Each workspace's model (its own, or the server's), prompts and monthly token cap. */
  workspaceAi: WorkspaceAiResolver;
  minSimilarity: number;
  log: Logger;
  limits: RateLimiter;
  /** Ask Mind's own share of a month's tokens (ASKMIND_MONTHLY_TOKEN_BUDGET); 0 = none. */
  monthlyTokenBudget: number;
}

const extractive = createExtractiveProvider();

/** Earlier completed turns of the thread, oldest first, for rewriting follow-ups. */
async function historyBefore(scope: WorkspaceScope, sessionId: string, before: Date) {
  const turns = await scope.db.askMindMessage.findMany({
    where: { sessionId, createdAt: { lt: before }, OR: [{ role: "user" }, { status: "done" }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_TURNS,
    select: { id: true, role: true, content: true, citations: true, contextMeetingIds: true },
  });
  // An earlier answer the asker may no longer read must not reach the model through the rewrite.
  const readable = await readableAnswers(scope, turns);
  return turns
    .reverse()
    .filter((turn) => turn.role === "user" || readable.has(turn.id))
    .map(({ role, content }) => ({ role, content }));
}

export interface Asked {
  question: MessageOutput;
  answerId: string;
  run: AnswerRun;
}

/**
 * The rate limit, then (with a model) the workspace's monthly cap and Ask Mind's budget; what the
 * answer runs with. The extractive mode calls no model: it is never refused by the cap, and works
 * even when the workspace's model server cannot be resolved.
 */
async function prepare(deps: AskDeps, scope: WorkspaceScope, mode: AiMode): Promise<AnswerDeps> {
  await deps.limits.consume("askMind", scope.userId);
  const base = { db: deps.db, minSimilarity: deps.minSimilarity, log: deps.log };
  if (mode === "extractive") {
    const resolved = await deps.workspaceAi.resolve(scope.workspaceId).catch(() => null);
    return { ...base, ai: extractive, embeddings: resolved?.embeddings ?? null };
  }
  const resolved = await deps.workspaceAi.resolve(scope.workspaceId);
  if (resolved.provider.name !== "extractive") {
    await checkAllowance(scope.db, scope.workspaceId, {
      monthlyTokenCap: resolved.monthlyTokenCap,
      feature: {
        name: "askMind",
        budget: deps.monthlyTokenBudget,
        appCode: "askmind_budget_exceeded",
        message: "This workspace has used its Ask Mind budget for the month",
      },
    });
  }
  return { ...base, ai: resolved.provider, embeddings: resolved.embeddings, systemPrompt: askMindSystemPrompt(resolved.prompts) };
}

export async function ask(deps: AskDeps, scope: WorkspaceScope, input: AskInput): Promise<Asked> {
  const session = await requireOwnSession(scope, input.sessionId);
  // A session on a meeting the asker can no longer see (made private, access revoked) answers
  // NOT_FOUND, as that meeting does everywhere else.
  await checkScope(scope, scopeFromJson(session.scope));
  const answerDeps = await prepare(deps, scope, input.mode);
  const askedAt = new Date();
  // The answer sorts right after its question, whatever the ids.
  const answeredAt = new Date(askedAt.getTime() + 1);
  const [question, answer] = await scope.db.$transaction([
    scope.db.askMindMessage.create({
      data: {
        workspaceId: scope.workspaceId,
        sessionId: session.id,
        authorId: scope.userId,
        role: "user",
        content: input.question,
        status: "done",
        createdAt: askedAt,
      },
      select: messageSelect,
    }),
    scope.db.askMindMessage.create({
      data: { workspaceId: scope.workspaceId, sessionId: session.id, role: "assistant", status: "pending", createdAt: answeredAt },
      select: { id: true },
    }),
    scope.db.askMindSession.update({
      where: { id: session.id },
      data: { lastMessageAt: askedAt, title: session.title ?? input.question.slice(0, 200) },
    }),
  ]);
  const run = startAnswer(answerDeps, {
    workspaceId: scope.workspaceId,
    viewer: viewerOf(scope),
    sessionId: session.id,
    answerId: answer.id,
    question: input.question,
    scope: scopeFromJson(session.scope),
    history: () => historyBefore(scope, session.id, askedAt),
  });
  return { question: presentMessage(question), answerId: answer.id, run };
}

/** Answers a failed answer's question again, in place. */
export async function retry(deps: AskDeps, scope: WorkspaceScope, input: RetryInput): Promise<Asked> {
  const answer = await scope.db.askMindMessage.findFirst({
    where: { id: input.messageId, role: "assistant", session: { deletedAt: null } },
    select: { id: true, sessionId: true, status: true, createdAt: true },
  });
  if (!answer) throw new NotFoundError("Message");
  const session = await requireOwnSession(scope, answer.sessionId);
  await checkScope(scope, scopeFromJson(session.scope));
  if (answer.status !== "failed") throw new ValidationError("Only a failed answer can be retried", "not_failed");
  const question = await scope.db.askMindMessage.findFirst({
    where: { sessionId: session.id, role: "user", createdAt: { lt: answer.createdAt } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: messageSelect,
  });
  if (!question) throw new NotFoundError("Question");
  const answerDeps = await prepare(deps, scope, input.mode);
  // Only one retry wins when several race: the others find it no longer failed.
  const claimed = await scope.db.askMindMessage.updateMany({
    where: { id: answer.id, status: "failed" },
    data: { status: "pending", error: null },
  });
  if (claimed.count === 0) throw new ValidationError("Only a failed answer can be retried", "not_failed");
  const run = startAnswer(answerDeps, {
    workspaceId: scope.workspaceId,
    viewer: viewerOf(scope),
    sessionId: session.id,
    answerId: answer.id,
    question: question.content,
    scope: scopeFromJson(session.scope),
    history: () => historyBefore(scope, session.id, question.createdAt),
  });
  return { question: presentMessage(question), answerId: answer.id, run };
}

/** The events askMind.ask streams: the question, pieces of the answer, the stored answer. */
export async function* streamAnswer(asked: Asked): AsyncGenerator<AskEvent> {
  yield { type: "started", question: asked.question, answerId: asked.answerId };
  for await (const text of asked.run.pieces()) yield { type: "delta", text };
  yield { type: "final", message: await asked.run.done };
}
