// Ask Mind's offline answer (no language model): the most relevant sentences of the retrieved
// windows, each quoted from — and cited to — the segment it comes from.
//
//   1. sentences: every segment of every window split into sentences (a long one into its clauses),
//      quoted clean-verbatim: leading fillers ("Um, so,") trimmed; "uh"/"um", "you know" set off by
//      commas, lone-letter word fragments ("the g system"), repeated words and phrases ("the the",
//      "in the in the") and bracketed annotations ("[Laughter.]") dropped; nothing else changed.
//      Sentences under minWords (backchannels, "Yeah.") are not quoted;
//   2. speakers: a question that names speakers ("What did Marketing think…", "…did F say…", "the
//      Prime Minister", "Bains") prefers their sentences, and their names are not looked for in the
//      text (unless nothing else is found);
//   3. relevance: BM25 of the sentence against the question's content words (Porter stems; idf over
//      the windows' sentences; relative to the best sentence; the words of a scene-setting clause
//      such as "when discussing the design" weigh sceneWeight), plus how relevant the best of its
//      turn and the turns next to it is (BM25 of whole turns, relative to the best turn), plus how
//      central it is to the rest of its window (cosine, its own words left out); times
//      1 / (1 + windowDecay · window rank), times (1 − its share of conversational words)^plain
//      ("I think you're right, yeah" reports nothing: answers are about what was said), times how
//      reportable its words are^reported (the mean, over its words, of how often a summary uses a
//      word its evidence uses: REPORTED_WORDS, learned on QMSum train; "would", "people" are
//      reported, "we", "think", "just" are not);
//   4. nothing is answered (returns []) when no sentence shares a content word with the question,
//      or when the words found carry less than minCoverage of the question's (idf-weighted): the
//      caller must then say so plainly and cite nothing;
//   5. selection: maximal marginal relevance (lambda · relevance − (1 − lambda) · similarity to what
//      is already chosen, plus an optional cohesion bonus for a sentence of a turn already quoted or
//      next to one; near-duplicates above maxSimilarity never) until the word budget is used; the
//      chosen sentences are returned in transcript order.
//
// DEFAULT_TUNING was tuned on QMSum's train split (`pnpm eval:qmsum --split train --tune ...`).
import { stem } from "../text/stem.js";
import { CONTRACTION_PIECES, FUNCTION_WORDS, SPOKEN_FILLERS, stopWords } from "../text/stop-words.js";
import { words } from "../text/words.js";
import { REPORTED_WORDS } from "./reported-words.js";
import { contentWords, mainClause, type RetrievedWindow } from "./retrieval.js";

export interface AnswerSentence {
  /** The sentence as quoted: verbatim from the segment but for fillers (uh, um) and stutters ("the the"). */
  text: string;
  segmentId: string;
  /** The segment's speaker, for attribution ("Marketing: ..."). */
  speakerLabel: string | null;
}

/** Words an answer aims for (QMSum reference answers are ~50–100 words). */
export const DEFAULT_WORD_BUDGET = 70;

