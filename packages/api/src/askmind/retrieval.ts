// Ask Mind retrieval: the transcript passages a question is answered from.
//
// Full-text, over windows of consecutive turns (so a hit keeps its context):
//   1. content words: the question's words less stop words and question framing ("what did the
//      group discuss about ..."), stemmed by Postgres ('english', as the stored search_vector is);
//   2. candidates: every segment of the scope matching ANY of them (an OR tsquery, GIN-indexed;
//      websearch_to_tsquery would AND them and find nothing for a natural question), with how often
//      each word occurs in its text and in its speaker label. In a broad scope (> 20k segments), a
//      word matching over 1,000 segments of the workspace only counts where a narrower one matched;
//      if all are that broad, the 3,000 best segments by ts_rank_cd are the candidates;
//   3. windows: each run of WINDOW_TURNS consecutive turns around hits is scored as one document,
//      BM25-style (Σ idf · saturated term frequency, so a window covering several of the question's
//      words beats one that repeats a single word; a word only in a clause that sets the question's
//      scene, "… when discussing the design", weighs SCENE_WEIGHT); the best non-overlapping windows are taken
//      greedily, adjacent ones in the same meeting merged;
//   4. the windows' segments are read back (current transcript, in order).
// A vector ranking (embeddings + pgvector) is fused with these windows by reciprocal rank in
// hybrid.ts; idf is computed within the scope, so "the battery" matters inside a meeting about it.
//
// Tenancy and visibility: raw SQL bypasses the scoped client, so every statement names the
// workspace itself, joins the meeting's current transcript, and skips soft-deleted meetings.
import { Prisma, type Db } from "@meetmind/db";
import { CONTRACTION_PIECES, FUNCTION_WORDS, stopWords, wordList } from "../text/stop-words.js";
import { words } from "../text/words.js";

export interface RetrievalScope {
  meetingIds?: string[];
  from?: Date;
  to?: Date;
  tag?: string;
  participantMemberId?: string;
}

