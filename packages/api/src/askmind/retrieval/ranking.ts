// Ranking retrieval's hits into windows of consecutive turns: each run of WINDOW_TURNS turns
// around hits is scored as one document, BM25-style (Σ idf · saturated term frequency, so a window
// covering several of the question's words beats one that repeats a single word); the best
// non-overlapping windows are taken greedily, adjacent ones in the same meeting merged. Pure: the
// hits come from retrieval.ts's SQL.

/** Turns in a window (before merging adjacent windows). */
export const WINDOW_TURNS = 12;
/** A merged window is not grown beyond this many turns. */
export const MAX_WINDOW_TURNS = 24;
/** BM25 term-frequency saturation. */
const K1 = 1.2;
/** A question word found in the speaker label counts this much as one found in the text. */
const SPEAKER_WEIGHT = 0.5;

/** One segment matching at least one question word. tf[i] / speakerTf[i] are for terms[i]. */
export interface SegmentHit {
  meetingId: string;
  position: number;
  tf: number[];
  speakerTf: number[];
}

export interface HitSet {
  /** The question's stemmed content words (Postgres lexemes). */
  terms: string[];
  /** Per term, its weight: 1, or less for a word only in the question's scene-setting clause. */
  weights?: number[];
  /** Segments in the scope. */
  total: number;
  /**
   * Per term, a lower bound of its document frequency in the scope, for the broad terms that did
   * not select candidates (their hits are only counted where another term matched); else 0.
   */
  minDf: number[];
  hits: SegmentHit[];
}

export interface WindowSpan {
  meetingId: string;
  /** First and last turn (positions), inclusive. */
  first: number;
  last: number;
  score: number;
}

export interface RankOptions {
  windowTurns?: number;
  maxWindowTurns?: number;
  k1?: number;
  speakerWeight?: number;
}

/** BM25 idf (never negative). */
const idfOf = (df: number, total: number) => Math.log(1 + (total - df + 0.5) / (df + 0.5));

/**
 * The best `limit` windows of `windowTurns` turns over the hits, each scored as one document
 * (Σ idf · saturated frequency); greedy, non-overlapping, best first; windows of the same meeting
 * that touch are merged (up to maxWindowTurns turns).
 */
export function rankWindows(hitSet: HitSet, limit: number, options: RankOptions = {}): WindowSpan[] {
  const width = Math.max(1, options.windowTurns ?? WINDOW_TURNS);
  const maxWidth = Math.max(width, options.maxWindowTurns ?? MAX_WINDOW_TURNS);
  const k1 = options.k1 ?? K1;
  const speakerWeight = options.speakerWeight ?? SPEAKER_WEIGHT;
  const { terms, total, hits } = hitSet;
  if (limit <= 0 || hits.length === 0) return [];

  const df = new Array<number>(terms.length).fill(0);
  for (const hit of hits) hit.tf.forEach((count, i) => (df[i] = (df[i] ?? 0) + (count + (hit.speakerTf[i] ?? 0) > 0 ? 1 : 0)));
  const idf = df.map((count, i) => {
    const frequency = Math.max(count, hitSet.minDf[i] ?? 0);
    return idfOf(frequency, Math.max(total, frequency));
  });

  const byMeeting = new Map<string, SegmentHit[]>();
  for (const hit of hits) {
    const list = byMeeting.get(hit.meetingId) ?? [];
    list.push(hit);
    byMeeting.set(hit.meetingId, list);
  }

  // A window's best placement starts at a hit (shifting it right until then loses no hit), so
  // each hit starts one candidate: the hits in [position, position + width) are summed with two
  // pointers, and the span shown is then centred on them.
  const candidates: WindowSpan[] = [];
  const weighted = (hit: SegmentHit, t: number) => (hit.tf[t] ?? 0) + speakerWeight * (hit.speakerTf[t] ?? 0);
  for (const [meetingId, list] of byMeeting) {
    list.sort((a, b) => a.position - b.position);
    const frequencies = new Array<number>(terms.length).fill(0);
    let next = 0;
    for (let i = 0; i < list.length; i++) {
      const first = list[i] as SegmentHit;
      const end = first.position + width - 1;
      for (; next < list.length && (list[next] as SegmentHit).position <= end; next++) {
        const hit = list[next] as SegmentHit;
        for (let t = 0; t < terms.length; t++) frequencies[t] = (frequencies[t] ?? 0) + weighted(hit, t);
      }
      let score = 0;
      for (let t = 0; t < terms.length; t++) {
        const f = frequencies[t] ?? 0;
        if (f > 0) score += ((hitSet.weights?.[t] ?? 1) * (idf[t] ?? 0) * f * (k1 + 1)) / (f + k1);
      }
      const lastHit = (list[next - 1] as SegmentHit).position;
      const from = Math.max(0, first.position - Math.floor((width - 1 - (lastHit - first.position)) / 2));
      candidates.push({ meetingId, first: from, last: from + width - 1, score });
      for (let t = 0; t < terms.length; t++) frequencies[t] = (frequencies[t] ?? 0) - weighted(first, t);
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.meetingId.localeCompare(b.meetingId) || a.first - b.first);

  const chosen: WindowSpan[] = [];
  const overlaps = (a: WindowSpan, b: WindowSpan) => a.meetingId === b.meetingId && a.first <= b.last && b.first <= a.last;
  for (const candidate of candidates) {
    if (chosen.length >= limit) break;
    if (chosen.some((window) => overlaps(window, candidate))) continue;
    const touching = chosen.find(
      (window) =>
        window.meetingId === candidate.meetingId &&
        (window.last + 1 === candidate.first || candidate.last + 1 === window.first) &&
        Math.max(window.last, candidate.last) - Math.min(window.first, candidate.first) + 1 <= maxWidth,
    );
    if (touching) {
      touching.first = Math.min(touching.first, candidate.first);
      touching.last = Math.max(touching.last, candidate.last);
    } else chosen.push({ ...candidate });
  }
  return chosen;
}
