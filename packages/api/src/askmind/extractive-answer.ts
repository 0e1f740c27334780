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
// The steps live beside this file, in extractive-answer/: sentences.ts (1), speakers.ts (2),
// words.ts (the stems, conversational and reportable words of 3) and tuning.ts (every weight above,
// tuned on QMSum's train split).
import { stem } from "../text/stem.js";
import type { RetrievedWindow } from "./retrieval.js";
import { contentWords, mainClause } from "./retrieval/question.js";
import { cleanSentence, splitClauses, splitSentences, wordCount } from "./extractive-answer/sentences.js";
import { namedSpeakers, nameStemsOf } from "./extractive-answer/speakers.js";
import { DEFAULT_TUNING, DEFAULT_WORD_BUDGET, type AnswerTuning } from "./extractive-answer/tuning.js";
import { conversationalShare, reportability, STOP, stemsOf } from "./extractive-answer/words.js";

export interface AnswerSentence {
  /** The sentence as quoted: verbatim from the segment but for fillers (uh, um) and stutters ("the the"). */
  text: string;
  segmentId: string;
  /** The segment's speaker, for attribution ("Marketing: ..."). */
  speakerLabel: string | null;
}

/** The answer as text: sentences in order, each run of one speaker's sentences introduced by the speaker. */
export function renderExtractiveAnswer(sentences: AnswerSentence[]): string {
  const parts: string[] = [];
  let speaker: string | null | undefined;
  for (const sentence of sentences) {
    if (sentence.speakerLabel !== speaker && sentence.speakerLabel)
      parts.push(`${parts.length ? "\n" : ""}${sentence.speakerLabel}: ${sentence.text}`);
    else parts.push(sentence.text);
    speaker = sentence.speakerLabel;
  }
  return parts.join(" ").replace(/ \n/g, "\n");
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
  const labels = [
    ...new Set(windows.flatMap((window) => window.segments.flatMap((segment) => (segment.speakerLabel ? [segment.speakerLabel] : [])))),
  ];
  const speakers = namedSpeakers(question, labels);
  const nameStems = nameStemsOf(speakers);
  const allStems = [
    ...new Set(
      contentWords(question)
        .filter((word) => !STOP.has(word))
        .map(stem),
    ),
  ];
  if (allStems.length === 0) return [];

  const { candidates, windowCounts, turns } = readCandidates(windows, tuning);
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
      score +=
        ((weightOf.get(s) ?? 1) * idf(s) * tf * (tuning.k1 + 1)) / (tf + tuning.k1 * (1 - tuning.b + (tuning.b * length) / averageLength));
    }
    return { score, matched };
  };

  // How relevant each turn is (BM25 of the whole turn, relative to the best turn).
  const turnRelevance = new Map<string, number>();
  const averageTurn =
    [...turns.values()].reduce((sum, counts) => sum + [...counts.values()].reduce((a, c) => a + c, 0), 0) / Math.max(1, turns.size);
  let bestTurn = 0;
  for (const [key, counts] of turns) {
    const score = bm25(
      counts,
      [...counts.values()].reduce((a, c) => a + c, 0),
      Math.max(1, averageTurn),
    ).score;
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

  const chosen = selectWithinBudget(candidates, best, budget, tuning);
  chosen.sort((a, b) => a.meetingId.localeCompare(b.meetingId) || a.position - b.position || a.offset - b.offset);
  return chosen.map((c) => ({ text: c.text, segmentId: c.segmentId, speakerLabel: c.speakerLabel }));
}

/**
 * The sentences of the windows that may be quoted (a segment shared by two windows is read once,
 * for the better window); the stem counts of each window, for centrality; and those of every turn
 * (`${meetingId}:${position}`), for the relevance of a sentence's surroundings.
 */
function readCandidates(
  windows: RetrievedWindow[],
  tuning: AnswerTuning,
): { candidates: Candidate[]; windowCounts: Map<string, number>[]; turns: Map<string, Map<string, number>> } {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const windowCounts: Map<string, number>[] = [];
  const turns = new Map<string, Map<string, number>>();
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
  return { candidates, windowCounts, turns };
}

/**
 * Maximal marginal relevance within the word budget: the candidates worth quoting (at least
 * minRelevance of the best), each next one the most relevant and least like those already chosen.
 */
function selectWithinBudget(candidates: Candidate[], best: number, budget: number, tuning: AnswerTuning): Candidate[] {
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
  return chosen;
}
