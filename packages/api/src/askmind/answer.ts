// Answering a question in a session: rewrite a follow-up into a standalone question, retrieve
// windows of transcript within the session's scope, answer from them (with the configured model, or
// extractively offline), and store the answer with citations a program can check.
//
// The answer is produced by a run that does not belong to the request: the request only listens.
// A client that disconnects stops listening; the run still finishes and stores the answer.
import { scopedDb, type Db, type ScopedDb } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import { askMindSystemPrompt, DEFAULT_PROMPTS } from "../ai/prompts.js";
import { AiProviderError, type AiProvider, type ChatMessage, type TokenUsage } from "../ai/provider.js";
import type { Logger } from "../logger.js";
import { recordUsage } from "../settings/usage.js";
import type { Viewer } from "../tenancy/meeting-access.js";
import { answerExtractively } from "./extractive-answer.js";
import type { AnswerTuning } from "./extractive-answer/tuning.js";
import { retrieveHybrid } from "./hybrid.js";
import type { RetrievedSegment, RetrievedWindow } from "./retrieval.js";
import { retrievalScopeOf } from "./scope.js";
import type { AskMindScope, Citation, MessageOutput } from "./schemas.js";
import { messageSelect, presentMessage } from "./service.js";

/** Windows of transcript an answer is built from (offline answers weigh later ones less). */
export const RETRIEVED_WINDOWS = 8;
/** Earlier turns of the thread considered when rewriting a follow-up. */
export const HISTORY_TURNS = 6;

export const NOTHING_FOUND = "I couldn't find anything about that in the meetings this session covers, so I can't answer it from them.";

export interface AnswerDeps {
  db: Db;
  /** The workspace's model (or the extractive provider). */
  ai: AiProvider;
  /** The system message of an answer (the workspace's Ask Mind prompt, rendered); default the built-in one. */
  systemPrompt?: string;
  /** Null: full-text retrieval only. */
  embeddings: EmbeddingsProvider | null;
  minSimilarity: number;
  log: Logger;
}

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

export interface AnswerJob {
  workspaceId: string;
  /** Who asked: retrieval and citations stay within the meetings they may see. */
  viewer: Viewer;
  sessionId: string;
  answerId: string;
  question: string;
  scope: AskMindScope;
  /** Loads earlier questions and answers, oldest first (inside the run, so a failure is stored). */
  history: () => Promise<Turn[]>;
}

/** A running answer: pieces of text as they come, then the stored message. */
export interface AnswerRun {
  /** Each piece of text as it is produced; ends when the run ends. */
  pieces(): AsyncGenerator<string>;
  /** The stored answer (done or failed); rejects only when the database cannot be reached. */
  done: Promise<MessageOutput>;
}

const isOffline = (ai: AiProvider) => ai.name === "extractive";

// ---------------------------------------------------------------------------------------------
// Follow-ups

const FOLLOW_UP = /\b(he|she|they|him|her|them|his|hers|their|it|its|this|that|these|those|next|then|else|more|again|also|same)\b/i;
const CONTENT_WORD = /[a-z0-9]{3,}/gi;

/**
 * Offline rewrite: a question that leans on the thread ("what did she say next?") borrows the
 * previous question's words, so retrieval looks in the same place.
 */
function rewriteOffline(question: string, history: Turn[]): string {
  const previous = [...history].reverse().find((turn) => turn.role === "user");
  if (!previous) return question;
  const contentWords = question.match(CONTENT_WORD)?.length ?? 0;
  return FOLLOW_UP.test(question) || contentWords < 3 ? `${previous.content} ${question}` : question;
}

async function rewriteWithModel(ai: AiProvider, question: string, history: Turn[], signal: AbortSignal) {
  if (history.length === 0) return { question, usage: { promptTokens: 0, completionTokens: 0 }, called: false };
  const transcript = history.map((turn) => `${turn.role === "user" ? "User" : "Assistant"}: ${turn.content}`).join("\n");
  const result = await ai.chat(
    [
      {
        role: "system",
        content:
          "Rewrite the user's last question as one standalone question that can be understood without the conversation " +
          "(resolve pronouns and references such as 'she' or 'next' from it). Reply with the question only.",
      },
      { role: "user", content: `Conversation:\n${transcript}\n\nLast question: ${question}` },
    ],
    { signal, temperature: 0, maxTokens: 120 },
  );
  const rewritten = result.text.trim().replace(/^"|"$/g, "");
  return { question: rewritten || question, usage: result.usage, called: true };
}

