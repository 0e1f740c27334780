// Full-text search over a workspace's transcripts: Postgres text search on the stored
// transcript_segments.search_vector (GIN-indexed), ranked with ts_rank_cd (at most the newest
// SEARCH_MAX_CANDIDATES matches of a search), highlighted with ts_headline, paginated by keyset
// on (rank, id).
//
// Tenancy: raw SQL does not go through the scoped client's workspace filter, so every query below
// names scope.workspaceId itself (on the segment and on its meeting), and the meeting access rule
// (tenancy/meeting-access.ts) is joined where the candidates are matched.
import { createHash } from "node:crypto";
import { Prisma, queryRows } from "@meetmind/db";
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { meetingVisibleSql, requireMeetingsVisible, type Viewer } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { SearchHit, SearchPage, SearchTranscriptsParams } from "./schemas.js";

// Offered here too: callers of the functions below (the search bench) name their parameters.
export type { SearchTranscriptsParams };

/**
 * ts_rank_cd normalisation 1: the cover-density rank divided by 1 + log(document length), so a
 * long monologue that mentions a term once does not outrank a short turn about it.
 */
const RANK_NORMALIZATION = 1;

// ts_headline marks matches with two control characters (removed from the text beforehand, so
// they cannot be forged by it); the service then HTML-escapes the text and turns them into parts.
const MARK_START = "\u0001";
const MARK_STOP = "\u0002";
const FRAGMENT_DELIMITER = " … ";
const MARKS = `StartSel="${MARK_START}", StopSel="${MARK_STOP}", ShortWord=2`;
/** Texts up to this many characters are shown whole (with their matches marked)... */
const SHORT_TEXT_CHARS = 280;
const SHORT_HEADLINE_OPTIONS = `${MARKS}, MaxFragments=0, MaxWords=60, MinWords=30`;
/** ...longer ones as up to two fragments around the best matches, joined by " … ". */
const LONG_HEADLINE_OPTIONS = `${MARKS}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter="${FRAGMENT_DELIMITER}"`;

// ---------------------------------------------------------------- cursor

const cursorSchema = z.object({
  v: z.literal(1),
  /** The last hit's rank, exactly as Postgres computed it (float8 survives JSON unchanged). */
  r: z.number().finite(),
  /** The last hit's segment id. */
  i: z.uuid(),
  /** Which search it belongs to: a cursor is only valid for the same query and filters. */
  s: z.string(),
});
export type SearchCursor = z.output<typeof cursorSchema>;

function searchFingerprint(workspaceId: string, params: SearchTranscriptsParams): string {
  const identity = JSON.stringify([
    workspaceId,
    params.query,
    [...(params.meetingIds ?? [])].sort(),
    params.from?.toISOString() ?? null,
    params.to?.toISOString() ?? null,
    params.speaker?.toLowerCase() ?? null,
  ]);
  return createHash("sha256").update(identity).digest("base64url").slice(0, 16);
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(raw: string, fingerprint: string): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const cursor = cursorSchema.safeParse(parsed);
  if (!cursor.success) throw new ValidationError("This cursor is not valid", "invalid_cursor");
  if (cursor.data.s !== fingerprint) {
    throw new ValidationError("This cursor belongs to a different search (query or filters changed)", "invalid_cursor");
  }
  return cursor.data;
}

// ---------------------------------------------------------------- snippets

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

/** ts_headline output with our control-character marks → plain-text parts. */
export function snippetPartsOf(headline: string): { text: string; highlighted: boolean }[] {
  const parts: { text: string; highlighted: boolean }[] = [];
  const push = (text: string, highlighted: boolean) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last && last.highlighted === highlighted) last.text += text;
    else parts.push({ text, highlighted });
  };
  let rest = headline;
  for (;;) {
    const start = rest.indexOf(MARK_START);
    if (start < 0) break;
    const stop = rest.indexOf(MARK_STOP, start + 1);
    push(rest.slice(0, start), false);
    push(rest.slice(start + 1, stop < 0 ? undefined : stop), true);
    rest = stop < 0 ? "" : rest.slice(stop + 1);
  }
  push(rest.replaceAll(MARK_STOP, ""), false);
  return parts;
}

export function snippetHtml(parts: { text: string; highlighted: boolean }[]): string {
  return parts.map((part) => (part.highlighted ? `<mark>${escapeHtml(part.text)}</mark>` : escapeHtml(part.text))).join("");
}

// ---------------------------------------------------------------- search

interface HitRow {
  id: string;
  meeting_id: string;
  rank: number;
  title: string;
  scheduled_start: Date | null;
  speaker_label: string | null;
  start_ms: number;
  end_ms: number;
  /** Null on the extra row fetched only to learn whether there is a next page. */
  headline: string | null;
}

/** The validated cursor of `params` (null on the first page); throws invalid_cursor otherwise. */
export function searchCursorOf(workspaceId: string, params: SearchTranscriptsParams): SearchCursor | null {
  return params.cursor ? decodeCursor(params.cursor, searchFingerprint(workspaceId, params)) : null;
}

