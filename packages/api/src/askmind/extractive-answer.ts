// Ask Mind's offline answer (no language model): the most relevant sentences of the retrieved
// windows, each quoted from — and cited to — the segment it comes from.
//
//   1. sentences: every segment of every window split into sentences, quoted clean-verbatim
//      (leading fillers such as "Um, so," trimmed, "uh"/"um" and stutters like "the the" dropped,
//      nothing else changed); sentences under minWords (backchannels, "Yeah.") are not quoted;
//   2. relevance: BM25 of the sentence against the question's content words (Porter stems; idf over
//      the windows' sentences), plus how central it is to the rest of its window (cosine, its own
//      words left out), times 1 / (1 + windowDecay · window rank); a sentence sharing no word with
//      the question counts only through centrality, at contextWeight;
//   3. nothing is answered (returns []) when no sentence shares a content word with the question,
//      or when the words found carry less than minCoverage of the question's (idf-weighted): the
//      caller must then say so plainly and cite nothing;
//   4. selection: maximal marginal relevance (lambda · relevance − (1 − lambda) · similarity to what
//      is already chosen; near-duplicates above maxSimilarity never) until the word budget is used;
//      the chosen sentences are returned in transcript order.
import { porterStem } from "./rouge.js";
import { contentWords, type RetrievedWindow } from "./retrieval.js";

export interface AnswerSentence {
  /** The sentence as quoted: verbatim from the segment but for fillers (uh, um) and stutters ("the the"). */
  text: string;
  segmentId: string;
  /** The segment's speaker, for attribution ("Marketing: ..."). */
  speakerLabel: string | null;
}

/** Words an answer aims for (QMSum reference answers are ~50–100 words). */
export const DEFAULT_WORD_BUDGET = 75;

export interface AnswerTuning {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only. */
  lambda: number;
  /** Weight of centrality (similarity to the window's content) next to question relevance. */
  centrality: number;
  /** Window prior: a sentence from the window ranked r (0-based) is weighted 1 / (1 + decay · r). */
  windowDecay: number;
  /** Sentences shorter than this (in words) are not quoted. */
  minWords: number;
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
  centrality: 0.5,
  windowDecay: 1,
  minWords: 5,
  maxWords: 40,
  k1: 1.2,
  b: 0.75,
  contextWeight: 0.5,
  density: 0,
  perWord: 0,
  maxSimilarity: 0.8,
  minCoverage: 0.15,
};

// ---------------------------------------------------------------- text

/** Function words and fillers: never counted as overlap with the question or between sentences. */
const STOP = new Set(
  (
    "a about above after again against all also am an and any are as at be been before being below between both but by can " +
    "could did do does doing done down during each few for from further had has have having he her here hers herself him himself " +
    "his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours " +
    "ourselves out over own same she should so some such than that the their theirs them themselves then there these they this " +
    "those through to too under until up very was we were what when where which while who whom why will with would you your " +
    "yours yourself yourselves s t d ll m re ve n um uh mm hmm yeah yes okay ok oh well like know mean gonna wanna got get " +
    "go going thing things kind sort really actually just right think"
  ).split(" "),
);

const stemCache = new Map<string, string>();
function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = porterStem(word);
    if (stemCache.size < 100_000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** Content stems of a text (lowercase alnum words, stop words and fillers dropped). */
function stemsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’](s|t|d|ll|m|re|ve)\b/g, "")
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !STOP.has(word))
    .map(stem);
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Leading fillers trimmed from a quoted sentence ("Um, so, yeah, the battery…" → "the battery…"). */
const LEADING_FILLER = /^(?:(?:um+|uh+|mm+|hmm+|erm|er|ah|oh|so|and|but|well|yeah|yes|okay|ok|right|alright|like|you know|i mean|now)\b[,.]?\s+)+/i;

/** Sentences of a segment's text, as [start, end) offsets into it, fillers trimmed at the start. */
export function splitSentences(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const pattern = /[^.!?…]*(?:[.!?…]+|$)/g;
  for (const match of text.matchAll(pattern)) {
    const raw = match[0];
    if (!raw.trim()) continue;
    let start = (match.index ?? 0) + (raw.length - raw.trimStart().length);
    const end = (match.index ?? 0) + raw.trimEnd().length;
    const filler = LEADING_FILLER.exec(text.slice(start, end));
    if (filler && filler[0].length < end - start) start += filler[0].length;
    if (end > start) spans.push({ start, end });
  }
  return spans;
}