// ---------------------------------------------------------------------------------------------
// Citations

function timestamp(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

function citationOf(segment: RetrievedSegment, marker: number): Citation {
  return {
    marker,
    segmentId: segment.id,
    meetingId: segment.meetingId,
    meetingTitle: segment.meetingTitle,
    speaker: segment.speakerLabel,
    startMs: segment.startMs,
    endMs: segment.endMs,
    quote: segment.text,
  };
}

/**
 * Keeps the model's markers that point at a numbered context segment, renumbers them 1, 2, … in
 * order of first use, and drops the others (with the space before them). Text and citations then
 * agree: every [n] in the text is citations[n - 1], and every citation is used.
 */
export function resolveMarkers(text: string, context: RetrievedSegment[]): { text: string; citations: Citation[] } {
  const numbering = new Map<number, number>();
  const citations: Citation[] = [];
  const resolved = text.replace(/\s*\[(\d{1,4})\]/g, (whole, digits: string) => {
    const segment = context[Number(digits) - 1];
    if (!segment) return "";
    let marker = numbering.get(Number(digits));
    if (marker === undefined) {
      marker = citations.length + 1;
      numbering.set(Number(digits), marker);
      citations.push(citationOf(segment, marker));
    }
    return whole.replace(/\[\d+\]/, `[${marker}]`);
  });
  return { text: resolved.trim(), citations };
}

// ---------------------------------------------------------------------------------------------
// Answering

interface Answer {
  text: string;
  citations: Citation[];
  model: string;
  usage: TokenUsage;
}

/**
 * The windows' segments, best window first, each once; at most `maxChars` of text (the first
 * segment always), so a model's prompt stays well inside its context whatever the turns' length.
 */
export function contextOf(windows: RetrievedWindow[], maxChars = Infinity): RetrievedSegment[] {
  const seen = new Set<string>();
  const context: RetrievedSegment[] = [];
  let chars = 0;
  for (const segment of windows.flatMap((window) => window.segments)) {
    if (seen.has(segment.id)) continue;
    if (context.length > 0 && chars + segment.text.length > maxChars) break;
    seen.add(segment.id);
    context.push(segment);
    chars += segment.text.length;
  }
  return context;
}

/** Transcript text a model is given for one answer (about 6,000 tokens). */
export const MAX_CONTEXT_CHARS = 24_000;

/** The built-in system message; a workspace's own Ask Mind prompt replaces it (ai/prompts.ts). */
const SYSTEM_PROMPT = askMindSystemPrompt(DEFAULT_PROMPTS);

async function answerWithModel(
  ai: AiProvider,
  systemPrompt: string,
  question: string,
  windows: RetrievedWindow[],
  emit: (piece: string) => void,
  signal: AbortSignal,
): Promise<Answer> {
  const context = contextOf(windows, MAX_CONTEXT_CHARS);
  const excerpts = context
    .map(
      (segment, i) =>
        `[${i + 1}] ${segment.meetingTitle} — ${segment.speakerLabel ?? "Unknown"} at ${timestamp(segment.startMs)}: ${segment.text}`,
    )
    .join("\n");
  const messages: ChatMessage[] = [
    { role: "system", content: systemPrompt },
    { role: "user", content: `Excerpts:\n${excerpts}\n\nQuestion: ${question}` },
  ];
  const result = await ai.chat(messages, { signal, onToken: emit, temperature: 0.1 });
  const { text, citations } = resolveMarkers(result.text, context);
  return { text: text || NOTHING_FOUND, citations: text ? citations : [], model: ai.model, usage: result.usage };
}

/**
 * The offline answer: the answerer's sentences in order, each run of one speaker's sentences
 * introduced by the speaker, each sentence followed by the marker of the segment it quotes.
 * Also what `pnpm eval:qmsum` scores.
 */
export function composeOfflineAnswer(
  question: string,
  windows: RetrievedWindow[],
  options: { tuning?: Partial<AnswerTuning>; wordBudget?: number } = {},
): { text: string; citations: Citation[]; pieces: string[] } {
  const bySegment = new Map(contextOf(windows).map((segment) => [segment.id, segment]));
  const citations: Citation[] = [];
  const markerOf = new Map<string, number>();
  const pieces: string[] = [];
  let speaker: string | null | undefined;
  for (const sentence of answerExtractively(question, windows, options)) {
    const segment = bySegment.get(sentence.segmentId);
    if (!segment) continue; // the answerer only uses given segments; never cite anything else
    let marker = markerOf.get(segment.id);
    if (marker === undefined) {
      marker = citations.length + 1;
      markerOf.set(segment.id, marker);
      citations.push(citationOf(segment, marker));
    }
    const lead =
      sentence.speakerLabel && sentence.speakerLabel !== speaker
        ? `${pieces.length > 0 ? "\n" : ""}${sentence.speakerLabel}: `
        : pieces.length > 0
          ? " "
          : "";
    speaker = sentence.speakerLabel;
    pieces.push(`${lead}${sentence.text.trim()} [${marker}]`);
  }
  if (pieces.length === 0) return { text: NOTHING_FOUND, citations: [], pieces: [NOTHING_FOUND] };
  return { text: pieces.join(""), citations, pieces };
}

function answerOffline(question: string, windows: RetrievedWindow[], emit: (piece: string) => void): Answer {
  const { text, citations, pieces } = composeOfflineAnswer(question, windows);
  for (const piece of pieces) emit(piece);
  return { text, citations, model: "extractive", usage: { promptTokens: 0, completionTokens: 0 } };
}

function failureOf(error: unknown): string {
  if (error instanceof AiProviderError) {
    if (error.code === "timeout") return "The language model did not answer in time. Try again.";
    if (error.code === "network") return "The language model could not be reached. Try again.";
    if (error.code === "http") return `The language model answered with an error (HTTP ${error.status ?? "?"}). Try again.`;
    return "The language model's answer could not be used. Try again.";
  }
  return "The answer could not be produced. Try again.";
}

/** A small single-reader channel: pieces pushed by the run, read by whoever is listening. */
function channel() {
  const buffered: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  return {
    push(piece: string) {
      if (!piece) return;
      buffered.push(piece);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    async *read(this: void): AsyncGenerator<string> {
      for (;;) {
        const piece = buffered.shift();
        if (piece !== undefined) {
          yield piece;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}

/** Tokens of the model calls that completed, and how many there were. */
type Spent = TokenUsage & { requests: number };

/**
 * `usage` collects the tokens of model calls that completed, so a failed answer still counts them.
 * `contextMeetingIds` are the meetings of every retrieved window (cited or not): the answer may
 * paraphrase any of them, so readers who may not see one of them do not get the answer.
 */
async function produce(
  deps: AnswerDeps,
  db: ScopedDb,
  job: AnswerJob,
  emit: (piece: string) => void,
  usage: Spent,
): Promise<Answer & { contextMeetingIds: string[] }> {
  const signal = new AbortController().signal; // answers are not cancelled: the client may come back for them
  const history = await job.history();
  let standalone = job.question;
  if (isOffline(deps.ai)) {
    standalone = rewriteOffline(job.question, history);
  } else {
    const rewritten = await rewriteWithModel(deps.ai, job.question, history, signal);
    standalone = rewritten.question;
    if (rewritten.called) usage.requests += 1;
    usage.promptTokens += rewritten.usage.promptTokens;
    usage.completionTokens += rewritten.usage.completionTokens;
  }
  const windows = await retrieveHybrid(deps, {
    workspaceId: job.workspaceId,
    query: standalone,
    scope: retrievalScopeOf(job.scope, job.viewer),
    limit: RETRIEVED_WINDOWS,
  });
  await db.askMindMessage.update({ where: { id: job.answerId }, data: { status: "streaming" } });
  if (windows.length === 0) {
    emit(NOTHING_FOUND);
    return { text: NOTHING_FOUND, citations: [], model: isOffline(deps.ai) ? "extractive" : deps.ai.model, usage, contextMeetingIds: [] };
  }
  const contextMeetingIds = [...new Set(windows.map((window) => window.meetingId))];
  const answer = isOffline(deps.ai)
    ? answerOffline(standalone, windows, emit)
    : await answerWithModel(deps.ai, deps.systemPrompt ?? SYSTEM_PROMPT, standalone, windows, emit, signal);
  if (!isOffline(deps.ai)) usage.requests += 1;
  return {
    ...answer,
    contextMeetingIds,
    usage: {
      promptTokens: usage.promptTokens + answer.usage.promptTokens,
      completionTokens: usage.completionTokens + answer.usage.completionTokens,
    },
  };
}

/** Answers under way in this process, so shutdown can let them finish. */
const running = new Set<Promise<MessageOutput>>();

/** Waits (up to `timeoutMs`) for the answers under way to be stored; for graceful shutdown. */
export async function settleRunningAnswers(timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.allSettled([...running]), deadline]);
  clearTimeout(timer);
}

/** Starts answering; the stored assistant message (job.answerId) must exist, status pending. */
export function startAnswer(deps: AnswerDeps, job: AnswerJob): AnswerRun {
  const db = scopedDb(deps.db, job.workspaceId);
  const pieces = channel();
  const log = deps.log.child({ component: "askmind", sessionId: job.sessionId, messageId: job.answerId });

  const usage: Spent = { promptTokens: 0, completionTokens: 0, requests: 0 };

  async function store(): Promise<MessageOutput> {
    let data;
    let spent: TokenUsage;
    try {
      const answer = await produce(deps, db, job, (piece) => pieces.push(piece), usage);
      spent = answer.usage;
      data = {
        status: "done" as const,
        content: answer.text,
        citations: answer.citations.map((citation) => ({ ...citation })),
        contextMeetingIds: answer.contextMeetingIds,
        model: answer.model,
        error: null,
      };
    } catch (error) {
      log.warn({ err: error }, "answer failed");
      spent = usage;
      data = { status: "failed" as const, error: failureOf(error), content: "", citations: [], contextMeetingIds: [] };
    }
    // A retried answer keeps the tokens of its failed attempts: the monthly budget counts them all.
    // One run per message at a time (ask creates it, retry claims it), so read-then-add is safe.
    const earlier = await db.askMindMessage.findFirst({
      where: { id: job.answerId },
      select: { promptTokens: true, completionTokens: true },
    });
    const tokens = {
      promptTokens: (earlier?.promptTokens ?? 0) + spent.promptTokens,
      completionTokens: (earlier?.completionTokens ?? 0) + spent.completionTokens,
    };
    const [message] = await db.$transaction([
      db.askMindMessage.update({ where: { id: job.answerId }, data: { ...data, ...tokens }, select: messageSelect }),
      db.askMindSession.update({ where: { id: job.sessionId }, data: { lastMessageAt: new Date() } }),
    ]);
    // Metered before the answer is final, so the next question already sees it against the cap.
    await recordUsage(deps.db, job.workspaceId, "askMind", {
      tokensIn: spent.promptTokens,
      tokensOut: spent.completionTokens,
      requests: usage.requests,
    }).catch((error: unknown) => log.warn({ err: error }, "could not record the answer's token usage"));
    return presentMessage(message);
  }

  const done = store()
    .catch(async (error: unknown) => {
      // Storing failed (the database went away): report what is stored, if anything.
      log.error({ err: error }, "could not store the answer");
      const row = await db.askMindMessage.findFirst({ where: { id: job.answerId }, select: messageSelect }).catch(() => null);
      if (row) return presentMessage(row);
      throw error;
    })
    .finally(() => pieces.close());
  // Nobody may be listening (the client left): the run must not become an unhandled rejection.
  done.catch(() => {});
  running.add(done);
  void done.finally(() => running.delete(done)).catch(() => {});
  return { pieces: pieces.read, done };
}

/**
 * Answers still pending or streaming long after any run could have finished were cut off by a
 * restart: they become failed, so the thread shows it and askMind.retry can answer them again.
 */
export async function failInterruptedAnswers(db: Db, olderThanMs: number): Promise<number> {
  const { count } = await db.askMindMessage.updateMany({
    where: { role: "assistant", status: { in: ["pending", "streaming"] }, updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
    data: { status: "failed", error: "The answer was interrupted (the server restarted). Try again." },
  });
  return count;
}
