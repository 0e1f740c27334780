// Ask Mind retrieval: the transcript passages a question is answered from.
//
// Full-text, over windows of consecutive turns (so a hit keeps its context):
//   1. content words: the question's words less stop words and question framing ("what did the
//      group discuss about ..."), stemmed by Postgres ('english', as the stored search_vector is);
//   2. candidates: every segment of the scope matching ANY of them (an OR tsquery, GIN-indexed;
//      websearch_to_tsquery would AND them and find nothing for a natural question), with how often
//      each word occurs in its text and in its speaker label;
//   3. windows: each run of WINDOW_TURNS consecutive turns around hits is scored as one document,
//      BM25-style (Σ idf · saturated term frequency, so a window covering several of the question's
//      words beats one that repeats a single word); the best non-overlapping windows are taken
//      greedily, adjacent ones in the same meeting merged;
//   4. the windows' segments are read back (current transcript, in order).
// A vector ranking (embeddings + pgvector) can be fused in at step 3 by reciprocal rank over the
// windows; `rankWindows` takes the segment hits from any source.
//
// Tenancy and visibility: raw SQL bypasses the scoped client, so every statement names the
// workspace itself, joins the meeting's current transcript, and skips soft-deleted meetings.
import { Prisma, type Db } from "@meetmind/db";

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
export const WINDOW_TURNS = 7;
/** A merged window is not grown beyond this many turns. */
export const MAX_WINDOW_TURNS = 21;
/** BM25 term-frequency saturation. */
const K1 = 1.2;
/** A question word found in the speaker label counts this much as one found in the text. */
const SPEAKER_WEIGHT = 0.5;
/** At most this many content words are looked up (the question's first ones). */
const MAX_TERMS = 24;

// ---------------------------------------------------------------- content words

/**
 * Words that frame a question rather than say what it is about, on top of the usual function
 * words. Postgres drops its own English stop words as well when stemming.
 */
const QUESTION_STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be been before being below between both but by can could " +
    "did do does doing done down during each few for from further had has have having he her here hers herself him himself his how " +
    "i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out " +
    "over own same she should so some such than that the their theirs them themselves then there these they this those through to " +
    "too under until up very was we were what whats when where which while who whom why will with would you your yours yourself " +
    "yourselves s t d ll m re ve " +
    // question framing
    "summarize summarise summarized summary summarization discuss discussed discussing discussion discussions talk talked talking " +
    "say said says saying tell told think thought thoughts opinion opinions view views mention mentioned mentioning state stated " +
    "explain explained describe described express expressed give gave given regarding related relate concerning toward towards " +
    "group team meeting whole everyone anyone someone people members member part"
  ).split(" "),
);

/** The question's content words, lowercase [a-z0-9] only (so they are safe in a tsquery), in order. */
export function contentWords(question: string): string[] {
  const words = question
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !QUESTION_STOP_WORDS.has(word));
  return [...new Set(words)].slice(0, MAX_TERMS);
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
  /** Segments in the scope. */
  total: number;
  hits: SegmentHit[];
}

interface HitRow {
  meeting_id: string;
  position: number;
  lexemes: string[];
  text_tf: number[];
  speaker_tf: number[];
}

/** Every segment of the scope matching any of `words`, with its term frequencies. */
export async function findHits(db: Pick<Db, "$queryRaw">, workspaceId: string, words: string[], scope: RetrievalScope): Promise<HitSet> {
  const workspace = Prisma.sql`${workspaceId}::uuid`;
  const conditions = scopeConditions(scope);
  const scoped = Prisma.sql`
    transcript_segments s
    JOIN transcripts t ON t.id = s.transcript_id AND t.is_current AND t.workspace_id = ${workspace}
    JOIN meetings m ON m.id = s.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL ${conditions}`;

  // Words are [a-z0-9]+, so the lexemes Postgres makes of them are too: quoting them as tsquery
  // operands is safe (and the text is a bound parameter all the same).
  const [stats] = await db.$queryRaw<{ terms: string[] | null; total: number }[]>`
    SELECT (SELECT array_agg(lexeme ORDER BY lexeme)
              FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, ${words.join(" ")}::text))) AS lexeme) AS terms,
           (SELECT count(*)::int FROM ${scoped} WHERE s.workspace_id = ${workspace}) AS total`;
  const terms = stats?.terms ?? [];
  if (terms.length === 0 || !stats?.total) return { terms, total: stats?.total ?? 0, hits: [] };

  const query = Prisma.sql`(SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery FROM unnest(${terms}::text[]) AS lexeme)`;
  const rows = await db.$queryRaw<HitRow[]>`
    WITH q AS MATERIALIZED (SELECT ${query} AS query),
    candidates AS MATERIALIZED (
      SELECT s.meeting_id, s.position, s.search_vector
        FROM ${scoped}, q
       WHERE s.workspace_id = ${workspace} AND s.search_vector @@ q.query
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
  return { terms, total: stats.total, hits };
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
 * The best `limit` windows over the hits: every window of `windowTurns` turns that starts at or
 * ends at a hit... in fact every placement covering a hit is scored; then greedy, non-overlapping,
 * best first; windows of the same meeting that touch are merged (up to maxWindowTurns).
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
  const idf = df.map((count) => idfOf(count, Math.max(total, count)));

  const byMeeting = new Map<string, SegmentHit[]>();
  for (const hit of hits) {
    const list = byMeeting.get(hit.meetingId) ?? [];
    list.push(hit);
    byMeeting.set(hit.meetingId, list);
  }

  const candidates: WindowSpan[] = [];
  for (const [meetingId, list] of byMeeting) {
    list.sort((a, b) => a.position - b.position);
    const starts = new Set<number>();
    for (const hit of list) for (let start = Math.max(0, hit.position - width + 1); start <= hit.position; start++) starts.add(start);
    let lo = 0;
    for (const start of [...starts].sort((a, b) => a - b)) {
      const end = start + width - 1;
      while (lo < list.length && (list[lo]?.position ?? 0) < start) lo++;
      const frequencies = new Array<number>(terms.length).fill(0);
      let centroid = 0;
      let count = 0;
      for (let i = lo; i < list.length; i++) {
        const hit = list[i] as SegmentHit;
        if (hit.position > end) break;
        for (let t = 0; t < terms.length; t++) frequencies[t] = (frequencies[t] ?? 0) + (hit.tf[t] ?? 0) + speakerWeight * (hit.speakerTf[t] ?? 0);
        centroid += hit.position;
        count++;
      }
      let score = 0;
      frequencies.forEach((f, t) => (score += f > 0 ? ((idf[t] ?? 0) * f * (k1 + 1)) / (f + k1) : 0));
      // Among placements with the same hits, prefer the one that centres them.
      const offCentre = count ? Math.abs(centroid / count - (start + end) / 2) : 0;
      candidates.push({ meetingId, first: start, last: end, score: score - 1e-6 * offCentre });
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
  const hitSet = await findHits(db, params.workspaceId, words, params.scope);
  return loadWindows(db, params.workspaceId, rankWindows(hitSet, params.limit));
}