const FILLERS = /[\s,]*(?<![\w-])(?:mm-hmm|uh-huh|uh+|um+|uhm|mm+|hmm+|erm|eh)\b,?(?=[\s.!?]|$)/gi;
const STUTTER = /\b([a-z']+)(?:[\s,]+\1\b)+/gi;

/** Clean verbatim: fillers and stutters dropped, spacing and the first letter tidied. */
export function cleanSentence(text: string): string {
  const cleaned = text
    .replace(FILLERS, "")
    .replace(STUTTER, "$1")
    .replace(/\s+([,.!?;:])/g, "$1")
    .replace(/,+(?=[,.!?])/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s,;:-]+/, "")
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
  const questionStems = [...new Set(contentWords(question).filter((word) => !STOP.has(word)).map(stem))];
  if (questionStems.length === 0 || windows.length === 0) return [];
  const questionSet = new Set(questionStems);

  // Sentences (a segment shared by two windows is read once, for the better window).
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const windowCounts: Map<string, number>[] = [];
  windows.forEach((window, windowRank) => {
    const all = new Map<string, number>();
    for (const segment of window.segments) {
      for (const s of stemsOf(segment.text)) all.set(s, (all.get(s) ?? 0) + 1);
      if (seen.has(segment.id)) continue;
      seen.add(segment.id);
      for (const span of splitSentences(segment.text)) {
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
          relevance: 0,
          matched: 0,
        });
      }
    }
    windowCounts.push(all);
  });
  if (candidates.length === 0) return [];

  // Question relevance: BM25 over the candidate sentences.
  const df = new Map<string, number>();
  for (const candidate of candidates) for (const s of candidate.counts.keys()) if (questionSet.has(s)) df.set(s, (df.get(s) ?? 0) + 1);
  if (df.size === 0) return [];
  const n = candidates.length;
  const averageLength = candidates.reduce((sum, c) => sum + c.stems.length, 0) / n;
  const idf = (s: string) => Math.log(1 + (n - (df.get(s) ?? 0) + 0.5) / ((df.get(s) ?? 0) + 0.5));
  const found = questionStems.reduce((sum, s) => sum + (df.has(s) ? idf(s) : 0), 0);
  const all = questionStems.reduce((sum, s) => sum + idf(s), 0);
  if (found < tuning.minCoverage * all) return [];
  const windowNorms = windowCounts.map(normOf);
  let best = 0;
  for (const candidate of candidates) {
    let bm25 = 0;
    for (const s of questionStems) {
      const tf = candidate.counts.get(s) ?? 0;
      if (!tf) continue;
      candidate.matched++;
      bm25 += (idf(s) * tf * (tuning.k1 + 1)) / (tf + tuning.k1 * (1 - tuning.b + (tuning.b * candidate.stems.length) / averageLength));
    }
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
    const base = bm25 + tuning.centrality * central * (candidate.matched ? 1 : tuning.contextWeight);
    const density = Math.pow(candidate.stems.length / candidate.words, tuning.density);
    candidate.relevance = (base * prior * lengthPenalty * density) / Math.pow(candidate.words, tuning.perWord);
    best = Math.max(best, candidate.relevance);
  }
  if (best <= 0) return [];

  // Maximal marginal relevance within the word budget.
  const chosen: Candidate[] = [];
  const pool = candidates.filter((c) => c.relevance > 0);
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
      const mmr = tuning.lambda * (candidate.relevance / best) - (1 - tuning.lambda) * redundancy;
      if (mmr > pickScore) {
        pickScore = mmr;
        pick = i;
      }
    }
    if (pick < 0) break;
    const [picked] = pool.splice(pick, 1);
    if (!picked) break;
    chosen.push(picked);
    words += picked.words;
  }

  chosen.sort((a, b) => a.meetingId.localeCompare(b.meetingId) || a.position - b.position || a.offset - b.offset);
  return chosen.map((c) => ({ text: c.text, segmentId: c.segmentId, speakerLabel: c.speakerLabel }));
}
