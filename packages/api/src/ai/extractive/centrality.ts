// Which sentences of a meeting matter most, for the overview and key points: LexRank centrality
// over TF-IDF vectors, picked with maximal marginal relevance so that they do not repeat each other.
import type { Sentence } from "./sentences.js";

export interface Vector {
  ids: number[];
  /** L2-normalised. */
  weights: number[];
}

export function inverseFrequencies(sentences: readonly Sentence[], termCount: number): Float64Array {
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

export interface Candidate {
  sentence: Sentence;
  vector: Vector;
  /** Centrality (LexRank), damped for sentences with few content words. */
  score: number;
}

/**
 * Sentences fit to stand alone in a summary. Questions, backchannels and rambles are left out while
 * enough remain; a very short transcript keeps whatever it has.
 */
export function summaryCandidates(sentences: readonly Sentence[], idf: Float64Array): Candidate[] {
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
    return {
      sentence,
      vector: vectors[k] ?? { ids: [], weights: [] },
      score: (centrality[k] ?? 0) * substance * fluency * standalone * courtesy,
    };
  });
}

const DANGLING_START =
  /^(?:'?cause|because|which|who|whereas|it|it's|that|that's|this|these|those|they|they're|he|she|then|or|like|if|as|for example)\b/i;

/** How a chair opens a meeting: the best first sentence for an overview, which centrality alone misses. */
const AGENDA =
  /\b(?:agenda|(?:this|today's) meeting|we(?:'re| are) (?:going to|gonna) (?:discuss|talk about|look at|be discussing|be talking about|go over|cover)|(?:purpose|aim|goal) of (?:this|the|today's) meeting|today we(?:'ll| will| are going to)|we(?:'ll| will) (?:discuss|talk about|go over))\b/i;
/** The agenda is stated early, in this share of the sentences. */
const OPENING_SHARE = 0.15;

export function agendaSentence(candidates: readonly Candidate[], sentenceCount: number): Candidate | undefined {
  return candidates.find(
    (candidate) => candidate.sentence.index <= sentenceCount * OPENING_SHARE && AGENDA.test(candidate.sentence.spoken),
  );
}

/** Trade-off between centrality and novelty when picking sentences (maximal marginal relevance). */
const MMR_LAMBDA = 0.7;

export function pickDiverse(
  candidates: readonly Candidate[],
  count: number,
  already: readonly Candidate[],
  pool = candidates,
): Candidate[] {
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

export const inTranscriptOrder = (a: Candidate, b: Candidate) => a.sentence.index - b.sentence.index;
