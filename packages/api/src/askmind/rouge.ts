// ROUGE-1/2/L (Lin, 2004) for the QMSum evaluation, and the Porter stemmer it needs (also used by
// the extractive answerer to match words to the question).
//
// Compatible with Google's `rouge_score` package (the usual Python reference) with use_stemmer=True:
//   tokens: lowercase, every run of characters other than [a-z0-9] is a separator;
//   stemming: Porter's original 1980 algorithm (NLTK's PorterStemmer in ORIGINAL_ALGORITHM mode,
//             which rouge_score uses), applied to tokens longer than 3 characters only;
//   ROUGE-N: clipped n-gram overlap; ROUGE-L: LCS of the two whole token sequences;
//   ROUGE-Lsum: summary-level LCS (union LCS over sentences, as ROUGE-1.5.5 / rouge_score's rougeLsum).
// Scores are fractions in [0, 1]; F1 is the harmonic mean (beta = 1). An empty side scores 0.

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

// ---------------------------------------------------------------- Porter stemmer

const VOWELS = new Set(["a", "e", "i", "o", "u"]);

/** Porter's stemmer, exactly as the 1980 paper describes it (no later departures). Lowercase input. */
export function porterStem(input: string): string {
  if (input.length <= 2) return input;
  let w = input;

  const isConsonant = (word: string, i: number): boolean => {
    const c = word[i];
    if (c === undefined) return false;
    if (VOWELS.has(c)) return false;
    if (c === "y") return i === 0 ? true : !isConsonant(word, i - 1);
    return true;
  };
  /** The measure m of word[0, end): the number of VC sequences. */
  const measure = (word: string, end: number): number => {
    let m = 0;
    let i = 0;
    while (i < end && isConsonant(word, i)) i++;
    while (i < end) {
      while (i < end && !isConsonant(word, i)) i++;
      if (i >= end) break;
      while (i < end && isConsonant(word, i)) i++;
      m++;
    }
    return m;
  };
  const hasVowel = (word: string, end: number): boolean => {
    for (let i = 0; i < end; i++) if (!isConsonant(word, i)) return true;
    return false;
  };
  /** *d: word[0, end) ends with a double consonant. */
  const doubleConsonant = (word: string, end: number): boolean =>
    end >= 2 && word[end - 1] === word[end - 2] && isConsonant(word, end - 1);
  /** *o: word[0, end) ends consonant-vowel-consonant, the last not w, x or y. */
  const cvc = (word: string, end: number): boolean => {
    if (end < 3) return false;
    if (!isConsonant(word, end - 1) || isConsonant(word, end - 2) || !isConsonant(word, end - 3)) return false;
    const last = word[end - 1];
    return last !== "w" && last !== "x" && last !== "y";
  };
  /**
   * One step: the longest listed suffix that the word ends with decides; it is replaced when the
   * stem before it passes `condition`, and nothing else in the step is tried either way.
   */
  const step = (word: string, rules: [string, string][], condition: (stemEnd: number, word: string) => boolean): string => {
    for (const [suffix, replacement] of rules) {
      if (!word.endsWith(suffix)) continue;
      const stemEnd = word.length - suffix.length;
      return condition(stemEnd, word) ? word.slice(0, stemEnd) + replacement : word;
    }
    return word;
  };

  // Step 1a
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies")) w = w.slice(0, -2);
  else if (w.endsWith("ss")) {
    // unchanged
  } else if (w.endsWith("s")) w = w.slice(0, -1);

  // Step 1b
  let cleanup = false;
  if (w.endsWith("eed")) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else if (w.endsWith("ed") && hasVowel(w, w.length - 2)) {
    w = w.slice(0, -2);
    cleanup = true;
  } else if (w.endsWith("ing") && hasVowel(w, w.length - 3)) {
    w = w.slice(0, -3);
    cleanup = true;
  }
  if (cleanup) {
    if (w.endsWith("at") || w.endsWith("bl") || w.endsWith("iz")) w += "e";
    else if (doubleConsonant(w, w.length) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w, w.length) === 1 && cvc(w, w.length)) w += "e";
  }

  // Step 1c
  if (w.endsWith("y") && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`;

  // Step 2
  w = step(
    w,
    [
      ["ational", "ate"],
      ["tional", "tion"],
      ["enci", "ence"],
      ["anci", "ance"],
      ["izer", "ize"],
      ["abli", "able"],
      ["alli", "al"],
      ["entli", "ent"],
      ["eli", "e"],
      ["ousli", "ous"],
      ["ization", "ize"],
      ["ation", "ate"],
      ["ator", "ate"],
      ["alism", "al"],
      ["iveness", "ive"],
      ["fulness", "ful"],
      ["ousness", "ous"],
      ["aliti", "al"],
      ["iviti", "ive"],
      ["biliti", "ble"],
    ].sort((a, b) => (b[0]?.length ?? 0) - (a[0]?.length ?? 0)) as [string, string][],
    (end, word) => measure(word, end) > 0,
  );

  // Step 3
  w = step(
    w,
    [
      ["icate", "ic"],
      ["ative", ""],
      ["alize", "al"],
      ["iciti", "ic"],
      ["ical", "ic"],
      ["ness", ""],
      ["ful", ""],
    ],
    (end, word) => measure(word, end) > 0,
  );

  // Step 4
  w = step(
    w,
    [
      ["ement", ""],
      ["ance", ""],
      ["ence", ""],
      ["able", ""],
      ["ible", ""],
      ["ment", ""],
      ["ant", ""],
      ["ent", ""],
      ["ion", ""],
      ["ism", ""],
      ["ate", ""],
      ["iti", ""],
      ["ous", ""],
      ["ive", ""],
      ["ize", ""],
      ["al", ""],
      ["er", ""],
      ["ic", ""],
      ["ou", ""],
    ],
    (end, word) => measure(word, end) > 1 && (!word.endsWith("ion") || /[st]$/.test(word.slice(0, end))),
  );

  // Step 5a
  if (w.endsWith("e")) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !cvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  // Step 5b
  if (w.endsWith("ll") && measure(w, w.length) > 1) w = w.slice(0, -1);
  return w;
}

// ---------------------------------------------------------------- tokens

export interface TokenizeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge_score's rule). Default true. */
  stem?: boolean;
}

const stemCache = new Map<string, string>();

/** rouge_score's tokenizer: lowercase, [a-z0-9]+ runs, stemmed when longer than 3 characters. */
export function rougeTokens(text: string, options: TokenizeOptions = {}): string[] {
  const stem = options.stem ?? true;
  const tokens = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (!stem) return tokens;
  return tokens.map((token) => {
    if (token.length <= 3) return token;
    let stemmed = stemCache.get(token);
    if (stemmed === undefined) {
      stemmed = porterStem(token);
      if (stemCache.size < 200_000) stemCache.set(token, stemmed);
    }
    return stemmed;
  });
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
