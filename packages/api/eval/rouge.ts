// ROUGE-1/2/L (Lin, 2004) for the QMSum evaluation (qmsum.ts).
//
// Compatible with Google's `rouge_score` package (the usual Python reference) with use_stemmer=True:
//   tokens: lowercase, every run of characters other than [a-z0-9] is a separator (text/words.ts);
//   stemming: Porter's (text/stem.ts), applied to tokens longer than 3 characters only;
//   ROUGE-N: clipped n-gram overlap; ROUGE-L: LCS of the two whole token sequences;
//   ROUGE-Lsum: summary-level LCS (union LCS over sentences, as ROUGE-1.5.5 / rouge_score's rougeLsum).
// Scores are fractions in [0, 1]; F1 is the harmonic mean (beta = 1). An empty side scores 0.

import { stem } from "../src/text/stem.js";
import { words } from "../src/text/words.js";

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

// ---------------------------------------------------------------- tokens

export interface TokenizeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge_score's rule). Default true. */
  stem?: boolean;
}

/** rouge_score's tokenizer: lowercase, [a-z0-9]+ runs, stemmed when longer than 3 characters. */
export function rougeTokens(text: string, options: TokenizeOptions = {}): string[] {
  const tokens = words(text);
  if (!(options.stem ?? true)) return tokens;
  return tokens.map((token) => (token.length > 3 ? stem(token) : token));
}

// ---------------------------------------------------------------- scores

function score(matches: number, candidateCount: number, referenceCount: number): RougeScore {
  const precision = candidateCount > 0 ? matches / candidateCount : 0;
  const recall = referenceCount > 0 ? matches / referenceCount : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(" ");
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N of token sequences: clipped n-gram matches over candidate / reference n-gram counts. */
export function rougeNTokens(candidate: string[], reference: string[], n: number): RougeScore {
  const c = ngramCounts(candidate, n);
  const r = ngramCounts(reference, n);
  let matches = 0;
  for (const [gram, count] of c) matches += Math.min(count, r.get(gram) ?? 0);
  return score(matches, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Length of the longest common subsequence (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** ROUGE-L of token sequences (LCS over the whole texts, rouge_score's rougeL). */
export function rougeLTokens(candidate: string[], reference: string[]): RougeScore {
  return score(lcsLength(candidate, reference), candidate.length, reference.length);
}

/** Indexes into `b` of one LCS of a and b. */
function lcsIndexes(a: readonly string[], b: readonly string[]): number[] {
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    const row = table[i] as number[];
    const above = table[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? (above[j - 1] ?? 0) + 1 : Math.max(above[j] ?? 0, row[j - 1] ?? 0);
    }
  }
  const indexes: number[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      indexes.push(j - 1);
      i--;
      j--;
    } else if ((table[i - 1]?.[j] ?? 0) >= (table[i]?.[j - 1] ?? 0)) i--;
    else j--;
  }
  return indexes.reverse();
}

/**
 * Summary-level ROUGE-L (ROUGE-1.5.5's, rouge_score's rougeLsum): for each reference sentence, the
 * union of its LCS with every candidate sentence; unigram hits are clipped by their counts.
 */
export function rougeLsumTokens(candidateSentences: string[][], referenceSentences: string[][]): RougeScore {
  const candidateCount = candidateSentences.reduce((sum, s) => sum + s.length, 0);
  const referenceCount = referenceSentences.reduce((sum, s) => sum + s.length, 0);
  const candidateLeft = new Map<string, number>();
  const referenceLeft = new Map<string, number>();
  for (const token of candidateSentences.flat()) candidateLeft.set(token, (candidateLeft.get(token) ?? 0) + 1);
  for (const token of referenceSentences.flat()) referenceLeft.set(token, (referenceLeft.get(token) ?? 0) + 1);
  let hits = 0;
  for (const reference of referenceSentences) {
    const union = new Set<number>();
    for (const candidate of candidateSentences) for (const index of lcsIndexes(candidate, reference)) union.add(index);
    for (const index of [...union].sort((x, y) => x - y)) {
      const token = reference[index] as string;
      const c = candidateLeft.get(token) ?? 0;
      const r = referenceLeft.get(token) ?? 0;
      if (c > 0 && r > 0) {
        hits++;
        candidateLeft.set(token, c - 1);
        referenceLeft.set(token, r - 1);
      }
    }
  }
  return score(hits, candidateCount, referenceCount);
}

export interface RougeScores {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
  rougeLsum: RougeScore;
}

/** Splits text into sentences for ROUGE-Lsum: after . ! ? followed by space, and at newlines. */
export function rougeSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum of a candidate against one reference text. */
export function rouge(candidate: string, reference: string, options: TokenizeOptions = {}): RougeScores {
  const c = rougeTokens(candidate, options);
  const r = rougeTokens(reference, options);
  return {
    rouge1: rougeNTokens(c, r, 1),
    rouge2: rougeNTokens(c, r, 2),
    rougeL: rougeLTokens(c, r),
    rougeLsum: rougeLsumTokens(
      rougeSentences(candidate).map((s) => rougeTokens(s, options)),
      rougeSentences(reference).map((s) => rougeTokens(s, options)),
    ),
  };
}