/**
 * How many matches one search ranks at most: its newest (most recently imported: segment
 * created_at, then id). Ranking every match of a word found in a fifth of a million-segment
 * workspace ("yeah", a speaker's name) reads a heap page per match: hundreds of milliseconds.
 * A search with fewer matches ranks them all, as before the cap; one with more ranks its newest
 * SEARCH_MAX_CANDIDATES and has at most that many results (25 pages of 20).
 */
export const SEARCH_MAX_CANDIDATES = 500;
/**
 * The newest segments of the workspace in which the statement first counts matches (3–5 ms). Not
 * fewer: 2,000 segments are two or three meetings, and topics cluster by meeting.
 */
const SAMPLE_ROWS = 10_000;
/**
 * From how many matches there (1%) the statement walks the workspace's newest segments instead of
 * using the GIN index: the walk then expects to read at most SAMPLE_ROWS * SEARCH_MAX_CANDIDATES /
 * this many = 50,000 rows (~20 ms; rows in index order share heap pages), where the index would
 * fetch every match: 1% of the workspace or more, 10,000+ scattered heap rows at a million
 * segments (~4 µs each, 40+ ms), growing with the workspace.
 */
const WALK_MIN_SAMPLE_HITS = 100;
/** The walk never reads more rows than this; short of its matches there, the index answers. */
const WALK_MAX_ROWS = 100_000;

/**
 * The one search statement (exported for the benchmark's EXPLAIN). Every value is a bound
 * parameter; the workspace is named explicitly, since raw SQL bypasses the scoped client.
 *
 * 1. candidates: the newest SEARCH_MAX_CANDIDATES matches in the workspace (current transcripts
 *    of live meetings, filters applied), found one of two ways, with the same result:
 *    - sample: how many of the workspace's newest SAMPLE_ROWS segments match;
 *    - walk (when the sample has WALK_MIN_SAMPLE_HITS or more, i.e. the search is common): read
 *      the workspace's segments newest first (index on (workspace_id, created_at, id)) and stop
 *      at the cap; at most WALK_MAX_ROWS rows;
 *    - otherwise (a rarer search, or the walk fell short): the GIN index on search_vector, every
 *      match, newest first. The planner's own estimate cannot make this choice: it multiplies
 *      the words' frequencies, and "remote control" (each word common, together in 1.3% of
 *      segments) comes out 40 times rarer than it is.
 * 2. their rank (ts_rank_cd), computed once per candidate.
 * 3. page: the best limit + 1 after the cursor (a top-N sort over at most the cap).
 * 4. only then the segment's text and ts_headline, for the `limit` rows returned.
 *
 * A speaker filter is also looked up in the index: the label is part of search_vector (weight B),
 * so the label's own lexemes (`plainto_tsquery`) are ANDed to the index condition. That never
 * drops a segment whose label matches (its vector has them), and narrows "think" said by
 * "Professor B" from every "think" to the few segments with all three lexemes; the exact
 * case-insensitive label comparison still decides. Ranking and highlighting use the query alone.
 *
 * `querytree(...) NOT IN ('', 'T')` is a constant the planner folds: it refuses queries with
 * nothing to look up in the index (only stop words, or only exclusions such as `-budget`, which
 * would otherwise scan every segment of the workspace).
 */
