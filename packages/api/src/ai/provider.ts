// What the rest of the API asks of a language model: meeting summaries now, chat (Ask Mind) later.
// Two implementations: openai.ts (any OpenAI-compatible chat-completions server) and extractive.ts
// (built in, no model). Both return summaries grounded in the transcript: every position they
// report is a segment of the input.
import { z } from "zod";

export interface SummarySegment {
  id: string;
  /** The segment's position in its transcript; what summaries point back to. */
  position: number;
  speaker: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

export interface SummaryInput {
  title: string;
  /** In transcript order. */
  segments: SummarySegment[];
}

const position = z.number().int().min(0);

export const meetingSummaryResultSchema = z.object({
  overview: z.string(),
  keyPoints: z.array(z.string().min(1)),
  decisions: z.array(z.string().min(1)),
  /** Sections of the transcript in order, by segment position (inclusive), never overlapping. */
  topics: z.array(z.object({ title: z.string().min(1), startPosition: position, endPosition: position })),
  actionItems: z.array(
    z.object({
      text: z.string().min(1),
      /** As named in the transcript (a speaker label or a name); null when nobody was named. */
      assigneeName: z.string().min(1).nullable(),
      /** ISO date (YYYY-MM-DD), only when the transcript states one; never guessed. */
      dueDate: z.iso.date().nullable(),
      /** The segment the item was stated in. */
      sourcePosition: position.nullable(),
    }),
  ),
});

export type MeetingSummaryResult = z.infer<typeof meetingSummaryResultSchema>;

/**
 * How a feature that can call a model is asked to run: "auto" uses the workspace's model (or the
 * extractive mode when none is configured); "extractive" uses no model (offline, no tokens, never
 * refused by the monthly cap).
 */
export const aiMode = z.enum(["auto", "extractive"]);
export type AiMode = z.infer<typeof aiMode>;

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Streams the answer: called with each piece of text as it arrives, in order. */
  onToken?: (token: string) => void;
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object (OpenAI's response_format json_object). */
  json?: boolean;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResult {
  text: string;
  usage: TokenUsage;
}

export interface SummarizeOptions {
  signal?: AbortSignal;
  /** The system message (the workspace's summary and action items prompts, rendered); default the built-in one. */
  systemPrompt?: string;
  /** Called with the tokens of each model request the summary makes (a long transcript makes several), for metering. */
  onUsage?: (usage: TokenUsage) => void;
}

export interface AiProvider {
  /** e.g. "openai", "extractive"; stored with each summary. */
  readonly name: string;
  readonly model: string;
  summarize(input: SummaryInput, options?: SummarizeOptions): Promise<MeetingSummaryResult>;
  chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
}

export type AiErrorCode =
  /** The server answered with an error status (see status). */
  | "http"
  /** No answer (or, streaming, no next piece) within the timeout. */
  | "timeout"
  /** The connection failed or broke off. */
  | "network"
  /** The caller's signal was aborted. */
  | "aborted"
  /** The server's answer was not a chat completion. */
  | "invalid_response"
  /** The model's answer did not have the requested shape, even after a repair attempt. */
  | "invalid_output"
  | "not_supported";

export class AiProviderError extends Error {
  readonly code: AiErrorCode;
  /** The HTTP status, when the server answered. */
  readonly status: number | null;
  /** Whether trying again later may succeed (429, 5xx, timeouts, network failures). */
  readonly retryable: boolean;
  /** From the server's Retry-After, when it sent one. */
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    options: { code: AiErrorCode; status?: number | null; retryable?: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AiProviderError";
    this.code = options.code;
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

const normalise = (text: string) => text.trim().replace(/\s+/g, " ");

function distinct(items: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items.map(normalise)) {
    const key = item.toLowerCase();
    if (item && !seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/**
 * Holds a summary to its transcript: positions outside it are dropped (action items keep the item,
 * without a source) or clamped (topics partly outside); topics are put in order without overlaps;
 * blank and repeated entries go. The result satisfies meetingSummaryResultSchema.
 */
export function groundSummary(summary: MeetingSummaryResult, segments: readonly SummarySegment[]): MeetingSummaryResult {
  const positions = new Set(segments.map((segment) => segment.position));
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const segment of segments) {
    first = Math.min(first, segment.position);
    last = Math.max(last, segment.position);
  }

  const topics: MeetingSummaryResult["topics"] = [];
  const candidates = summary.topics
    .filter((topic) => Number.isInteger(topic.startPosition) && Number.isInteger(topic.endPosition) && normalise(topic.title))
    .map((topic) => ({
      title: normalise(topic.title),
      startPosition: Math.min(topic.startPosition, topic.endPosition),
      endPosition: Math.max(topic.startPosition, topic.endPosition),
    }))
    .filter((topic) => topic.endPosition >= first && topic.startPosition <= last)
    .map((topic) => ({ ...topic, startPosition: Math.max(topic.startPosition, first), endPosition: Math.min(topic.endPosition, last) }))
    .sort((a, b) => a.startPosition - b.startPosition || a.endPosition - b.endPosition);
  for (const topic of candidates) {
    const previous = topics.at(-1);
    const startPosition = previous ? Math.max(topic.startPosition, previous.endPosition + 1) : topic.startPosition;
    if (startPosition <= topic.endPosition) topics.push({ ...topic, startPosition });
  }

  const seenItems = new Set<string>();
  const actionItems: MeetingSummaryResult["actionItems"] = [];
  for (const item of summary.actionItems) {
    const text = normalise(item.text);
    if (!text || seenItems.has(text.toLowerCase())) continue;
    seenItems.add(text.toLowerCase());
    const assigneeName = item.assigneeName === null ? null : normalise(item.assigneeName) || null;
    const sourcePosition = item.sourcePosition !== null && positions.has(item.sourcePosition) ? item.sourcePosition : null;
    actionItems.push({ text, assigneeName, dueDate: item.dueDate, sourcePosition });
  }

  return meetingSummaryResultSchema.parse({
    overview: normalise(summary.overview),
    keyPoints: distinct(summary.keyPoints),
    decisions: distinct(summary.decisions),
    topics,
    actionItems,
  });
}

/**
 * What users see when a model call failed (a summary's failure reason): what happened, without the
 * provider's internals. `unusableAnswer` replaces the default line for an answer that could not be used.
 */
export function describeAiFailure(error: AiProviderError, unusableAnswer = "The language model's answer could not be used"): string {
  switch (error.code) {
    case "timeout":
      return "The language model did not answer in time";
    case "network":
      return "The language model could not be reached";
    case "http":
      return `The language model answered with an error (HTTP ${error.status ?? "?"})`;
    case "invalid_response":
    case "invalid_output":
      return unusableAnswer;
    default:
      return error.message;
  }
}
