// Summaries by a language model: the prompts, the transcript as numbered lines (cut into parts that
// fit a request), and the JSON the model must answer with (forgiving on details, which
// groundSummary checks against the transcript afterwards).
import { z } from "zod";
import { DEFAULT_PROMPTS, summarySystemPrompt } from "../prompts.js";
import { AiProviderError, type ChatMessage, type ChatOptions, type ChatResult, type SummarySegment, type TokenUsage } from "../provider.js";

/** A single turn longer than this is cut: one monologue must not crowd out the meeting. */
const MAX_SEGMENT_CHARS = 1_500;

/** What the model may answer: structure is required, details are forgiven (and grounded later). */
const looseDate = z.unknown().transform((value) => {
  if (typeof value !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[0] ? null : match[0];
});
const loosePosition = z.unknown().transform((value) => {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 0 ? number : null;
});
const looseName = z
  .unknown()
  .transform((value) =>
    typeof value === "string" && value.trim() && !/^(null|none|unknown|n\/a)$/i.test(value.trim()) ? value.trim() : null,
  );
const strings = z.array(z.string()).default([]);

export const modelSummarySchema = z.object({
  overview: z.string().trim().min(1),
  keyPoints: strings,
  decisions: strings,
  topics: z
    .array(z.object({ title: z.string().trim().min(1), startPosition: z.coerce.number().int(), endPosition: z.coerce.number().int() }))
    .default([]),
  actionItems: z
    .array(z.object({ text: z.string().trim().min(1), assigneeName: looseName, dueDate: looseDate, sourcePosition: loosePosition }))
    .default([]),
});

export const modelMergeSchema = z.object({ overview: z.string().trim().min(1), keyPoints: strings, decisions: strings });

/** The built-in system message of a summary request; a workspace's own prompts replace it (ai/prompts.ts). */
export const SUMMARY_SYSTEM = summarySystemPrompt(DEFAULT_PROMPTS);

/** Not editable: it only merges the parts' notes of a long transcript, in the summary's own words. */
export const MERGE_SYSTEM = `You merge notes on consecutive parts of one meeting into notes on the whole meeting.
Use only what the notes say; never invent anything. Reply with a single JSON object and nothing else:
{ "overview": string (3 to 5 sentences on the whole meeting), "keyPoints": string[] (up to 8), "decisions": string[] }`;

export function formatSegment(segment: SummarySegment): string {
  const text = segment.text.replace(/\s+/g, " ").trim();
  const clipped = text.length > MAX_SEGMENT_CHARS ? `${text.slice(0, MAX_SEGMENT_CHARS)}…` : text;
  return `[${segment.position}] ${segment.speaker?.trim() || "Unknown"}: ${clipped}`;
}

/** Consecutive runs of lines within the character budget (a line longer than the budget is its own part). */
export function partition(lines: string[], budget: number): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (current.length > 0 && size + line.length + 1 > budget) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  // Some models wrap JSON in a Markdown fence despite being asked not to.
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  return JSON.parse(fenced?.[1] ?? trimmed);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Asks for JSON matching `schema`: one repair round (the model is shown what was wrong) when the reply
 * is not JSON of that shape, then an `invalid_output` error. Every request's tokens go to `onUsage`,
 * spent whatever became of them; `onRepair` hears why a reply was sent back (for the log).
 */
export async function chatJson<T>(
  chat: (messages: ChatMessage[], options: ChatOptions) => Promise<ChatResult>,
  messages: ChatMessage[],
  schema: z.ZodType<T>,
  options: {
    signal?: AbortSignal | undefined;
    temperature?: number;
    onUsage?: ((usage: TokenUsage) => void) | undefined;
    onRepair?: (round: number, problem: string) => void;
  } = {},
): Promise<T> {
  let conversation = messages;
  for (let round = 0; round < 2; round++) {
    const reply = await chat(conversation, {
      json: true,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    });
    options.onUsage?.(reply.usage);
    let problem: string;
    try {
      const parsed = schema.safeParse(extractJson(reply.text));
      if (parsed.success) return parsed.data;
      problem = `it does not have the requested shape (${describeIssues(parsed.error)})`;
    } catch {
      problem = "it is not valid JSON";
    }
    options.onRepair?.(round + 1, problem);
    if (round === 1) throw new AiProviderError(`The model's reply was not the requested JSON: ${problem}`, { code: "invalid_output" });
    conversation = [
      ...messages,
      { role: "assistant", content: reply.text },
      {
        role: "user",
        content: `Your reply cannot be used: ${problem}. Reply again with only the corrected JSON object, exactly in the requested shape.`,
      },
    ];
  }
  throw new AiProviderError("unreachable", { code: "invalid_output" });
}