export function searchTranscriptsSql(
  searcher: Viewer & { workspaceId: string },
  params: SearchTranscriptsParams,
  after: SearchCursor | null,
  /** null ranks every match (the benchmark's comparison and match count; never the service). */
  maxCandidates: number | null = SEARCH_MAX_CANDIDATES,
): Prisma.Sql {
  const tsquery = Prisma.sql`websearch_to_tsquery('english'::regconfig, ${params.query}::text)`;
  const indexQuery = params.speaker ? Prisma.sql`(${tsquery} && plainto_tsquery('english'::regconfig, ${params.speaker}::text))` : tsquery;
  const workspace = Prisma.sql`${searcher.workspaceId}::uuid`;
  const meetingDate = Prisma.sql`coalesce(m.scheduled_start, m.created_at)`;
  const conditions = [
    params.meetingIds?.length
      ? Prisma.sql`AND s.meeting_id IN (${Prisma.join(params.meetingIds.map((id) => Prisma.sql`${id}::uuid`))})`
      : Prisma.empty,
    params.speaker ? Prisma.sql`AND lower(s.speaker_label) = lower(${params.speaker}::text)` : Prisma.empty,
    params.from ? Prisma.sql`AND ${meetingDate} >= ${params.from}::timestamptz` : Prisma.empty,
    params.to ? Prisma.sql`AND ${meetingDate} <= ${params.to}::timestamptz` : Prisma.empty,
  ];
  /** The matching segments of `segments` (aliased s): FROM ... WHERE, to complete. */
  const matching = (segments: Prisma.Sql) => Prisma.sql`
    FROM ${segments}
    JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
    JOIN meetings m ON m.id = s.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL
   WHERE s.search_vector @@ ${indexQuery}
     AND ${meetingVisibleSql("m", searcher)}
     AND querytree(${tsquery}) NOT IN ('', 'T')
     ${Prisma.join(conditions, " ")}`;
  /** The workspace's newest `rows` segments, newest first. */
  const newest = (rows: number) => Prisma.sql`(
      SELECT s.id, s.transcript_id, s.meeting_id, s.speaker_label, s.search_vector, s.created_at
        FROM transcript_segments s
       WHERE s.workspace_id = ${workspace}
       ORDER BY s.created_at DESC, s.id DESC
       LIMIT ${rows}::int
    ) s`;
  const everySegment = Prisma.sql`transcript_segments s`;
  const candidates =
    maxCandidates === null
      ? Prisma.sql`
    candidates AS (
      SELECT s.id, s.meeting_id, s.search_vector ${matching(everySegment)} AND s.workspace_id = ${workspace}
    ),`
      : Prisma.sql`
    sample AS MATERIALIZED (
      SELECT count(*)::int AS hits ${matching(newest(SAMPLE_ROWS))}
    ),
    walk AS MATERIALIZED (
      SELECT s.id, s.meeting_id, s.search_vector ${matching(newest(WALK_MAX_ROWS))}
         AND (SELECT hits FROM sample) >= ${WALK_MIN_SAMPLE_HITS}::int
       ORDER BY s.created_at DESC, s.id DESC
       LIMIT ${maxCandidates}::int
    ),
    candidates AS (
      SELECT w.id, w.meeting_id, w.search_vector FROM walk w
       WHERE (SELECT count(*) FROM walk) >= ${maxCandidates}::int
      UNION ALL
      (SELECT s.id, s.meeting_id, s.search_vector ${matching(everySegment)}
          AND s.workspace_id = ${workspace}
          AND (SELECT count(*) FROM walk) < ${maxCandidates}::int
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT ${maxCandidates}::int)
    ),`;
  const afterCursor = after
    ? Prisma.sql`WHERE c.rank < ${after.r}::float8 OR (c.rank = ${after.r}::float8 AND c.id > ${after.i}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
    WITH ${candidates}
    ranked AS MATERIALIZED (
      SELECT c.id, c.meeting_id, ts_rank_cd(c.search_vector, ${tsquery}, ${RANK_NORMALIZATION}::int)::float8 AS rank
        FROM candidates c
    ),
    page AS (
      SELECT c.id, c.meeting_id, c.rank
        FROM ranked c
        ${afterCursor}
       ORDER BY c.rank DESC, c.id ASC
       LIMIT ${params.limit + 1}::int
    ),
    numbered AS (
      SELECT page.*, row_number() OVER (ORDER BY page.rank DESC, page.id ASC) AS n FROM page
    )
    SELECT p.id, p.meeting_id, p.rank, m.title, m.scheduled_start, s.speaker_label, s.start_ms, s.end_ms,
           CASE WHEN p.n <= ${params.limit}::int
                THEN ts_headline('english'::regconfig, translate(s.text, chr(1) || chr(2), ''), ${tsquery},
                                 CASE WHEN length(s.text) <= ${SHORT_TEXT_CHARS}::int
                                      THEN ${SHORT_HEADLINE_OPTIONS}::text ELSE ${LONG_HEADLINE_OPTIONS}::text END)
           END AS headline
      FROM numbered p
      JOIN transcript_segments s ON s.id = p.id
      JOIN meetings m ON m.id = p.meeting_id
     ORDER BY p.rank DESC, p.id ASC`;
}

/**
 * One page of segments matching `query`, best first (among the newest SEARCH_MAX_CANDIDATES
 * matches). Only current transcript versions of the workspace's meetings that are not deleted are
 * searched.
 */
export async function searchTranscripts(scope: WorkspaceScope, params: SearchTranscriptsParams): Promise<SearchPage> {
  const after = searchCursorOf(scope.workspaceId, params);
  // Naming a meeting the caller may not see (or one deleted, or another workspace's) is NOT_FOUND.
  if (params.meetingIds?.length) await requireMeetingsVisible(scope, params.meetingIds);
  if (!params.query) return { items: [], nextCursor: null };

  const rows = await queryRows<HitRow>(scope.db, searchTranscriptsSql(scope, params, after));
  const items: SearchHit[] = rows.slice(0, params.limit).map((row) => {
    const parts = snippetPartsOf(row.headline ?? "");
    return {
      segmentId: row.id,
      meetingId: row.meeting_id,
      meetingTitle: row.title,
      scheduledStart: row.scheduled_start,
      speakerLabel: row.speaker_label,
      startMs: row.start_ms,
      endMs: row.end_ms,
      rank: row.rank,
      snippet: snippetHtml(parts),
      snippetParts: parts,
    };
  });
  const last = items.at(-1);
  const nextCursor =
    rows.length > params.limit && last
      ? encodeCursor({ v: 1, r: last.rank, i: last.segmentId, s: searchFingerprint(scope.workspaceId, params) })
      : null;
  return { items, nextCursor };
}