export interface RetrievedSegment {
  id: string;
  meetingId: string;
  meetingTitle: string;
  position: number;
  speakerLabel: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

export interface RetrievedWindow {
  meetingId: string;
  meetingTitle: string;
  score: number;
  /** Consecutive segments, in transcript order. */
  segments: RetrievedSegment[];
}

// ---------------------------------------------------------------- tuning

/** Turns in a window (before merging adjacent windows). */
export const WINDOW_TURNS = 12;
/** A merged window is not grown beyond this many turns. */
export const MAX_WINDOW_TURNS = 24;
/** BM25 term-frequency saturation. */
const K1 = 1.2;
/** A question word found in the speaker label counts this much as one found in the text. */
const SPEAKER_WEIGHT = 0.5;
/** At most this many content words are looked up (the question's first ones). */
const MAX_TERMS = 24;
/** Weight of a word only in the question's scene-setting clause ("… when discussing the design"). */
const SCENE_WEIGHT = 0.5;
/** ts_rank_cd normalisation 1 (rank / (1 + log length)), as transcript search uses. */
const RANK_NORMALIZATION = 1;

// ---------------------------------------------------------------- content words

/**
 * Words that frame a question rather than say what it is about ("what did the group discuss
 * about …"). Postgres drops its own English stop words as well when stemming.
 */
const QUESTION_FRAMING = wordList(`
  whats summarize summarise summarized summary summarization discuss discussed discussing discussion discussions talk talked
  talking say said says saying tell told think thought thoughts opinion opinions view views mention mentioned mentioning state
  stated explain explained describe described express expressed give gave given regarding related relate concerning toward
  towards group team meeting whole everyone anyone someone people members member part
`);
const QUESTION_STOP_WORDS = stopWords(FUNCTION_WORDS, CONTRACTION_PIECES, QUESTION_FRAMING);

/** The question's content words, lowercase [a-z0-9] only (so they are safe in a tsquery), in order. */
export function contentWords(question: string): string[] {
  const content = words(question.toLowerCase().replace(/['’]s\b/g, "")).filter((word) => !QUESTION_STOP_WORDS.has(word));
  return [...new Set(content)].slice(0, MAX_TERMS);
}

/**
 * Where a clause setting the scene of a question starts: "when/while" and a verb in -ing ("… when
 * discussing the design", "… when the team was talking over …"), "when it came to", "during". Not
 * "What happens when the battery dies?", which asks about what follows.
 */
const SCENE = /\b(?:(?:when|while|whilst)\s+(?:(?:the\s+)?\w+\s+(?:was|were|is|are)\s+)?\w+ing\b|when\s+it\s+came\s+to\b|during\b)/i;

/**
 * The question's main clause, when a clause setting the scene follows it ("What did they think of
 * the battery | when discussing the design?"); null when there is none (or nothing before it).
 * The scene's words are still looked for, but weigh less than what is asked.
 */
export function mainClause(question: string): string | null {
  const scene = SCENE.exec(question);
  if (!scene || contentWords(question.slice(0, scene.index)).length === 0) return null;
  return question.slice(0, scene.index);
}

// ---------------------------------------------------------------- scope

function scopeConditions(scope: RetrievalScope): Prisma.Sql {
  const meetingDate = Prisma.sql`coalesce(m.scheduled_start, m.created_at)`;
  const conditions = [
    scope.meetingIds ? Prisma.sql`AND m.id = ANY(${scope.meetingIds}::uuid[])` : Prisma.empty,
    scope.from ? Prisma.sql`AND ${meetingDate} >= ${scope.from}::timestamptz` : Prisma.empty,
    scope.to ? Prisma.sql`AND ${meetingDate} <= ${scope.to}::timestamptz` : Prisma.empty,
    scope.tag ? Prisma.sql`AND m.tags @> ARRAY[${scope.tag}::text]` : Prisma.empty,
    scope.participantMemberId
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM meeting_participants p
                                WHERE p.meeting_id = m.id AND p.workspace_id = m.workspace_id
                                  AND p.member_id = ${scope.participantMemberId}::uuid)`
      : Prisma.empty,
  ];
  return Prisma.join(conditions, " ");
}

// ---------------------------------------------------------------- hits

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

/** Scopes with more segments than this look broad terms up only where a narrower one matched. */
export const BROAD_SCOPE_SEGMENTS = 20_000;
/** ...a term is broad when it matches at least this many segments of the workspace... */
export const BROAD_TERM_SEGMENTS = 1_000;
/** ...and when every term is broad, the candidates are the best this many by ts_rank_cd. */
export const BROAD_CANDIDATES = 3_000;

interface HitRow {
  meeting_id: string;
  position: number;
  lexemes: string[];
  text_tf: number[];
  speaker_tf: number[];
}

/**
 * Every segment of the scope matching any of `words` (in a broad scope: any of its selective
 * words), with the frequency of every word in its text and its speaker label.
 */
export async function findHits(
  db: Pick<Db, "$queryRaw">,
  workspaceId: string,
  words: string[],
  scope: RetrievalScope,
  options: { broadScopeSegments?: number; broadTermSegments?: number; mainWords?: string[]; sceneWeight?: number } = {},
): Promise<HitSet> {
  const broadScope = options.broadScopeSegments ?? BROAD_SCOPE_SEGMENTS;
  const broadTerm = options.broadTermSegments ?? BROAD_TERM_SEGMENTS;
  const workspace = Prisma.sql`${workspaceId}::uuid`;
  const conditions = scopeConditions(scope);
  const liveMeeting = Prisma.sql`JOIN meetings m ON m.id = t.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL ${conditions}`;

  // 1. The lexemes, and the scope's size: positions are 0..n-1 in every transcript, so n is its
  //    last position + 1 (one index probe per transcript, where count(*) would read every segment).
  const [stats] = await db.$queryRaw<{ terms: string[] | null; main: string[] | null; total: number }[]>`
    SELECT (SELECT array_agg(DISTINCT lexeme ORDER BY lexeme)
              FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, ${words.join(" ")}::text))) AS lexeme) AS terms,
           (SELECT array_agg(lexeme)
              FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, ${(options.mainWords ?? words).join(" ")}::text))) AS lexeme) AS main,
           (SELECT coalesce(sum((SELECT max(s.position) + 1 FROM transcript_segments s WHERE s.transcript_id = t.id)), 0)::int
              FROM transcripts t ${liveMeeting}
             WHERE t.workspace_id = ${workspace} AND t.is_current) AS total`;
  const terms = stats?.terms ?? [];
  const total = stats?.total ?? 0;
  const main = new Set(stats?.main ?? []);
  const weights = terms.map((term) => (options.mainWords && !main.has(term) ? (options.sceneWeight ?? SCENE_WEIGHT) : 1));
  const minDf = new Array<number>(terms.length).fill(0);
  if (terms.length === 0 || total === 0) return { terms, weights, total, minDf, hits: [] };

  // 2. In a broad scope, a term matching thousands of segments (a speaker's name, "design" in a
  //    design team) would bring them all in for little: it only counts where a narrower term
  //    matched. Counting stops at the threshold, so this costs little even for such terms.
  let selective = terms;
  let all = false;
  if (total > broadScope) {
    const counts = await db.$queryRaw<{ lexeme: string; df: number }[]>`
      SELECT lexeme, (SELECT count(*)::int FROM (
                        SELECT 1 FROM transcript_segments s
                         WHERE s.workspace_id = ${workspace} AND s.search_vector @@ quote_literal(lexeme)::tsquery
                         LIMIT ${broadTerm}::int) x) AS df
        FROM unnest(${terms}::text[]) AS lexeme`;
    const broad = new Set(counts.filter((row) => row.df >= broadTerm).map((row) => row.lexeme));
    selective = terms.filter((term) => !broad.has(term));
    terms.forEach((term, i) => (minDf[i] = broad.has(term) ? broadTerm : 0));
    if (selective.length === 0) {
      selective = terms;
      all = true;
    }
  }

  // 3. The candidates and their term frequencies (weight A = text, B = speaker label).
  const query = Prisma.sql`(SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery FROM unnest(${selective}::text[]) AS lexeme)`;
  const best = all
    ? Prisma.sql`ORDER BY ts_rank_cd(s.search_vector, q.query, ${RANK_NORMALIZATION}::int) DESC LIMIT ${BROAD_CANDIDATES}::int`
    : Prisma.empty;
  const rows = await db.$queryRaw<HitRow[]>`
    WITH q AS MATERIALIZED (SELECT ${query} AS query),
    candidates AS MATERIALIZED (
      SELECT s.meeting_id, s.position, s.search_vector
        FROM transcript_segments s
        JOIN transcripts t ON t.id = s.transcript_id AND t.is_current AND t.workspace_id = ${workspace}
        ${liveMeeting}, q
       WHERE s.workspace_id = ${workspace} AND s.search_vector @@ q.query
       ${best}
    )
    SELECT c.meeting_id, c.position, x.lexemes, x.text_tf, x.speaker_tf
      FROM candidates c
      CROSS JOIN LATERAL (
        SELECT array_agg(u.lexeme) AS lexemes,
               array_agg(coalesce(cardinality(array_positions(u.weights, 'A')), 0)) AS text_tf,
               array_agg(coalesce(cardinality(array_positions(u.weights, 'B')), 0)) AS speaker_tf
          FROM unnest(c.search_vector) AS u
         WHERE u.lexeme = ANY(${terms}::text[])
      ) x`;

  const index = new Map(terms.map((term, i) => [term, i]));
  const hits = rows.map((row) => {
    const tf = new Array<number>(terms.length).fill(0);
    const speakerTf = new Array<number>(terms.length).fill(0);
    row.lexemes.forEach((lexeme, i) => {
      const at = index.get(lexeme);
      if (at === undefined) return;
      tf[at] = row.text_tf[i] ?? 0;
      speakerTf[at] = row.speaker_tf[i] ?? 0;
    });
    return { meetingId: row.meeting_id, position: row.position, tf, speakerTf };
  });
  return { terms, weights, total, minDf, hits };
}

// ---------------------------------------------------------------- windows

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

// ---------------------------------------------------------------- segments

interface SegmentRow {
  id: string;
  meeting_id: string;
  title: string;
  position: number;
  speaker_label: string | null;
  start_ms: number;
  end_ms: number;
  text: string;
}

/** The segments of the given spans (current transcripts of live meetings of the workspace). */
export async function loadWindows(db: Pick<Db, "$queryRaw">, workspaceId: string, spans: WindowSpan[]): Promise<RetrievedWindow[]> {
  if (spans.length === 0) return [];
  const workspace = Prisma.sql`${workspaceId}::uuid`;
  const rows = await db.$queryRaw<SegmentRow[]>`
    SELECT s.id, s.meeting_id, m.title, s.position, s.speaker_label, s.start_ms, s.end_ms, s.text
      FROM unnest(${spans.map((span) => span.meetingId)}::uuid[], ${spans.map((span) => span.first)}::int[], ${spans.map((span) => span.last)}::int[])
             AS w(meeting_id, first, last)
      JOIN meetings m ON m.id = w.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL
      JOIN transcripts t ON t.meeting_id = m.id AND t.is_current AND t.workspace_id = ${workspace}
      JOIN transcript_segments s ON s.transcript_id = t.id AND s.position BETWEEN w.first AND w.last
     WHERE s.workspace_id = ${workspace}
     ORDER BY s.meeting_id, s.position`;
  const byMeeting = new Map<string, SegmentRow[]>();
  for (const row of rows) {
    const list = byMeeting.get(row.meeting_id) ?? [];
    list.push(row);
    byMeeting.set(row.meeting_id, list);
  }
  const windows: RetrievedWindow[] = [];
  for (const span of spans) {
    const segments = (byMeeting.get(span.meetingId) ?? []).filter((row) => row.position >= span.first && row.position <= span.last);
    const first = segments[0];
    if (!first) continue;
    windows.push({
      meetingId: span.meetingId,
      meetingTitle: first.title,
      score: span.score,
      segments: segments.map((row) => ({
        id: row.id,
        meetingId: row.meeting_id,
        meetingTitle: row.title,
        position: row.position,
        speakerLabel: row.speaker_label,
        startMs: row.start_ms,
        endMs: row.end_ms,
        text: row.text,
      })),
    });
  }
  return windows;
}

// ---------------------------------------------------------------- the entry point

/**
 * The `limit` best windows of consecutive turns for `query`, best first, within `scope` and what
 * the workspace can see. [] when the question has no content words or nothing matches them.
 */
export async function retrieveWindows(
  db: Pick<Db, "$queryRaw">,
  params: { workspaceId: string; query: string; scope: RetrievalScope; limit: number },
): Promise<RetrievedWindow[]> {
  const words = contentWords(params.query);
  if (words.length === 0 || params.limit <= 0) return [];
  if (params.scope.meetingIds && params.scope.meetingIds.length === 0) return [];
  const main = mainClause(params.query);
  const hitSet = await findHits(db, params.workspaceId, words, params.scope, main === null ? {} : { mainWords: contentWords(main) });
  return loadWindows(db, params.workspaceId, rankWindows(hitSet, params.limit));
}
