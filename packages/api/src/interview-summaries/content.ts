// What an interview summary says, and the checks that hold it to the transcript: every quote is the
// candidate's own words in the segment it cites (checked, or dropped), every question an
// interviewer's line, and the overview holds no hiring opinion. Plain functions over the
// transcript's lines: job.ts reads them, and either builds the content extractively (no model) or
// maps a model's answer (model.ts) onto them.
import { CONTRACTION_PIECES, FUNCTION_WORDS, SPOKEN_FILLERS, stopWords } from "../text/stop-words.js";
import { stem } from "../text/stem.js";
import { words } from "../text/words.js";
import type { InterviewEvidence, InterviewQuestion, InterviewSummaryCategory, InterviewSummaryContent } from "./schemas.js";

export interface Line {
  id: string;
  position: number;
  speaker: string | null;
  startMs: number;
  endMs: number;
  text: string;
  /** Spoken by the meeting participant with role `candidate` (the speaker mapped to them). */
  candidate: boolean;
}

export interface Category {
  id: string;
  name: string;
  description: string | null;
}

export interface InterviewFacts {
  positionTitle: string;
  stage: string;
  /** As scheduled; used when the transcript has no timing. */
  durationMinutes: number;
}

/** Evidence kept per category: enough to score on, few enough to read. */
export const MAX_EVIDENCE_PER_CATEGORY = 5;
const EXTRACTIVE_EVIDENCE_PER_CATEGORY = 3;
const MAX_QUESTIONS = 60;
const MAX_QUESTION_CHARS = 500;
const MAX_QUOTE_CHARS = 1_000;
const MAX_OVERVIEW_CHARS = 2_000;

// ---------------------------------------------------------------------------------------------
// Checks

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
/** Typographic quotes the model may write for the transcript's straight ones (one character each, so offsets hold). */
const foldQuotes = (text: string) => text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
/** What a model wraps a quote in: quotation marks and ellipses. */
const WRAPPING = /^["'“”‘’…\s]+|["“”…\s]+$|\.{3}$/g;

/**
 * The quote as it stands in the segment when it is a verbatim substring of it (whitespace runs
 * aside, as Ask Mind's citations are held to their segment), else null. What is stored is the
 * segment's own text, never the model's copy; a quote of fewer than two words says nothing.
 */
export function checkQuote(quote: string, segmentText: string): string | null {
  const wanted = foldQuotes(collapse(quote.replace(WRAPPING, "")));
  if (wanted.length > MAX_QUOTE_CHARS || words(wanted).length < 2) return null;
  const text = collapse(segmentText);
  const at = foldQuotes(text).indexOf(wanted);
  return at < 0 ? null : text.slice(at, at + wanted.length);
}

/**
 * A sentence that states or hints at a hiring decision. The summary never holds one (scoring is the
 * humans' job): the prompt forbids it, and the overview is filtered with this all the same.
 */