export interface AnswerTuning {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only. */
  lambda: number;
  /** Weight of centrality (similarity to the window's content) next to question relevance. */
  centrality: number;
  /** Weight of the relevance of the sentence's turn and of the turns around it (0–1). */
  local: number;
  /** Turns either side that count as around a sentence's turn. */
  neighbourTurns: number;
  /** Window prior: a sentence from the window ranked r (0-based) is weighted 1 / (1 + decay · r). */
  windowDecay: number;
  /** Sentences shorter than this (in words) are not quoted. */
  minWords: number;
  /** Sentences longer than this (in words) are quoted clause by clause (see splitClauses). */
  clauseWords: number;
  /** Sentences longer than this are penalised in proportion. */
  maxWords: number;
  /** BM25 term-frequency saturation and length normalisation. */
  k1: number;
  b: number;
  /** Sentences with no question word are eligible only with this much of the relevance weight. */
  contextWeight: number;
  /** Exponent of a sentence's content density (content words / words): favours informative sentences. */
  density: number;
  /** Relevance is divided by words^perWord: the budget is in words, so value per word matters. */
  perWord: number;
  /**
   * Exponent of the share of a sentence's words that are not conversational (I, you, we, yeah,
   * thanks…): answers report what was said, so "I think you're right, yeah" says little.
   */
  plain: number;
  /** Exponent of how reportable a sentence's words are (see reportability). */
  reported: number;
  /** How reportable a word missing from REPORTED_WORDS (less common, so more specific) counts as. */
  unlistedReported: number;
  /** Weight of the words of a question's scene-setting clause ("when discussing …"; main clause: 1). */
  sceneWeight: number;
  /** When the question names speakers, the sentences of everyone else are weighted this much. */
  speakerOther: number;
  /** MMR bonus (relative to the best relevance) for a sentence of a quoted turn or of a turn next to one. */
  cohesion: number;
  /** Sentences under this share of the best one's relevance are never quoted, budget or not. */
  minRelevance: number;
  /** A sentence more similar than this (cosine) to one already chosen is never added (1 = no limit). */
  maxSimilarity: number;
  /**
   * Below this share of the question's content (idf-weighted; a word absent from the windows
   * weighs the most) found in the windows, the question is deemed not answered by them.
   */
  minCoverage: number;
}

export const DEFAULT_TUNING: AnswerTuning = {
  lambda: 0.7,
  centrality: 1.5,
  local: 1,
  neighbourTurns: 1,
  windowDecay: 0.25,
  minWords: 3,
  clauseWords: 20,
  maxWords: 60,
  k1: 0.6,
  b: 1,
  contextWeight: 1,
  density: 0,
  perWord: 0,
  plain: 6,
  reported: 1,
  unlistedReported: 0.1,
  sceneWeight: 0.25,
  speakerOther: 0.3,
  cohesion: 0,
  minRelevance: 0.1,
  maxSimilarity: 0.5,
  minCoverage: 0.1,
};

// ---------------------------------------------------------------- text

/** Function words and fillers: never counted as overlap with the question or between sentences. */
const STOP = stopWords(FUNCTION_WORDS, CONTRACTION_PIECES, SPOKEN_FILLERS, ["n"]);

