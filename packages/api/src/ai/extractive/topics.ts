// The topics of a meeting: TextTiling over the turns (lexical cohesion between the words before
// and after each turn; sections start where it dips deepest), titled by each section's distinctive
// keywords.
import type { Vocabulary } from "./sentences.js";

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

export interface Turn {
  position: number;
  terms: number[];
}

export interface Section {
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
export function tileTopics(turns: readonly Turn[], idf: Float64Array): Section[] {
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
export function titleTopics(sections: readonly Section[], turns: readonly Turn[], idf: Float64Array, vocabulary: Vocabulary): string[] {
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
