// Full-text search over a workspace's transcripts: Postgres text search on the stored
// transcript_segments.search_vector (GIN-indexed), ranked with ts_rank_cd, highlighted with
// ts_headline, paginated by keyset on (rank, id).
//
// Tenancy: raw SQL does not go through the scoped client's workspace filter, so every query below
// names scope.workspaceId itself (on the segment and on its meeting).
import { createHash } from "node:crypto";
import { Prisma } from "@meetmind/db";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../errors.js";
import type { WorkspaceScope } from "../workspaces/scope.js";
import type { SearchHit, SearchPage } from "./schemas.js";

export interface SearchTranscriptsParams {
  query: string;
  meetingIds?: string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  speaker?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

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
 * The one search statement (exported for the benchmark's EXPLAIN). Every value is a bound
 * parameter; the workspace is named explicitly, since raw SQL bypasses the scoped client.
 *
 * 1. candidates: every matching segment (GIN index on search_vector) of the workspace, joined to
 *    its current transcript and its live meeting, with its rank. OFFSET 0 keeps this a separate
 *    subquery so the rank is computed once per row, not once more in the cursor filter.
 * 2. page: the best limit + 1 after the cursor (a bounded top-N sort over narrow rows).
 * 3. only then the segment's text and ts_headline, for the `limit` rows returned.
 *
 * `querytree(...) NOT IN ('', 'T')` is a constant the planner folds: it refuses queries with
 * nothing to look up in the index (only stop words, or only exclusions such as `-budget`, which
 * would otherwise scan every segment of the workspace).
 */
export function searchTranscriptsSql(workspaceId: string, params: SearchTranscriptsParams, after: SearchCursor | null): Prisma.Sql {
  const tsquery = Prisma.sql`websearch_to_tsquery('english'::regconfig, ${params.query}::text)`;
  const workspace = Prisma.sql`${workspaceId}::uuid`;
  const meetingDate = Prisma.sql`coalesce(m.scheduled_start, m.created_at)`;
  const conditions = [
    params.meetingIds?.length ? Prisma.sql`AND s.meeting_id IN (${Prisma.join(params.meetingIds.map((id) => Prisma.sql`${id}::uuid`))})` : Prisma.empty,
    params.speaker ? Prisma.sql`AND lower(s.speaker_label) = lower(${params.speaker}::text)` : Prisma.empty,
    params.from ? Prisma.sql`AND ${meetingDate} >= ${params.from}::timestamptz` : Prisma.empty,
    params.to ? Prisma.sql`AND ${meetingDate} <= ${params.to}::timestamptz` : Prisma.empty,
  ];
  const afterCursor = after
    ? Prisma.sql`WHERE c.rank < ${after.r}::float8 OR (c.rank = ${after.r}::float8 AND c.id > ${after.i}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
    WITH page AS (
      SELECT c.id, c.meeting_id, c.rank
        FROM (
          SELECT s.id, s.meeting_id,
                 ts_rank_cd(s.search_vector, ${tsquery}, ${RANK_NORMALIZATION}::int)::float8 AS rank
            FROM transcript_segments s
            JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
            JOIN meetings m ON m.id = s.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL
           WHERE s.workspace_id = ${workspace}
             AND s.search_vector @@ ${tsquery}
             AND querytree(${tsquery}) NOT IN ('', 'T')
             ${Prisma.join(conditions, " ")}
          OFFSET 0
        ) c
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
 * One page of segments matching `query`, best first. Only current transcript versions of the
 * workspace's meetings that are not deleted are searched.
 */
export async function searchTranscripts(scope: WorkspaceScope, params: SearchTranscriptsParams): Promise<SearchPage> {
  const after = searchCursorOf(scope.workspaceId, params);
  if (params.meetingIds?.length) {
    // Naming a meeting the workspace does not have (or has deleted) is NOT_FOUND, as everywhere.
    const found = await scope.db.meeting.count({ where: { id: { in: params.meetingIds }, deletedAt: null } });
    if (found !== params.meetingIds.length) throw new NotFoundError("Meeting");
  }
  if (!params.query) return { items: [], nextCursor: null };

  const rows = await scope.db.$queryRaw<HitRow[]>(searchTranscriptsSql(scope.workspaceId, params, after));
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