/** Content stems of a text (lowercase alnum words, stop words and fillers dropped). */
function stemsOf(text: string): string[] {
  return words(text.toLowerCase().replace(/['’](s|t|d|ll|m|re|ve)\b/g, ""))
    .filter((word) => word.length > 1 && !STOP.has(word))
    .map(stem);
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Words of conversation rather than of content: first and second person, backchannels, courtesy. */
const CONVERSATIONAL = new Set(
  "i me my mine myself you your yours yourself yourselves we us our ours ourselves yeah yep yes okay ok oh thank thanks please sorry hello hi".split(" "),
);

/** The share of a text's words that are conversational ("I'm" counts as "I"). */
function conversationalShare(text: string): number {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const chat = words.filter((word) => CONVERSATIONAL.has(word.replace(/^[^a-z]+|[^a-z]+$/g, "").replace(/['’](s|t|d|ll|m|re|ve)$/, ""))).length;
  return chat / words.length;
}

/** The mean, over a text's words, of how often a summary reports the word (REPORTED_WORDS). */
function reportability(text: string, unlisted: number): number {
  const all = words(text);
  if (all.length === 0) return 0;
  return all.reduce((sum, word) => sum + (REPORTED_WORDS.get(word) ?? unlisted), 0) / all.length;
}

/** Leading fillers trimmed from a quoted sentence ("Um, so, yeah, the battery…" → "the battery…"). */
const LEADING_FILLER = /^(?:(?:um+|uh+|mm+|hmm+|erm|er|ah|oh|so|and|but|well|yeah|yes|okay|ok|right|alright|like|you know|i mean|now)\b[,.]?\s+)+/i;

/** Abbreviations whose full stop does not end a sentence ("Mr. Chair", "Dr. Blaney", "e.g. a battery"). */
const ABBREVIATION = /(?:^|[\s(])(?:mr|mrs|ms|dr|hon|prof|st|vs|etc|e\.g|i\.e)\.$/i;

/** Transcribers' annotations ("[Laughter.]", "[Interruption.]"): not words anyone said. */
const ANNOTATION = /\[[^\]\n]{0,40}\]/g;

/**
 * Sentences of a segment's text, as [start, end) offsets into it, fillers trimmed at the start;
 * bracketed annotations are neither sentences nor part of one (they are cut by cleanSentence).
 */
export function splitSentences(text: string): { start: number; end: number }[] {
  const masked = text.replace(ANNOTATION, (annotation) => " ".repeat(annotation.length));
  const spans: { start: number; end: number }[] = [];
  const pattern = /[^.!?…]*(?:[.!?…]+|$)/g;
  for (const match of masked.matchAll(pattern)) {
    const raw = match[0];
    if (!raw.trim()) continue;
    let start = (match.index ?? 0) + (raw.length - raw.trimStart().length);
    const end = (match.index ?? 0) + raw.trimEnd().length;
    const filler = LEADING_FILLER.exec(masked.slice(start, end));
    if (filler && filler[0].length < end - start) start += filler[0].length;
    const previous = spans.at(-1);
    // "Mr. Chair, …": a title's full stop does not end the sentence.
    if (previous && ABBREVIATION.test(masked.slice(previous.start, previous.end))) previous.end = end;
    else if (end > start) spans.push({ start, end });
  }
  return spans;
}

/** Where a long sentence may be cut: after a semicolon, colon or dash, or before a conjunction after a comma. */
const CLAUSE_BREAK = /[;:—–]\s+|\s+[-—–]+\s+|,\s+(?=(?:and|but|so|because|or|which|whereas|although|though|then|if|where|while)\b)/gi;

/**
 * A long sentence (over maxWords words) as its clauses (see CLAUSE_BREAK), each at least
 * maxWords / 3 words (a shorter one stays with the one before it), leading fillers trimmed.
 */
export function splitClauses(text: string, sentence: { start: number; end: number }, maxWords: number): { start: number; end: number }[] {
  const slice = text.slice(sentence.start, sentence.end);
  if (wordCount(slice) <= maxWords) return [sentence];
  const least = Math.max(3, Math.floor(maxWords / 3));
  const pieces: { start: number; end: number }[] = [];
  let start = sentence.start;
  for (const match of slice.matchAll(CLAUSE_BREAK)) {
    const end = sentence.start + (match.index ?? 0);
    const cut = end + match[0].length;
    if (wordCount(text.slice(start, end)) < least || wordCount(text.slice(cut, sentence.end)) < least) continue;
    pieces.push({ start, end });
    start = cut;
  }
  pieces.push({ start, end: sentence.end });
  return pieces.map((piece, i) => {
    if (i === 0) return piece;
    const filler = LEADING_FILLER.exec(text.slice(piece.start, piece.end));
    return filler && filler[0].length < piece.end - piece.start ? { start: piece.start + filler[0].length, end: piece.end } : piece;
  });
}

const FILLERS = /[\s,]*(?<![\w-])(?:mm-hmm|uh-huh|uh+|um+|uhm|mm+|hmm+|erm|eh)\b,?(?=[\s.!?]|$)/gi;
/** "you know" / "I mean" as fillers: set off by commas ("it was, you know, fine"), or ending the sentence. */
const DISCOURSE_FILLERS = /,\s*(?:you know|i mean)\s*(?:,\s*|(?=[.!?]|$))/gi;
/** Word fragments of a false start: a lone lowercase letter other than "a" ("the g system"). */
const FRAGMENT = /(?<![\w'’-])[b-hj-z](?![\w'’-])(?=\s|[,.!?]|$)/g;
/** The same word, or the same two or three words, said again ("the the", "in the in the"). */
const STUTTER = /\b([a-z']+(?:\s+[a-z']+){0,2})(?:[\s,]+\1\b)+/gi;

/** Clean verbatim: fillers, fragments, stutters and annotations dropped, spacing and the first letter tidied. */
export function cleanSentence(text: string): string {
  const cleaned = text
    .replace(ANNOTATION, " ")
    .replace(FILLERS, "")
    .replace(DISCOURSE_FILLERS, " ")
    .replace(FRAGMENT, "")
    .replace(STUTTER, "$1")
    .replace(/\s+([,.!?;:])/g, "$1")
    .replace(/,+(?=[,.!?])/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s,;:-]+/, "")
    .replace(/[\s,;:—–-]+$/, "")
    .trim();
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}

/** The answer as text: sentences in order, each run of one speaker's sentences introduced by the speaker. */
export function renderExtractiveAnswer(sentences: AnswerSentence[]): string {
  const parts: string[] = [];
  let speaker: string | null | undefined;
  for (const sentence of sentences) {
    if (sentence.speakerLabel !== speaker && sentence.speakerLabel) parts.push(`${parts.length ? "\n" : ""}${sentence.speakerLabel}: ${sentence.text}`);
    else parts.push(sentence.text);
    speaker = sentence.speakerLabel;
  }
  return parts.join(" ").replace(/ \n/g, "\n");
}

// ---------------------------------------------------------------- speakers

/** Words of a speaker label that are titles, not names ("Lynne Neagle AM", "Hon. Bill Morneau", "The Chair"). */
const TITLES = new Set(["am", "mp", "ms", "mr", "mrs", "miss", "dr", "the", "hon", "right", "rt", "honourable", "of", "and", "for"]);
/** Roles a question may name without the letter that tells the speakers apart ("the professor"). */
const ROLES = new Set(["professor", "postdoc", "grad", "phd", "chair", "chairman", "chairwoman", "chairperson", "manager", "designer"]);

/** Lowercase words of a text ("User Interface's" → user, interface). */
const labelWords = (text: string) =>
  text
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);

/** A speaker label read as a name ("Navdeep Bains") and roles in parentheses ("Minister of Finance"). */
function readLabel(label: string): { name: string[]; surname: string | null; roles: string[][]; letter: string | null } {
  const roles: string[][] = [];
  let outside = label;
  for (let inner = /\(([^()]*)\)/.exec(outside); inner; inner = /\(([^()]*)\)/.exec(outside)) {
    roles.push(labelWords(inner[1] ?? "").filter((word) => !TITLES.has(word)));
    outside = `${outside.slice(0, inner.index)} ${outside.slice(inner.index + inner[0].length)}`;
  }
  const tokens = outside.trim().split(/\s+/);
  const letter = tokens.length > 1 && /^[A-Z]$/.test(tokens.at(-1) ?? "") ? (tokens.at(-1) as string) : null;
  const name = labelWords(outside).filter((word) => !TITLES.has(word));
  const last = name.at(-1);
  return { name, surname: !letter && name.length > 1 && last && last.length > 2 ? last : null, roles, letter };
}

/** Whether `word` (lowercase) stands in the text as a word of its own, capitalised ("Bains", "Paul-Hus"). */
function capitalised(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...text.matchAll(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "gi"))].some((match) => /^[A-Z]/.test(match[0]));
}

/**
 * The speaker labels (of `labels`) that the question names: every word of the label's name
 * ("Project Manager", "Lynne Neagle" of "Lynne Neagle AM", word endings aside: "Industrial
 * Design"); the surname alone, capitalised, when no other speaker has it ("What did Bains say…");
 * every word of a role in parentheses ("the Prime Minister" of "Right Hon. Justin Trudeau (Prime
 * Minister)"); for a label that ends in a letter telling speakers apart ("Grad F"), that capital
 * letter standing alone in the question ("What did F think…") or the whole label; else a role
 * ("the professor") when exactly one of the labels has it. Labels with the same name as a named
 * one (the same person, with and without a role) are named too.
 */
export function namedSpeakers(question: string, labels: string[]): Set<string> {
  const words = new Set(labelWords(question).map(stem));
  const has = (wanted: string[]) => wanted.length > 0 && wanted.every((word) => words.has(stem(word)));
  const letters = new Set(question.match(/(?<=\s)[A-HJ-Z](?=['’]?s?[\s?,.;:]|$)/g) ?? []);
  const read = labels.map((label) => ({ label, ...readLabel(label) }));
  const surnames = new Map<string, Set<string>>();
  for (const { name, surname } of read) if (surname) surnames.set(surname, (surnames.get(surname) ?? new Set()).add(name.join(" ")));
  const named = new Set<string>();
  for (const { label, name, surname, roles, letter } of read) {
    if (letter) {
      if (letters.has(letter) || question.toLowerCase().includes(label.toLowerCase())) named.add(label);
      continue;
    }
    const bySurname = surname !== null && surnames.get(surname)?.size === 1 && capitalised(question, surname);
    if (has(name) || bySurname || roles.some((role) => role.length >= 2 && has(role))) named.add(label);
  }
  if (named.size === 0 && letters.size === 0) {
    // The role word itself (or its plural or possessive), not its stem: "design" is a topic, not the designer.
    const asked = new Set(labelWords(question).map((word) => word.replace(/s$/, "")));
    for (const role of ROLES) {
      if (!asked.has(role)) continue;
      const holders = labels.filter((label) => labelWords(label).includes(role));
      if (holders.length === 1) named.add(holders[0] as string);
    }
  }
  const names = new Set(read.filter(({ label }) => named.has(label)).map(({ name }) => name.join(" ")));
  for (const { label, name } of read) if (name.length > 0 && names.has(name.join(" "))) named.add(label);
  return named;
}

/** The stems of what names the given speakers (not to be looked for in what is said). */
function nameStemsOf(speakers: Set<string>): Set<string> {
  const stems = new Set<string>();
  for (const label of speakers) {
    const { name, roles } = readLabel(label);
    for (const word of [...name, ...roles.flat()]) stems.add(stem(word));
  }
  return stems;
}

// ---------------------------------------------------------------- scoring

interface Candidate {
  text: string;
  segmentId: string;
  speakerLabel: string | null;
  windowRank: number;
  meetingId: string;
  position: number;
  offset: number;
  words: number;
  stems: string[];
  counts: Map<string, number>;
  norm: number;
  /** Share of its words that are conversational. */
  chat: number;
  /** How reportable its words are (0–1). */
  reportable: number;
  relevance: number;
  matched: number;
}

function countsOf(stems: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of stems) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

const normOf = (counts: Map<string, number>) => Math.sqrt([...counts.values()].reduce((sum, c) => sum + c * c, 0));

function cosine(a: Map<string, number>, aNorm: number, b: Map<string, number>, bNorm: number): number {
  if (aNorm === 0 || bNorm === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [key, value] of small) dot += value * (large.get(key) ?? 0);
  return dot / (aNorm * bNorm);
}

/**
 * The extractive answer to `question` from `windows` (best first): cited sentences in transcript
 * order, at most about `wordBudget` words; [] when nothing in the windows is relevant.
 */
export function answerExtractively(
  question: string,
  windows: RetrievedWindow[],
  options: { wordBudget?: number; tuning?: Partial<AnswerTuning> } = {},
): AnswerSentence[] {
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const budget = Math.max(1, options.wordBudget ?? DEFAULT_WORD_BUDGET);
  if (windows.length === 0) return [];

  // Speakers the question names: preferred, and their names are not words to find in the text.
  const labels = [...new Set(windows.flatMap((window) => window.segments.flatMap((segment) => (segment.speakerLabel ? [segment.speakerLabel] : []))))];
  const speakers = namedSpeakers(question, labels);
  const nameStems = nameStemsOf(speakers);
  const allStems = [...new Set(contentWords(question).filter((word) => !STOP.has(word)).map(stem))];
  if (allStems.length === 0) return [];

  // Sentences (a segment shared by two windows is read once, for the better window), and the
  // question words of every turn, for the relevance of a sentence's surroundings.
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const windowCounts: Map<string, number>[] = [];
  const turns = new Map<string, Map<string, number>>(); // `${meetingId}:${position}` → stem counts
  windows.forEach((window, windowRank) => {
    const all = new Map<string, number>();
    for (const segment of window.segments) {
      const segmentStems = stemsOf(segment.text);
      for (const s of segmentStems) all.set(s, (all.get(s) ?? 0) + 1);
      if (seen.has(segment.id)) continue;
      seen.add(segment.id);
      turns.set(`${segment.meetingId}:${segment.position}`, countsOf(segmentStems));
      for (const span of splitSentences(segment.text).flatMap((sentence) => splitClauses(segment.text, sentence, tuning.clauseWords))) {
        const text = cleanSentence(segment.text.slice(span.start, span.end));
        const words = wordCount(text);
        if (words < tuning.minWords) continue;
        const stems = stemsOf(text);
        if (stems.length === 0) continue;
        const counts = countsOf(stems);
        candidates.push({
          text,
          segmentId: segment.id,
          speakerLabel: segment.speakerLabel,
          windowRank,
          meetingId: segment.meetingId,
          position: segment.position,
          offset: span.start,
          words,
          stems,
          counts,
          norm: normOf(counts),
          chat: conversationalShare(text),
          reportable: reportability(text, tuning.unlistedReported),
          relevance: 0,
          matched: 0,
        });
      }
    }
    windowCounts.push(all);
  });
  if (candidates.length === 0) return [];

  // The words to look for: the question's, less the names of the speakers it names (unless it is
  // only names: "What did Marketing say?").
  const unnamed = allStems.filter((s) => !nameStems.has(s));
  const questionStems = unnamed.length > 0 ? unnamed : allStems;
  const questionSet = new Set(questionStems);
  const df = new Map<string, number>();
  for (const candidate of candidates) for (const s of candidate.counts.keys()) if (questionSet.has(s)) df.set(s, (df.get(s) ?? 0) + 1);
  if (df.size === 0) return [];
  // Words only in a clause that sets the scene ("…of the battery when discussing the design")
  // say less about what is asked than the rest.
  const main = mainClause(question);
  const mainStems = main === null ? null : new Set(contentWords(main).map(stem));
  const weightOf = new Map(questionStems.map((s) => [s, !mainStems || mainStems.has(s) ? 1 : tuning.sceneWeight]));

  // Question relevance: BM25 over the candidate sentences.
  const n = candidates.length;
  const averageLength = candidates.reduce((sum, c) => sum + c.stems.length, 0) / n;
  const idf = (s: string) => Math.log(1 + (n - (df.get(s) ?? 0) + 0.5) / ((df.get(s) ?? 0) + 0.5));
  const found = questionStems.reduce((sum, s) => sum + (df.has(s) ? idf(s) : 0), 0);
  const all = questionStems.reduce((sum, s) => sum + idf(s), 0);
  if (found < tuning.minCoverage * all) return [];
  const bm25 = (counts: Map<string, number>, length: number, averageLength: number) => {
    let score = 0;
    let matched = 0;
    for (const s of questionStems) {
      const tf = counts.get(s) ?? 0;
      if (!tf) continue;
      matched++;
      score += ((weightOf.get(s) ?? 1) * idf(s) * tf * (tuning.k1 + 1)) / (tf + tuning.k1 * (1 - tuning.b + (tuning.b * length) / averageLength));
    }
    return { score, matched };
  };

  // How relevant each turn is (BM25 of the whole turn, relative to the best turn).
  const turnRelevance = new Map<string, number>();
  const averageTurn = [...turns.values()].reduce((sum, counts) => sum + [...counts.values()].reduce((a, c) => a + c, 0), 0) / Math.max(1, turns.size);
  let bestTurn = 0;
  for (const [key, counts] of turns) {
    const score = bm25(counts, [...counts.values()].reduce((a, c) => a + c, 0), Math.max(1, averageTurn)).score;
    turnRelevance.set(key, score);
    bestTurn = Math.max(bestTurn, score);
  }
  const localRelevance = (candidate: Candidate) => {
    let local = 0;
    for (let d = -tuning.neighbourTurns; d <= tuning.neighbourTurns; d++) {
      local = Math.max(local, turnRelevance.get(`${candidate.meetingId}:${candidate.position + d}`) ?? 0);
    }
    return bestTurn > 0 ? local / bestTurn : 0;
  };

  const scores = candidates.map((candidate) => {
    const { score, matched } = bm25(candidate.counts, candidate.stems.length, averageLength);
    candidate.matched = matched;
    return score;
  });
  const bestBm25 = Math.max(...scores);
  const windowNorms = windowCounts.map(normOf);
  let best = 0;
  candidates.forEach((candidate, i) => {
    // Similarity to the rest of its window (its own words taken out, so an aside shares nothing).
    const window = windowCounts[candidate.windowRank] ?? new Map<string, number>();
    let dot = 0;
    for (const [key, count] of candidate.counts) dot += count * ((window.get(key) ?? 0) - count);
    const windowNorm = windowNorms[candidate.windowRank] ?? 0;
    let own = 0;
    for (const [key, count] of candidate.counts) own += count * (window.get(key) ?? 0);
    const restNorm = Math.sqrt(Math.max(0, windowNorm * windowNorm - 2 * own + candidate.norm * candidate.norm));
    const central = candidate.norm > 0 && restNorm > 0 ? dot / (candidate.norm * restNorm) : 0;
    const lengthPenalty = candidate.words > tuning.maxWords ? tuning.maxWords / candidate.words : 1;
    const prior = 1 / (1 + tuning.windowDecay * candidate.windowRank);
    const relevance = bestBm25 > 0 ? (scores[i] ?? 0) / bestBm25 : 0;
    // A sentence without a question word is context: it counts only if it shares something with
    // the rest of its window (so not "Lunch is at noon" next to the battery talk).
    const context = candidate.matched ? 1 : central > 0 ? tuning.contextWeight : 0;
    const base = (relevance + tuning.local * localRelevance(candidate) + tuning.centrality * central) * context;
    const density =
      Math.pow(candidate.stems.length / candidate.words, tuning.density) *
      Math.pow(1 - candidate.chat, tuning.plain) *
      Math.pow(candidate.reportable, tuning.reported);
    const speaker = speakers.size > 0 && !(candidate.speakerLabel && speakers.has(candidate.speakerLabel)) ? tuning.speakerOther : 1;
    candidate.relevance = (base * prior * lengthPenalty * density * speaker) / Math.pow(candidate.words, tuning.perWord);
    best = Math.max(best, candidate.relevance);
  });
  if (best <= 0) return [];

  // Maximal marginal relevance within the word budget.
  const chosen: Candidate[] = [];
  const pool = candidates.filter((c) => c.relevance > 0 && c.relevance >= tuning.minRelevance * best);
  const quoted = new Set<string>(); // `${meetingId}:${position}` of the turns quoted so far
  let words = 0;
  while (pool.length > 0 && words < budget) {
    let pick = -1;
    let pickScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      const candidate = pool[i] as Candidate;
      if (words > 0 && words + candidate.words > budget * 1.2) continue;
      let redundancy = 0;
      for (const other of chosen) redundancy = Math.max(redundancy, cosine(candidate.counts, candidate.norm, other.counts, other.norm));
      if (tuning.maxSimilarity < 1 && redundancy > tuning.maxSimilarity) continue;
      const near =
        quoted.has(`${candidate.meetingId}:${candidate.position}`) ||
        quoted.has(`${candidate.meetingId}:${candidate.position - 1}`) ||
        quoted.has(`${candidate.meetingId}:${candidate.position + 1}`);
      const mmr = tuning.lambda * (candidate.relevance / best + (near ? tuning.cohesion : 0)) - (1 - tuning.lambda) * redundancy;
      if (mmr > pickScore) {
        pickScore = mmr;
        pick = i;
      }
    }
    if (pick < 0) break;
    const [picked] = pool.splice(pick, 1);
    if (!picked) break;
    chosen.push(picked);
    quoted.add(`${picked.meetingId}:${picked.position}`);
    words += picked.words;
  }

  chosen.sort((a, b) => a.meetingId.localeCompare(b.meetingId) || a.position - b.position || a.offset - b.offset);
  return chosen.map((c) => ({ text: c.text, segmentId: c.segmentId, speakerLabel: c.speakerLabel }));
}