export const HIRING_OPINION =
  /\b(hire|hired|no[- ]hire|reject(s|ed|ion)?|recommend(s|ed|ation|ations)?|strong (yes|no)|(should|must|would|could) (not |n't )?(be )?(hired|advanced?|moved? forward|progress(ed)?|pass(ed)?)|(good|great|strong|poor|weak|bad|excellent|perfect) (fit|match|hire|candidate))\b/i;

/** The overview without its sentences that state a hiring opinion. */
export function withoutOpinions(overview: string): string {
  return collapse(overview)
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => sentence && !HIRING_OPINION.test(sentence))
    .join(" ");
}

// ---------------------------------------------------------------------------------------------
// Facts (the extractive overview, and the model's when it has none left after the filter)

function transcriptMinutes(lines: readonly Line[]): number {
  if (lines.length === 0) return 0;
  const start = Math.min(...lines.map((line) => line.startMs));
  const end = Math.max(...lines.map((line) => line.endMs));
  return Math.round((end - start) / 60_000);
}

function candidateTalkShare(lines: readonly Line[]): number | null {
  let candidate = 0;
  let total = 0;
  for (const line of lines) {
    // Timing where the transcript has it, else words: plain-text imports have no times.
    const spoken = line.endMs > line.startMs ? line.endMs - line.startMs : words(line.text).length;
    total += spoken;
    if (line.candidate) candidate += spoken;
  }
  return total > 0 ? Math.round((candidate / total) * 100) : null;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** A neutral overview made of facts only: the role, the stage, the length, the questions and who talked. */
export function factualOverview(
  facts: InterviewFacts,
  lines: readonly Line[],
  questions: number,
  categories: readonly InterviewSummaryCategory[],
): string {
  const minutes = transcriptMinutes(lines);
  const share = candidateTalkShare(lines);
  const sentences = [
    `${facts.stage.charAt(0).toUpperCase()}${facts.stage.slice(1)} interview for the ${facts.positionTitle} position.`,
    minutes > 0
      ? `The transcript covers about ${plural(minutes, "minute")}.`
      : `It was scheduled for ${plural(facts.durationMinutes, "minute")}.`,
    `The interviewers asked ${plural(questions, "question")}${share === null ? "" : `; the candidate did ${share}% of the talking`}.`,
  ];
  if (categories.length > 0) {
    const covered = categories.filter((category) => category.evidence.length > 0).length;
    sentences.push(
      `The candidate's statements bear on ${covered} of the ${plural(categories.length, "scorecard category", "scorecard categories")}.`,
    );
  } else {
    sentences.push("The interview has no scorecard template, so no evidence is gathered per category.");
  }
  return sentences.join(" ");
}

// ---------------------------------------------------------------------------------------------
// Extractive: no model

const STOP = stopWords(FUNCTION_WORDS, CONTRACTION_PIECES, SPOKEN_FILLERS);

function terms(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of words(text)) {
    if (word.length < 3 || STOP.has(word)) continue;
    const stemmed = stem(word);
    if (!STOP.has(stemmed)) out.add(stemmed);
  }
  return out;
}

const cite = (line: Line) => ({ segmentId: line.id, startMs: line.startMs, endMs: line.endMs });

/** The interviewers' lines that end with a question mark. */
function extractQuestions(lines: readonly Line[]): InterviewQuestion[] {
  return lines
    .filter((line) => !line.candidate && /\?["'”’)\s]*$/.test(line.text))
    .slice(0, MAX_QUESTIONS)
    .map((line) => ({ text: collapse(line.text).slice(0, MAX_QUESTION_CHARS), ...cite(line) }));
}

/**
 * Per category, the candidate's sentences sharing the most (stemmed) content words with the
 * category's name and description; ties go to the earlier sentence. Each quote is a sentence of
 * the segment as spoken.
 */
function extractEvidence(lines: readonly Line[], categories: readonly Category[]): InterviewSummaryCategory[] {
  const sentences = lines
    .filter((line) => line.candidate)
    .flatMap((line) =>
      collapse(line.text)
        .split(/(?<=[.!?])\s+/)
        .map((sentence) => ({ line, sentence, terms: terms(sentence) })),
    );
  return categories.map((category) => {
    const wanted = terms(`${category.name} ${category.description ?? ""}`);
    const scored = sentences
      .map((candidate, order) => ({ ...candidate, order, score: [...candidate.terms].filter((term) => wanted.has(term)).length }))
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, EXTRACTIVE_EVIDENCE_PER_CATEGORY)
      .sort((a, b) => a.order - b.order);
    const evidence: InterviewEvidence[] = [];
    for (const { line, sentence } of scored) {
      const quote = checkQuote(sentence, line.text);
      if (quote) evidence.push({ ...cite(line), quote });
    }
    return { categoryId: category.id, name: category.name, evidence };
  });
}

export function extractiveContent(facts: InterviewFacts, lines: readonly Line[], categories: readonly Category[]): InterviewSummaryContent {
  const questions = extractQuestions(lines);
  const evidence = extractEvidence(lines, categories);
  return { overview: factualOverview(facts, lines, questions.length, evidence), questions, categories: evidence };
}

// ---------------------------------------------------------------------------------------------
// A model's answer, held to the transcript

export interface ModelAnswer {
  overview: string;
  questions: { line: number | null; text: string }[];
  /** `category`: the 1-based number of the category in the request. */
  categories: { category: number | null; evidence: { line: number | null; quote: string }[] }[];
}

/** Questions keyed by their line's position, in transcript order. */
const inTranscriptOrder = (byPosition: Map<number, InterviewQuestion>) =>
  [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, question]) => question);

/**
 * Keeps what the transcript backs: questions on an interviewer's line, evidence on a candidate's
 * line whose quote checks out against it (others are dropped, not stored), categories that exist;
 * every category of the template appears, in its order. The overview loses its opinion sentences,
 * and is the factual one when nothing is left of it.
 */
export function groundModelAnswer(
  answer: ModelAnswer,
  facts: InterviewFacts,
  lines: readonly Line[],
  categories: readonly Category[],
): InterviewSummaryContent {
  const byPosition = new Map(lines.map((line) => [line.position, line]));

  const asked = new Map<number, InterviewQuestion>();
  for (const question of answer.questions) {
    const line = question.line === null ? undefined : byPosition.get(question.line);
    const text = collapse(question.text).slice(0, MAX_QUESTION_CHARS);
    if (!line || line.candidate || !text || asked.has(line.position) || asked.size >= MAX_QUESTIONS) continue;
    asked.set(line.position, { text, ...cite(line) });
  }
  const questions = inTranscriptOrder(asked);

  const evidenceOf = new Map<string, { position: number; item: InterviewEvidence }[]>(categories.map((category) => [category.id, []]));
  for (const entry of answer.categories) {
    const category = entry.category === null ? undefined : categories[entry.category - 1];
    const kept = category ? evidenceOf.get(category.id) : undefined;
    if (!category || !kept) continue;
    for (const item of entry.evidence) {
      const line = item.line === null ? undefined : byPosition.get(item.line);
      if (!line?.candidate || kept.length >= MAX_EVIDENCE_PER_CATEGORY) continue;
      const quote = checkQuote(item.quote, line.text);
      if (quote && !kept.some((other) => other.item.segmentId === line.id && other.item.quote === quote))
        kept.push({ position: line.position, item: { ...cite(line), quote } });
    }
  }
  const grounded = categories.map((category) => ({
    categoryId: category.id,
    name: category.name,
    evidence: (evidenceOf.get(category.id) ?? []).sort((a, b) => a.position - b.position).map((kept) => kept.item),
  }));

  const overview = withoutOpinions(answer.overview).slice(0, MAX_OVERVIEW_CHARS);
  return { overview: overview || factualOverview(facts, lines, questions.length, grounded), questions, categories: grounded };
}
