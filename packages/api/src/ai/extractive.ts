// The built-in AiProvider: summaries without a model, by extraction only, so MeetMind works offline
// and costs nothing. Everything it reports is a transcript sentence (tidied of fillers such as "um"
// and stutters, never reworded) or a position in the transcript:
// - overview and key points: the most central sentences (LexRank over TF-IDF vectors), picked with
//   maximal marginal relevance so that they do not repeat each other;
// - topics: TextTiling over the turns (lexical cohesion between the words before and after each
//   turn; sections start where it dips deepest), titled by each section's distinctive keywords;
// - decisions and action items: sentences matching explicit cue phrases, kept narrow on purpose (a
//   missed item costs less than an invented one).
// Deterministic (no randomness, ties broken by transcript order) and linear-ish in the transcript:
// the longest QMSum meeting (1,832 turns) takes a fraction of a second.
import { FUNCTION_WORDS, SPOKEN_FILLERS, stopWords, wordList } from "../text/stop-words.js";
import {
  AiProviderError,
  groundSummary,
  type AiProvider,
  type MeetingSummaryResult,
  type SummarizeOptions,
  type SummaryInput,
  type SummarySegment,
} from "./provider.js";

// ---------------------------------------------------------------------------------------------
// Words

/** Function words, plus what fills speech without carrying content ("yeah", "gonna", "stuff"). */
const STOP_WORDS = stopWords(
  FUNCTION_WORDS,
  SPOKEN_FILLERS,
  wordList(`
    almost along already although always among another anybody anyone anything anyway anyways around away back because
    cannot either else enough even ever every everybody everyone everything gets getting goes gone good gotta great however
    kinda knew let lets likely little look looks lot lots made make makes many may maybe might mine much must need needs
    never new nobody none nothing one ones others otherwise per perhaps probably put quite rather said say saying says see
    seem seems since somebody someone something sometimes somewhat sorta still stuff sure take though thus together took
    toward towards try trying two upon us use used using via want wants way went whatever whether whole whose within
    without yep yet basically certainly exactly means guess anyhow alright huh mhm uhm er erm ah aha wow hey gosh hah heh
    blah unless thank thanks sorry please later three four five six seven eight nine ten first second next last give given
    bit fine
  `),
);

/** Hesitations and backchannels, removed from the sentences we show. */
const FILLER = /(?<![\w'-])(?:u+[hm]+|h?m+-?h?m+|mm+|hmm+|e+r+m*|ah+|uh-huh|mm-hmm|um-hmm)(?![\w'-])[,.]?/gi;
/** Discourse markers that open a spoken sentence without adding to it. */
const LEADING_MARKERS = /^(?:(?:and|but|so|okay|ok|well|yeah|yes|right|oh|alright|now|anyway|then|also)\b[,.]?\s*)+/i;

/** Folds plurals so that "button" and "buttons" count as one term; anything cleverer costs more than it gives. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

interface Word {
  term: string;
  /** As spoken, for titles: lower case, but acronyms ("LCD") kept as written. */
  surface: string;
}

