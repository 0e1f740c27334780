// Ask Mind retrieval: the transcript passages a question is answered from.
//
// Full-text, over windows of consecutive turns (so a hit keeps its context):
//   1. content words: the question's words less stop words and question framing ("what did the
//      group discuss about ..."; retrieval/question.ts), stemmed by Postgres ('english', as the
//      stored search_vector is);
//   2. candidates: every segment of the scope matching ANY of them (an OR tsquery, GIN-indexed;
//      websearch_to_tsquery would AND them and find nothing for a natural question), with how often
//      each word occurs in its text and in its speaker label. In a broad scope (> 20k segments), a
//      word matching over 1,000 segments of the workspace only counts where a narrower one matched;
//      if all are that broad, the 3,000 best segments by ts_rank_cd are the candidates;
//   3. windows (retrieval/ranking.ts): each run of WINDOW_TURNS consecutive turns around hits is
//      scored as one document, BM25-style (Σ idf · saturated term frequency, so a window covering
//      several of the question's words beats one that repeats a single word; a word only in a
//      clause that sets the question's scene, "… when discussing the design", weighs SCENE_WEIGHT);
//      the best non-overlapping windows are taken greedily, adjacent ones in the same meeting merged;
//   4. the windows' segments are read back (current transcript, in order).
// A vector ranking (embeddings + pgvector) is fused with these windows by reciprocal rank in
// hybrid.ts; idf is computed within the scope, so "the battery" matters inside a meeting about it.
//
// Tenancy and visibility: raw SQL bypasses the scoped client, so every statement names the
// workspace itself, joins the meeting's current transcript, and skips soft-deleted meetings.
import { Prisma, type Db } from "@meetmind/db";
import { meetingVisibleSql, type Viewer } from "../tenancy/meeting-access.js";
import { contentWords, mainClause } from "./retrieval/question.js";
import { rankWindows, type HitSet, type WindowSpan } from "./retrieval/ranking.js";

export interface RetrievalScope {
  /** Who asks: only meetings they may see are searched (tenancy/meeting-access.ts). */
  viewer: Viewer;
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

/** Weight of a word only in the question's scene-setting clause ("… when discussing the design"). */
const SCENE_WEIGHT = 0.5;
/** ts_rank_cd normalisation 1 (rank / (1 + log length)), as transcript search uses. */
const RANK_NORMALIZATION = 1;

// ---------------------------------------------------------------- scope

function scopeConditions(scope: RetrievalScope): Prisma.Sql {
  const meetingDate = Prisma.sql`coalesce(m.scheduled_start, m.created_at)`;
  const conditions = [
    Prisma.sql`AND ${meetingVisibleSql("m", scope.viewer)}`,
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

/**
 * The segments of the given spans (current transcripts of live meetings of the workspace that
 * `viewer` may see: checked again here, so no path can cite what the asker cannot see).
 */
export async function loadWindows(
  db: Pick<Db, "$queryRaw">,
  workspaceId: string,
  viewer: Viewer,
  spans: WindowSpan[],
): Promise<RetrievedWindow[]> {
  if (spans.length === 0) return [];
  const workspace = Prisma.sql`${workspaceId}::uuid`;
  const rows = await db.$queryRaw<SegmentRow[]>`
    SELECT s.id, s.meeting_id, m.title, s.position, s.speaker_label, s.start_ms, s.end_ms, s.text
      FROM unnest(${spans.map((span) => span.meetingId)}::uuid[], ${spans.map((span) => span.first)}::int[], ${spans.map((span) => span.last)}::int[])
             AS w(meeting_id, first, last)
      JOIN meetings m ON m.id = w.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL
                     AND ${meetingVisibleSql("m", viewer)}
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
  return loadWindows(db, params.workspaceId, params.scope.viewer, rankWindows(hitSet, params.limit));
}
