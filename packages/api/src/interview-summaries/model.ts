// An interview summary by a language model: the request (the workspace's `interviewSummary` prompt
// as the system message; the categories and the transcript as numbered lines in the user message,
// as data) and the JSON it must answer with, checked with zod and repaired once, like meeting
// summaries. The answer is then held to the transcript by content.ts (groundModelAnswer).
//
// The model cites segments by their line number, the "[N]" each transcript line starts with (the
// segment's position, one segment per number in this transcript): uuids would cost tokens and come
// back mistyped. The job maps the numbers back to segment ids.
import { z } from "zod";
import { interviewSummarySystemPrompt, type PromptSet } from "../ai/prompts.js";
import { chatJson } from "../ai/openai/summary-prompts.js";
import type { AiProvider, ChatMessage, TokenUsage } from "../ai/provider.js";
import type { Category, InterviewFacts, Line, ModelAnswer } from "./content.js";

/** A single turn longer than this is cut: one monologue must not crowd out the interview. */
const MAX_LINE_CHARS = 2_000;
/** Transcript characters sent (~30k tokens); an interview longer than that is cut at the end, and the model told. */
const MAX_TRANSCRIPT_CHARS = 120_000;

/** A line number as models write them: a number, or digits in a string; anything else is no line. */
const lineNumber = z.unknown().transform((value) => {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 0 ? number : null;
});

/** What the model may answer: the structure is required, details are forgiven (and checked afterwards). */
export const modelAnswerSchema: z.ZodType<ModelAnswer> = z.object({
  overview: z.string(),
  questions: z.array(z.object({ line: lineNumber, text: z.string() })).default([]),
  categories: z
    .array(z.object({ category: lineNumber, evidence: z.array(z.object({ line: lineNumber, quote: z.string() })).default([]) }))
    .default([]),
});

function transcriptLines(lines: readonly Line[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const line of lines) {
    const text = line.text.replace(/\s+/g, " ").trim();
    if (!text) continue;
    const who = line.candidate ? "Candidate" : `Interviewer${line.speaker ? ` (${line.speaker})` : ""}`;
    const formatted = `[${line.position}] ${who}: ${text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text}`;
    if (size + formatted.length > MAX_TRANSCRIPT_CHARS) {
      out.push("(The transcript is cut here: it is too long to send whole.)");
      break;
    }
    out.push(formatted);
    size += formatted.length + 1;
  }
  return out;
}

export function interviewSummaryMessages(
  prompts: PromptSet,
  facts: InterviewFacts,
  lines: readonly Line[],
  categories: readonly Category[],
): ChatMessage[] {
  const listed =
    categories.length > 0
      ? categories.map((category, index) => `${index + 1}. ${category.name}${category.description ? `: ${category.description}` : ""}`)
      : ['(none: answer with "categories": [])'];
  const user = [
    `Position: ${facts.positionTitle}`,
    `Stage: ${facts.stage}`,
    "Scorecard categories:",
    ...listed,
    "Transcript:",
    ...transcriptLines(lines),
  ].join("\n");
  return [
    { role: "system", content: interviewSummarySystemPrompt(prompts, facts.positionTitle) },
    { role: "user", content: user },
  ];
}

/**
 * Asks for the summary's JSON; one repair round when the reply is not JSON of the requested shape,
 * then an `invalid_output` error (the version fails with a reason; regenerate, or ask for the
 * extractive mode). Every request's tokens go to `onUsage`, spent whatever became of them.
 */
export function askModel(
  ai: AiProvider,
  messages: ChatMessage[],
  options: { signal: AbortSignal; onUsage: (usage: TokenUsage) => void },
): Promise<ModelAnswer> {
  return chatJson((conversation, chatOptions) => ai.chat(conversation, chatOptions), messages, modelAnswerSchema, {
    signal: options.signal,
    temperature: 0.1,
    onUsage: options.onUsage,
  });
}