/** Content words of a text, in order. The corpus spells acronyms "L_C_D_": they become "LCD". */
function contentWords(text: string): Word[] {
  const words: Word[] = [];
  const unspelled = text.replace(/\b(?:[A-Za-z]_){2,}/g, (acronym) => acronym.replace(/_/g, ""));
  for (const [word] of unspelled.matchAll(/[A-Za-z][A-Za-z']*/g)) {
    const lower = word.toLowerCase().replace(/'s$/, "");
    // Contractions ("we're", "don't") are all function words.
    if (lower.length < 3 || lower.includes("'") || STOP_WORDS.has(lower)) continue;
    const term = stem(lower);
    if (!STOP_WORDS.has(term)) words.push({ term, surface: /^[A-Z]+$/.test(word) ? word : lower });
  }
  return words;
}

/** Lower-case words of a text, for matching sentences back to the transcript. */
function plainWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+(?:'[a-z]+)?/g) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Sentences

interface Sentence {
  /** Index in transcript order. */
  index: number;
  position: number;
  speaker: string | null;
  /** As spoken, for the cue patterns (fillers removed, nothing else). */
  spoken: string;
  /** Tidied for display. */
  text: string;
  wordCount: number;
  terms: number[];
  question: boolean;
  /** Hesitations, stutters, cut-off words and verbal tics: a halting sentence reads badly on its own. */
  disfluency: number;
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+(?=\S)/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[a-z0-9]/i.test(sentence));
}

function withoutFillers(text: string): string {
  return text
    .replace(FILLER, " ")
    .replace(/\s+([,.?!;:])/g, "$1")
    .replace(/([,;:])(?:\s*[,;:])+/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Drops stutters ("the the") and opening markers, and gives the sentence a capital and a full stop. */
function tidy(spoken: string): string {
  let text = spoken.replace(/\b([\w']+)(?:[\s,]+\1\b)+/gi, "$1").replace(LEADING_MARKERS, "");
  text = text.replace(/^[\s,.;:-]+/, "").trim();
  if (!text) return "";
  if (!/[.!?…]$/.test(text)) text = `${text.replace(/[,;:-]+$/, "")}.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TICS = /\b(?:you know|i mean|i guess|sort of|kind of|or something|or whatever|i dunno|like,)/gi;

function disfluencyOf(raw: string): number {
  const count = (pattern: RegExp) => raw.match(pattern)?.length ?? 0;
  return count(FILLER) + count(/\b([\w']+)(?:[\s,]+\1\b)+/gi) + count(/(?<![\w'-])[b-hj-z](?![\w'-])/gi) + count(TICS) + count(/"/g);
}

interface Vocabulary {
  ids: Map<string, number>;
  /** Per term, how often each surface form was spoken. */
  surfaces: Map<string, number>[];
}

function readSentences(segments: readonly SummarySegment[], vocabulary: Vocabulary): Sentence[] {
  const sentences: Sentence[] = [];
  for (const segment of segments) {
    for (const raw of splitSentences(segment.text)) {
      const spoken = withoutFillers(raw);
      const text = tidy(spoken);
      if (!text) continue;
      const terms = contentWords(spoken).map(({ term, surface }) => {
        let id = vocabulary.ids.get(term);
        if (id === undefined) {
          id = vocabulary.surfaces.length;
          vocabulary.ids.set(term, id);
          vocabulary.surfaces.push(new Map());
        }
        const surfaces = vocabulary.surfaces[id];
        surfaces?.set(surface, (surfaces.get(surface) ?? 0) + 1);
        return id;
      });
      sentences.push({
        index: sentences.length,
        position: segment.position,
        speaker: segment.speaker?.trim() || null,
        spoken,
        text,
        wordCount: plainWords(text).length,
        terms,
        question: text.endsWith("?"),
        disfluency: disfluencyOf(raw),
      });
    }
  }
  return sentences;
}

// ---------------------------------------------------------------------------------------------
// Centrality: LexRank over TF-IDF vectors

interface Vector {
  ids: number[];
  /** L2-normalised. */
  weights: number[];
}

function inverseFrequencies(sentences: readonly Sentence[], termCount: number): Float64Array {
  const df = new Float64Array(termCount);
  for (const sentence of sentences) for (const id of new Set(sentence.terms)) df[id] = (df[id] ?? 0) + 1;
  return df.map((count) => Math.log((sentences.length + 1) / (count + 0.5)));
}

function vectorOf(terms: readonly number[], idf: Float64Array): Vector {
  const counts = new Map<number, number>();
  for (const id of terms) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  const weights = ids.map((id) => (1 + Math.log(counts.get(id) ?? 1)) * (idf[id] ?? 0));
  const norm = Math.hypot(...weights) || 1;
  return { ids, weights: weights.map((weight) => weight / norm) };
}

function cosine(a: Vector, b: Vector): number {
  let sum = 0;
  for (let i = 0, j = 0; i < a.ids.length && j < b.ids.length; ) {
    const x = a.ids[i] ?? 0;
    const y = b.ids[j] ?? 0;
    if (x === y) sum += (a.weights[i++] ?? 0) * (b.weights[j++] ?? 0);
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** Weak links only add noise to the graph (and time): LexRank's usual cut-off. */
const MIN_SIMILARITY = 0.1;
const DAMPING = 0.85;

/** Stationary scores of a random walk over the sentence-similarity graph; they average 1. */
function lexRank(vectors: readonly Vector[]): Float64Array {
  const n = vectors.length;
  // Pairwise similarities through an inverted index: only pairs sharing a term are ever touched.
  const postings = new Map<number, { node: number; weight: number }[]>();
  vectors.forEach((vector, node) =>
    vector.ids.forEach((id, k) => {
      const list = postings.get(id) ?? [];
      list.push({ node, weight: vector.weights[k] ?? 0 });
      postings.set(id, list);
    }),
  );
  const edges: { to: number; weight: number }[][] = vectors.map(() => []);
  const row = new Float64Array(n);
  const touched: number[] = [];
  vectors.forEach((vector, node) => {
    vector.ids.forEach((id, k) => {
      const weight = vector.weights[k] ?? 0;
      for (const other of postings.get(id) ?? []) {
        if (other.node <= node) continue;
        if (row[other.node] === 0) touched.push(other.node);
        row[other.node] = (row[other.node] ?? 0) + weight * other.weight;
      }
    });
    for (const other of touched) {
      const similarity = row[other] ?? 0;
      if (similarity >= MIN_SIMILARITY) {
        edges[node]?.push({ to: other, weight: similarity });
        edges[other]?.push({ to: node, weight: similarity });
      }
      row[other] = 0;
    }
    touched.length = 0;
  });

  const degree = edges.map((list) => list.reduce((sum, edge) => sum + edge.weight, 0));
  let score = new Float64Array(n).fill(1 / n);
  for (let iteration = 0; iteration < 100; iteration++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let node = 0; node < n; node++) {
      const mass = score[node] ?? 0;
      const total = degree[node] ?? 0;
      if (total === 0) {
        dangling += mass;
        continue;
      }
      for (const edge of edges[node] ?? []) next[edge.to] = (next[edge.to] ?? 0) + (DAMPING * mass * edge.weight) / total;
    }
    const base = (1 - DAMPING) / n + (DAMPING * dangling) / n;
    let change = 0;
    for (let node = 0; node < n; node++) {
      next[node] = (next[node] ?? 0) + base;
      change += Math.abs((next[node] ?? 0) - (score[node] ?? 0));
    }
    score = next;
    if (change < 1e-9) break;
  }
  return score.map((value) => value * n);
}

interface Candidate {
  sentence: Sentence;
  vector: Vector;
  /** Centrality (LexRank), damped for sentences with few content words. */
  score: number;
}

/**
 * Sentences fit to stand alone in a summary. Questions, backchannels and rambles are left out while
 * enough remain; a very short transcript keeps whatever it has.
 */
function summaryCandidates(sentences: readonly Sentence[], idf: Float64Array): Candidate[] {
  const fit = (sentence: Sentence, strict: boolean) => {
    const content = new Set(sentence.terms).size;
    return strict
      ? !sentence.question && sentence.wordCount >= 7 && sentence.wordCount <= 45 && content >= 4
      : sentence.wordCount >= 2 && content >= 1;
  };
  let chosen = sentences.filter((sentence) => fit(sentence, true));
  if (chosen.length < 4) chosen = sentences.filter((sentence) => fit(sentence, false));
  if (chosen.length === 0) chosen = [...sentences];
  const vectors = chosen.map((sentence) => vectorOf(sentence.terms, idf));
  const centrality = lexRank(vectors);
  return chosen.map((sentence, k) => {
    // A sentence with two content words can be "central" by sharing one common word; it says little.
    const substance = Math.min(1, new Set(sentence.terms).size / 6);
    const fluency = 1 / (1 + 0.5 * sentence.disfluency);
    // Courtesies ("thank you, Chair") are said by everyone and say nothing.
    const courtesy = /\bthank/i.test(sentence.text) ? 0.5 : 1;
    // "It will help…", "Which is…": out of context, nobody knows what "it" is.
    const standalone = DANGLING_START.test(sentence.text) ? 0.5 : 1;
    return { sentence, vector: vectors[k] ?? { ids: [], weights: [] }, score: (centrality[k] ?? 0) * substance * fluency * standalone * courtesy };
  });
}

const DANGLING_START = /^(?:'?cause|because|which|who|whereas|it|it's|that|that's|this|these|those|they|they're|he|she|then|or|like|if|as|for example)\b/i;

/** How a chair opens a meeting: the best first sentence for an overview, which centrality alone misses. */
const AGENDA =
  /\b(?:agenda|(?:this|today's) meeting|we(?:'re| are) (?:going to|gonna) (?:discuss|talk about|look at|be discussing|be talking about|go over|cover)|(?:purpose|aim|goal) of (?:this|the|today's) meeting|today we(?:'ll| will| are going to)|we(?:'ll| will) (?:discuss|talk about|go over))\b/i;
/** The agenda is stated early, in this share of the sentences. */
const OPENING_SHARE = 0.15;

function agendaSentence(candidates: readonly Candidate[], sentenceCount: number): Candidate | undefined {
  return candidates.find((candidate) => candidate.sentence.index <= sentenceCount * OPENING_SHARE && AGENDA.test(candidate.sentence.spoken));
}

/** Trade-off between centrality and novelty when picking sentences (maximal marginal relevance). */
const MMR_LAMBDA = 0.7;

function pickDiverse(candidates: readonly Candidate[], count: number, already: readonly Candidate[], pool = candidates): Candidate[] {
  const top = Math.max(...candidates.map((candidate) => candidate.score), Number.MIN_VALUE);
  const picked: Candidate[] = [];
  const taken = new Set(already.map((candidate) => candidate.sentence.index));
  while (picked.length < count) {
    const chosen = [...already, ...picked];
    let best: Candidate | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const candidate of pool) {
      if (taken.has(candidate.sentence.index)) continue;
      let redundancy = 0;
      for (const other of chosen) redundancy = Math.max(redundancy, cosine(candidate.vector, other.vector));
      const value = MMR_LAMBDA * (candidate.score / top) - (1 - MMR_LAMBDA) * redundancy;
      if (value > bestValue) {
        best = candidate;
        bestValue = value;
      }
    }
    if (!best) break;
    picked.push(best);
    taken.add(best.sentence.index);
  }
  return picked;
}

const inTranscriptOrder = (a: Candidate, b: Candidate) => a.sentence.index - b.sentence.index;

// ---------------------------------------------------------------------------------------------
// Topics: TextTiling over the turns

const MAX_TOPICS = 8;
/**
 * Longer meetings have more topics, but not proportionally more: √(content words / 100) gives one
 * for a chat of a hundred words, 4 for a typical hour-long meeting, and reaches MAX_TOPICS at
 * about 6,000 content words.
 */
const topicCount = (words: number) => Math.min(MAX_TOPICS, Math.round(Math.sqrt(words / 100)));
/**
 * Content words compared on each side of a candidate boundary (TextTiling's blocks): about two
 * thirds of an expected topic, capped. Smaller blocks follow every digression; on QMSum's gold
 * topics these sizes gave the lowest Pk.
 */
const MAX_WINDOW = 300;

interface Turn {
  position: number;
  terms: number[];
}

interface Section {
  start: number;
  end: number;
}

/**
 * A block's words weighted by TF-IDF: plain counts (as in the original TextTiling) let the words of
 * the whole meeting ("remote", "button") tie every block to every other.
 */
function block(terms: readonly number[], idf: Float64Array): Map<number, number> {
  const weights = new Map<number, number>();
  for (const id of terms) weights.set(id, (weights.get(id) ?? 0) + (idf[id] ?? 0));
  return weights;
}

function weightedCosine(a: Map<number, number>, b: Map<number, number>): number {
  let dot = 0;
  for (const [id, weight] of a) dot += weight * (b.get(id) ?? 0);
  const norm = (weights: Map<number, number>) => Math.sqrt([...weights.values()].reduce((sum, weight) => sum + weight * weight, 0));
  return dot === 0 ? 0 : dot / (norm(a) * norm(b));
}

/** Splits the turns into sections (index ranges into `turns`, inclusive), in order, covering them all. */
function tileTopics(turns: readonly Turn[], idf: Float64Array): Section[] {
  const stream: number[] = [];
  const gaps: { turn: number; offset: number }[] = [];
  turns.forEach((turn, index) => {
    // A section starts at a turn with something to say, not at a stray "okay".
    if (turn.terms.length > 0 && stream.length > 0) gaps.push({ turn: index, offset: stream.length });
    stream.push(...turn.terms);
  });
  const whole: Section[] = turns.length > 0 ? [{ start: 0, end: turns.length - 1 }] : [];
  const target = topicCount(stream.length);
  if (target < 2 || gaps.length === 0) return whole;

  const window = Math.min(MAX_WINDOW, Math.max(20, Math.round(stream.length / (target * 1.5))));
  const raw = gaps.map(({ offset }) =>
    weightedCosine(block(stream.slice(Math.max(0, offset - window), offset), idf), block(stream.slice(offset, offset + window), idf)),
  );
  const similarity = raw.map((_, k) => {
    const around = raw.slice(Math.max(0, k - 1), k + 2);
    return around.reduce((sum, value) => sum + value, 0) / around.length;
  });
  // Depth: how far cohesion falls at a gap from the peaks on either side of it.
  const depth = similarity.map((value, k) => {
    let left = value;
    for (let j = k - 1; j >= 0 && (similarity[j] ?? 0) >= left; j--) left = similarity[j] ?? 0;
    let right = value;
    for (let j = k + 1; j < similarity.length && (similarity[j] ?? 0) >= right; j++) right = similarity[j] ?? 0;
    return left + right - 2 * value;
  });
  const mean = depth.reduce((sum, value) => sum + value, 0) / depth.length;
  const deviation = Math.sqrt(depth.reduce((sum, value) => sum + (value - mean) ** 2, 0) / depth.length);
  const threshold = Math.max(mean - deviation / 2, Number.MIN_VALUE);
  const minWords = Math.round(stream.length / (target * 3));

  const chosen: { turn: number; offset: number }[] = [];
  const byDepth = gaps.map((gap, k) => ({ gap, depth: depth[k] ?? 0 })).sort((a, b) => b.depth - a.depth || a.gap.offset - b.gap.offset);
  for (const { gap, depth: value } of byDepth) {
    if (chosen.length >= target - 1 || value < threshold) break;
    const farEnough =
      gap.offset >= minWords &&
      stream.length - gap.offset >= minWords &&
      chosen.every((other) => Math.abs(other.offset - gap.offset) >= minWords);
    if (farEnough) chosen.push(gap);
  }
  const starts = [0, ...chosen.map((gap) => gap.turn).sort((a, b) => a - b)];
  return starts.map((start, k) => ({ start, end: (starts[k + 1] ?? turns.length) - 1 }));
}

const TITLE_TERMS = 3;

/** Titles from each section's distinctive words: frequent in the section, rare elsewhere. Two-word phrases count when repeated. */
function titleTopics(sections: readonly Section[], turns: readonly Turn[], idf: Float64Array, vocabulary: Vocabulary): string[] {
  const spelled = (id: number) => {
    let best = "";
    let bestCount = 0;
    for (const [surface, count] of vocabulary.surfaces[id] ?? []) {
      if (count > bestCount || (count === bestCount && surface < best)) [best, bestCount] = [surface, count];
    }
    return best;
  };
  const perSection = sections.map((section) => {
    const unigrams = new Map<number, number>();
    const bigrams = new Map<string, number>();
    for (const turn of turns.slice(section.start, section.end + 1)) {
      turn.terms.forEach((id, k) => {
        unigrams.set(id, (unigrams.get(id) ?? 0) + 1);
        const next = turn.terms[k + 1];
        if (next !== undefined && next !== id) bigrams.set(`${id} ${next}`, (bigrams.get(`${id} ${next}`) ?? 0) + 1);
      });
    }
    return { unigrams, bigrams };
  });
  const spread = new Map<number, number>();
  for (const { unigrams } of perSection) for (const id of unigrams.keys()) spread.set(id, (spread.get(id) ?? 0) + 1);

  return perSection.map(({ unigrams, bigrams }, k) => {
    const distinct = (id: number) => (idf[id] ?? 0) * (1 + Math.log(sections.length / (spread.get(id) ?? 1)));
    const minCount = [...unigrams.values()].some((count) => count >= 2) ? 2 : 1;
    const keywords: { ids: number[]; score: number }[] = [];
    for (const [id, count] of unigrams) if (count >= minCount) keywords.push({ ids: [id], score: count * distinct(id) });
    for (const [key, count] of bigrams) {
      // Only phrases said several times: adjacency once is chance.
      if (count < 3) continue;
      const ids = key.split(" ").map(Number);
      keywords.push({ ids, score: 1.5 * count * Math.max(...ids.map(distinct)) });
    }
    keywords.sort((a, b) => b.score - a.score || a.ids.join().localeCompare(b.ids.join()));
    const picked: number[][] = [];
    const used = new Set<number>();
    for (const keyword of keywords) {
      if (picked.length >= TITLE_TERMS) break;
      if (keyword.ids.some((id) => used.has(id))) continue;
      picked.push(keyword.ids);
      keyword.ids.forEach((id) => used.add(id));
    }
    if (picked.length === 0) return `Part ${k + 1}`;
    const title = picked.map((ids) => ids.map(spelled).join(" ")).join(", ");
    return title.charAt(0).toUpperCase() + title.slice(1);
  });
}

// ---------------------------------------------------------------------------------------------
// Decisions

/** Said when a choice is made; the choice itself must follow or precede it (see hasSubstance). */
const DECISION_CUES = [
  /\bwe(?: have|'ve)?(?: all| just| finally| now)? (?:decided|agreed|settled on|chose|opted)\b/i,
  /\b(?:let's|let us) (?:go with|go for|stick with|settle on|choose)\b/i,
  /\bwe(?:'ll| will|'re going to|'re gonna| are going to| are gonna) (?:go with|go for|stick with|use|settle on|choose)\b/i,
  /\bwe(?:'re| are) (?:going with|sticking with)\b/i,
  /\bthe (?:final )?decision (?:is|was|has been)\b/i,
  /\b(?:we've|we have) (?:made|reached) (?:a|the|our) (?:final )?decision\b/i,
  /\b(?:it's|it is|that's|that is|so it's) (?:decided|agreed|settled)\b/i,
  /\b(?:everyone|everybody|we all) (?:agreed|agrees)\b/i,
  /\bwe(?:'re| are) (?:all )?(?:agreed|in agreement)\b/i,
  /\bdecision:/i,
];

/**
 * What may come before a decision cue: nothing, punctuation or a discourse marker. Anything else
 * puts the cue in a condition ("if we decided"), a doubt ("I'm not sure we agreed") or a noun
 * phrase ("the functions we will use").
 */
const CLAUSE_OPENING =
  /(?:^|[,;:.!?–-]|\b(?:so|then|and|but|okay|ok|right|well|yeah|yes|now|fine|alright|good|great|actually|basically|i think|i guess|i believe))\s*$/i;

function decisionCue(spoken: string): RegExpExecArray | null {
  for (const cue of DECISION_CUES) {
    const match = cue.exec(spoken);
    if (match && CLAUSE_OPENING.test(spoken.slice(0, match.index))) return match;
  }
  return null;
}

/** Some content besides the cue: "That's agreed." alone says nothing about what was agreed. */
function hasSubstance(spoken: string, cue: RegExpExecArray): boolean {
  const rest = `${spoken.slice(0, cue.index)} ${spoken.slice(cue.index + cue[0].length)}`;
  return contentWords(rest).length >= 1;
}

/** "Let's go for lunch": the meeting's own course, not a decision of it. */
const AGENDA_MOVE = /^\s*(?:[\w']+\s+){0,2}(?:lunch|coffee|break|presentations?)\b/i;

function findDecisions(sentences: readonly Sentence[]): Sentence[] {
  return sentences.filter((sentence) => {
    if (sentence.question) return false;
    const cue = decisionCue(sentence.spoken);
    return cue !== null && hasSubstance(sentence.spoken, cue) && !AGENDA_MOVE.test(sentence.spoken.slice(cue.index + cue[0].length));
  });
}

// ---------------------------------------------------------------------------------------------
// Action items

/**
 * Follow-up work, which anyone may be asked to do. Speech acts done in the meeting itself ("I'll
 * ask you to…", "I can confirm that…", "I'll remind members…") are left out.
 */
const FOLLOW_UP = [
  "send|e-?mail|mail|forward|circulate|distribute|share|post|upload|write up|draft|prepare|update|fix|check|verify|review|test",
  "investigate|research|look into|find out|figure out|follow up|set up|sort out|schedule|book|arrange|organi[sz]e|contact",
  "order|(?:talk|speak) to(?! you\\b)|get in touch|report back|submit",
  // Narrowed where the bare verb is mostly talk: "I'll ask a question", "I can confirm that…", "I'll get back to my point".
  "ask(?!\\s+you\\b)(?!(?:\\s+[\\w']+){0,2}\\s+questions?\\b)(?:\\s+[\\w']+){0,3}?\\s+(?:about|whether|if|for)|confirm(?! that)|get back to (?:you|him|her|them|everyone|everybody)",
].join("|");
/** Work someone takes on personally; too common in design talk ("we have to create a product") to count for "we". */
const OWN_WORK = [
  "finish(?!\\s+(?:up|with|this|off)\\b)|complete|implement|build|create|compile|summari[sz]e|put together|work on",
  "take care of|deal with|handle|draw up|reply|invite|print|install|download|rerun|re-run|transcribe",
  // "I'll write that down" and "I'll run through it" happen in the meeting.
  "write(?!(?:\\s+[\\w']+){0,2}\\s+down\\b)|run(?! through\\b)",
].join("|");
const verbs = (...lists: string[]) => `(?:${lists.join("|")})\\b`;
/** Words that may stand between the subject and the task: "I'll just quickly send". */
const HEDGES = "(?:(?:just|also|then|definitely|quickly|now|first|try to|make sure to|make sure I|go ahead and|be sure to|certainly|personally)\\s+)*";

// "so I can write it down" states a purpose, not an offer.
const FIRST_PERSON = new RegExp(`\\bI(?:'ll| will|'m going to| am going to|'m gonna| am gonna|(?<!\\bso I) can)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`, "gi");
/** Case-sensitive on purpose: a name is capitalised. */
const NAMED = new RegExp(`(?<!\\b(?:in|of|for|from|to|at|on|by|with) )\\b([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})(?: will|'ll| is going to| is gonna| can)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`, "g");
// A bare "please" only opening a clause: in "can the minister please update…", a question is asked.
const REQUEST = new RegExp(`(?:\\b(?:can|could|would|will) you(?: please)?|(?:^|[,;:]\\s*)please)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`, "gi");
const COLLECTIVE = new RegExp(
  `\\b(?:we(?:'ll| will)?(?: still| also| really)? (?:need to|have to|'ve got to|have got to|must)|(?:someone|somebody) (?:needs to|has to|should|will have to))\\s+${HEDGES}${verbs(FOLLOW_UP)}`,
  "gi",
);
/** A commitment inside a subordinate clause ("if I can check", "what I can confirm") is none. */
const SUBORDINATE = /\b(?:if|whether|unless|when|once|what|how|where|that|because|'cause|see)\s*$/i;
/** Done during the meeting itself, not after it. */
const IN_THE_ROOM =
  /\b(?:on the (?:white)?board|whiteboard|flip ?chart|(?:this|next|the) slide|audio|microphone|camera|headset|right now|for a (?:second|moment|sec)|in a (?:moment|minute|sec))\b/i;

function commitment(pattern: RegExp, spoken: string): RegExpExecArray | null {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(spoken); match; match = pattern.exec(spoken)) {
    if (!SUBORDINATE.test(spoken.slice(0, match.index))) return match;
  }
  return null;
}

/** "Action item: Erin to prepare…", "To-do for Sam: …". Case-sensitive where a name is expected. */
const LABELLED = /\b(?:[Aa]ction (?:[Ii]tems?|[Pp]oints?)|[Tt]o-?[Dd]o)(?: for ([A-Z][a-z]+))?\s*[:–-]\s*(?:([A-Z][a-z]+)(?: to| will|:)\s)?/;

/** Capitalised words that begin clauses but are nobody's name. */
const NOT_NAMES = new Set(
  `I It This That There These Those He She They We You Which What Who Where When Why How Someone Somebody Everyone
  Everybody Anyone Anybody Nobody Nothing Everything Something Anything The A An And But So Or If Then Now Maybe
  Perhaps Also Just Well Yes Yeah No Okay Ok Oh Right Sure Here One Each Both All Some Any Our Your Their His Her
  My Its Mm Um Uh Hmm Let Please Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday`.split(/\s+/),
);

/** The name in a capitalised run, without the clause openers before it: "Then John" is John. */
function nameIn(run: string | undefined): string | null {
  const words = (run ?? "").split(" ").filter(Boolean);
  while (words.length > 0 && NOT_NAMES.has(words[0] ?? "")) words.shift();
  return words.length > 0 ? words.join(" ") : null;
}

/** "Sarah, can you…" or "…by Friday, Sarah?": whom a request is addressed to. */
function addressee(spoken: string): string | null {
  const opening = /^(?:(?:and|so|okay|ok|well|oh)\b[,.]?\s*)*([A-Z][a-z]+),/.exec(spoken)?.[1];
  return nameIn(opening) ?? nameIn(/,\s*([A-Z][a-z]+)\s*[?.!]*$/.exec(spoken)?.[1]);
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
const WEEKDAY = "(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+)?";
/** A deadline word, then a full date: ISO, "December 4, 2026" or "4th of December 2026". */
const DUE = new RegExp(
  `\\b(?:by|before|on|until|till|due(?: on| by)?|no later than|deadline(?: is| of)?)\\s+(?:the\\s+)?${WEEKDAY}(?:(\\d{4})-(\\d{2})-(\\d{2})\\b|${MONTH}\\s+${DAY},?\\s+(\\d{4})\\b|${DAY}(?:\\s+of)?\\s+${MONTH},?\\s+(\\d{4})\\b)`,
  "i",
);

function isoDate(year: string, month: number, day: string): string | null {
  const iso = `${year}-${String(month).padStart(2, "0")}-${day.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  // Rejects impossible dates (2026-02-30) that Date would otherwise roll over.
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

const monthNumber = (name: string) => MONTHS.findIndex((month) => month.startsWith(name.toLowerCase().replace(".", "").slice(0, 3))) + 1;

/**
 * The due date when the sentence states a full one after a deadline word. A date without a year
 * ("December 4th") or a relative one ("Friday", "next week") gives null: the meeting's date is
 * unknown here, and a guessed year would be a made-up fact.
 */
export function dueDateOf(text: string): string | null {
  const match = DUE.exec(text);
  if (!match) return null;
  const [, isoYear, isoMonth, isoDay, month1, day1, year1, day2, month2, year2] = match;
  if (isoYear && isoMonth && isoDay) return isoDate(isoYear, Number(isoMonth), isoDay);
  if (month1 && day1 && year1) return isoDate(year1, monthNumber(month1), day1);
  if (month2 && day2 && year2) return isoDate(year2, monthNumber(month2), day2);
  return null;
}

/** Long spoken sentences are cut to the clause holding the commitment, at most this many words. */
const MAX_ITEM_WORDS = 30;

function itemText(sentence: Sentence, cueIndex: number): string {
  if (sentence.wordCount <= MAX_ITEM_WORDS) return sentence.text;
  // The cue starts at the person committing ("I'll…", "Sarah will…", "can you…"): the item starts there too.
  const words = sentence.spoken.slice(cueIndex).trim().split(/\s+/).slice(0, MAX_ITEM_WORDS);
  // Cut mid-sentence: no dangling "and" or "the" at the end.
  while (words.length > 1 && STOP_WORDS.has((words.at(-1) ?? "").toLowerCase().replace(/[^a-z']/g, ""))) words.pop();
  return tidy(words.join(" ").replace(/[,;:]$/, ""));
}

type ActionItem = MeetingSummaryResult["actionItems"][number];

function actionItemOf(sentence: Sentence): ActionItem | null {
  const { spoken } = sentence;
  const item = (cue: RegExpExecArray, assigneeName: string | null): ActionItem => ({
    text: itemText(sentence, cue.index),
    assigneeName,
    dueDate: dueDateOf(spoken),
    sourcePosition: sentence.position,
  });

  const labelled = LABELLED.exec(spoken);
  if (labelled && contentWords(spoken.slice(labelled.index + labelled[0].length)).length > 0) {
    return item(labelled, nameIn(labelled[1]) ?? nameIn(labelled[2]));
  }
  if (IN_THE_ROOM.test(spoken) || /\bagenda\b/i.test(spoken)) return null;
  const request = commitment(REQUEST, spoken);
  if (request) return item(request, addressee(spoken));
  // Statements only from here: "Will I need to check?" asks, it does not promise.
  if (sentence.question) return null;
  const named = commitment(NAMED, spoken);
  const name = nameIn(named?.[1]);
  if (named && name) return item(named, name);
  const firstPerson = commitment(FIRST_PERSON, spoken);
  if (firstPerson) return item(firstPerson, sentence.speaker);
  const collective = commitment(COLLECTIVE, spoken);
  if (collective) return item(collective, null);
  return null;
}

// ---------------------------------------------------------------------------------------------

/** Sentences in the overview: more for longer meetings, within 2 to 4. */
function overviewLength(words: number): number {
  if (words < 300) return 2;
  return words < 3_000 ? 3 : 4;
}

/** Key points: one per topic or so, within 5 to 8. */
const keyPointCount = (topics: number) => Math.min(8, Math.max(5, topics + 2));

function summarizeNow(input: SummaryInput): MeetingSummaryResult {
  const segments = [...input.segments].sort((a, b) => a.position - b.position);
  const vocabulary: Vocabulary = { ids: new Map(), surfaces: [] };
  const sentences = readSentences(segments, vocabulary);
  if (sentences.length === 0) {
    return groundSummary({ overview: "The transcript is empty.", keyPoints: [], decisions: [], topics: [], actionItems: [] }, segments);
  }
  const idf = inverseFrequencies(sentences, vocabulary.surfaces.length);

  const candidates = summaryCandidates(sentences, idf);
  const totalWords = sentences.reduce((sum, sentence) => sum + sentence.wordCount, 0);
  const agenda = agendaSentence(candidates, sentences.length);
  const opening = agenda ? [agenda] : [];
  const overview = [...opening, ...pickDiverse(candidates, overviewLength(totalWords) - opening.length, opening)].sort(inTranscriptOrder);

  const turns: Turn[] = segments.map((segment) => ({ position: segment.position, terms: [] }));
  const turnOf = new Map(segments.map((segment, index) => [segment.position, index]));
  for (const sentence of sentences) turns[turnOf.get(sentence.position) ?? 0]?.terms.push(...sentence.terms);
  const sections = tileTopics(turns, idf);
  const titles = titleTopics(sections, turns, idf, vocabulary);
  const topics = sections.map((section, k) => ({
    title: titles[k] ?? `Part ${k + 1}`,
    startPosition: turns[section.start]?.position ?? 0,
    endPosition: turns[section.end]?.position ?? 0,
  }));

  // Key points: the most central sentence of each topic first, so that no part of the meeting is
  // left out, then the most central of the rest; never one already in the overview.
  const keyPoints: Candidate[] = [];
  const wanted = keyPointCount(topics.length);
  for (const topic of topics) {
    if (keyPoints.length >= wanted) break;
    const inTopic = candidates.filter((c) => c.sentence.position >= topic.startPosition && c.sentence.position <= topic.endPosition);
    keyPoints.push(...pickDiverse(candidates, 1, [...overview, ...keyPoints], inTopic));
  }
  keyPoints.push(...pickDiverse(candidates, wanted - keyPoints.length, [...overview, ...keyPoints]));
  keyPoints.sort(inTranscriptOrder);

  const actionItems = sentences.map(actionItemOf).filter((item): item is ActionItem => item !== null);

  return groundSummary(
    {
      overview: overview.map((candidate) => candidate.sentence.text).join(" "),
      keyPoints: keyPoints.map((candidate) => candidate.sentence.text),
      decisions: findDecisions(sentences).map((sentence) => sentence.text),
      topics,
      actionItems,
    },
    segments,
  );
}

export function createExtractiveProvider(): AiProvider {
  return {
    name: "extractive",
    model: "extractive-v1",
    async summarize(input: SummaryInput, options: SummarizeOptions = {}): Promise<MeetingSummaryResult> {
      if (options.signal?.aborted) throw new AiProviderError("The request was cancelled", { code: "aborted", cause: options.signal.reason });
      return summarizeNow(input);
    },
    async chat(): Promise<never> {
      throw new AiProviderError("The extractive provider cannot chat: it has no language model", { code: "not_supported" });
    },
  };
}
