// The baseline's transcripts.get, search.transcripts and actionItems.list: each one SQL statement
// (the checks MeetMind runs as separate queries are CTEs of it), returning exactly what the
// MeetMind procedure returns. src/bench-baseline-more.test.ts compares the two on one workspace.
// The search statement, the longest, is in search-statement.ts.
//
// Written from the services they mirror (packages/api/src/{transcripts,search,action-items}/
// service.ts), without importing them: the baseline is what a plain node:http + pg server would be.
// Input is the procedure's input as the client sent it, assumed valid; the zod schemas' defaults
// and transforms (limit, trimming, deduplicated meeting ids) are applied here by hand.
import { createHash } from "node:crypto";
import type pg from "pg";
import { MARK_START, MARK_STOP, type SearchCursor, type SearchParams, searchStatement } from "./search-statement.js";
import { BaselineNotFound, type BaselineQuery } from "./types.js";

const iso = (value: string | null): Date | null => (value === null ? null : new Date(value));

// ---------------------------------------------------------------- transcripts.get

interface TranscriptsGetInput {
  meetingId: string;
  version?: number;
  cursor?: number;
  limit?: number;
}

interface JsonSegment {
  id: string;
  position: number;
  speakerLabel: string | null;
  speaker: { memberId: string | null; participantId: string | null; name: string | null } | null;
  startMs: number;
  endMs: number;
  text: string;
  originalText: string | null;
  editedAt: string | null;
}

interface TranscriptRow {
  meeting_found: boolean;
  versions: { version: number; createdAt: string; isCurrent: boolean; status: string }[] | null;
  /** Null when no version answers (none current, or the version asked for is not ready). */
  id: string | null;
  version: number;
  format: string;
  language: string | null;
  duration_ms: number | null;
  created_at: Date;
  segment_count: number;
  segments: JsonSegment[] | null;
}

/** The format column's values as imports name them (transcripts/service.ts FORMAT_NAME). */
const FORMAT_NAME: Record<string, string> = { vtt: "webvtt", srt: "srt", json: "json", plain_text: "text" };

/**
 * The meeting check (a deleted or foreign meeting is NOT_FOUND), its latest 100 versions, the one
 * asked for (the current one by default; an older one only when ready), and a page of its segments
 * after the cursor position with each mapped speaker's name. One row; versions and segments as JSON.
 */
const TRANSCRIPT_SQL = `
  WITH meeting AS (
    SELECT m.id FROM meetings m WHERE m.id = $2::uuid AND m.workspace_id = $1::uuid AND m.deleted_at IS NULL
  ),
  versions AS (
    SELECT t.id, t.version, t.is_current, t.status, t.format, t.language, t.duration_ms, t.created_at, t.segment_count
      FROM transcripts t
     WHERE t.meeting_id = (SELECT id FROM meeting) AND t.workspace_id = $1::uuid
     ORDER BY t.version DESC
     LIMIT 100
  ),
  chosen AS (
    SELECT v.* FROM versions v
     WHERE CASE WHEN $3::int IS NULL THEN v.is_current ELSE v.version = $3::int AND v.status = 'ready' END
     ORDER BY v.version DESC
     LIMIT 1
  ),
  page AS (
    SELECT s.id, s.position, s.speaker_label, s.speaker_member_id, s.speaker_participant_id, s.start_ms, s.end_ms,
           s.text, s.original_text, s.edited_at, coalesce(u.full_name, u.email, p.name, p.email) AS speaker_name
      FROM chosen c
      JOIN transcript_segments s ON s.transcript_id = c.id AND s.workspace_id = $1::uuid
      LEFT JOIN workspace_members wm ON wm.id = s.speaker_member_id AND wm.workspace_id = $1::uuid
      LEFT JOIN users u ON u.id = wm.user_id
      LEFT JOIN meeting_participants p ON p.id = s.speaker_participant_id AND p.workspace_id = $1::uuid
     WHERE $4::int IS NULL OR s.position > $4::int
     ORDER BY s.position
     LIMIT $5::int + 1
  )
  SELECT EXISTS (SELECT 1 FROM meeting) AS meeting_found,
         (SELECT json_agg(json_build_object('version', v.version, 'createdAt', v.created_at, 'isCurrent', v.is_current, 'status', v.status)
                          ORDER BY v.version DESC)
            FROM versions v) AS versions,
         c.id, c.version, c.format, c.language, c.duration_ms, c.created_at,
         -- Versions stored before counts were recorded: their rows are the count (evaluated only then).
         coalesce(c.segment_count,
                  (SELECT count(*)::int FROM transcript_segments s WHERE s.transcript_id = c.id AND s.workspace_id = $1::uuid))
           AS segment_count,
         (SELECT json_agg(json_build_object(
                   'id', s.id, 'position', s.position, 'speakerLabel', s.speaker_label,
                   'speaker', CASE WHEN s.speaker_member_id IS NOT NULL OR s.speaker_participant_id IS NOT NULL
                                   THEN json_build_object('memberId', s.speaker_member_id, 'participantId', s.speaker_participant_id,
                                                          'name', s.speaker_name) END,
                   'startMs', s.start_ms, 'endMs', s.end_ms, 'text', s.text, 'originalText', s.original_text, 'editedAt', s.edited_at)
                 ORDER BY s.position)
            FROM page s) AS segments
    FROM (SELECT 1) one
    LEFT JOIN chosen c ON true`;

export const transcriptsGet = (async (pool: pg.Pool, scope, raw) => {
  const input = raw as unknown as TranscriptsGetInput;
  const limit = input.limit ?? 200;
  const { rows } = await pool.query<TranscriptRow>(TRANSCRIPT_SQL, [
    scope.workspaceId,
    input.meetingId,
    input.version ?? null,
    input.cursor ?? null,
    limit,
  ]);
  const row = rows[0];
  if (!row?.meeting_found) throw new BaselineNotFound("Meeting");
  if (row.id === null) throw new BaselineNotFound("Transcript");
  const fetched = row.segments ?? [];
  const segments = fetched.slice(0, limit).map((segment) => ({ ...segment, editedAt: iso(segment.editedAt) }));
  return {
    transcript: {
      id: row.id,
      version: row.version,
      format: FORMAT_NAME[row.format] ?? row.format,
      language: row.language,
      segmentCount: row.segment_count,
      durationMs: row.duration_ms,
      createdAt: row.created_at,
    },
    versions: (row.versions ?? []).map((v) => ({
      version: v.version,
      createdAt: new Date(v.createdAt),
      isCurrent: v.isCurrent,
      status: v.status,
    })),
    segments,
    nextCursor: fetched.length > limit ? (segments.at(-1)?.position ?? null) : null,
  };
}) satisfies BaselineQuery;

// ---------------------------------------------------------------- search.transcripts

interface SearchInput {
  query: string;
  meetingIds?: string[];
  /** Dates (superjson), or ISO strings. */
  from?: Date | string;
  to?: Date | string;
  speaker?: string;
  cursor?: string;
  limit?: number;
}

interface HitRow {
  /** Only when meetingIds are given: how many of them are live meetings of the workspace. */
  found_meetings?: number;
  /** Null on the one row that carries found_meetings when nothing matched. */
  id: string | null;
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

function searchParams(input: SearchInput): SearchParams {
  const date = (value: Date | string | undefined) => (value === undefined ? undefined : new Date(value));
  return {
    query: input.query.trim(),
    meetingIds: input.meetingIds ? [...new Set(input.meetingIds)] : undefined,
    from: date(input.from),
    to: date(input.to),
    speaker: input.speaker?.trim(),
    cursor: input.cursor,
    limit: input.limit ?? 20,
  };
}

/** Which search a cursor belongs to (search/service.ts searchFingerprint). */
function fingerprint(workspaceId: string, params: SearchParams): string {
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

function decodeCursor(raw: string, expected: string): SearchCursor {
  const cursor = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as SearchCursor;
  // MeetMind answers BAD_REQUEST (invalid_cursor) here; the bench never sends a foreign cursor.
  if (cursor.v !== 1 || cursor.s !== expected) throw new Error("invalid_cursor");
  return cursor;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

/** ts_headline's output with the control-character marks → plain-text parts (search/service.ts snippetPartsOf). */
function snippetParts(headline: string): { text: string; highlighted: boolean }[] {
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

export const searchTranscripts = (async (pool: pg.Pool, scope, raw) => {
  const params = searchParams(raw as unknown as SearchInput);
  const identity = fingerprint(scope.workspaceId, params);
  const after = params.cursor ? decodeCursor(params.cursor, identity) : null;
  // No statement at all for an empty query, as MeetMind, unless meeting ids are to be checked.
  if (!params.query && !params.meetingIds?.length) return { items: [], nextCursor: null };
  const statement = searchStatement(scope.workspaceId, params, after);
  const { rows } = await pool.query<HitRow>(statement.text, statement.values);
  if (params.meetingIds?.length && rows[0]?.found_meetings !== params.meetingIds.length) throw new BaselineNotFound("Meeting");
  const hits = rows.filter((row): row is HitRow & { id: string } => row.id !== null);
  const items = hits.slice(0, params.limit).map((row) => {
    const parts = snippetParts(row.headline ?? "");
    return {
      segmentId: row.id,
      meetingId: row.meeting_id,
      meetingTitle: row.title,
      scheduledStart: row.scheduled_start,
      speakerLabel: row.speaker_label,
      startMs: row.start_ms,
      endMs: row.end_ms,
      rank: row.rank,
      snippet: parts.map((part) => (part.highlighted ? `<mark>${escapeHtml(part.text)}</mark>` : escapeHtml(part.text))).join(""),
      snippetParts: parts,
    };
  });
  const last = items.at(-1);
  const nextCursor =
    hits.length > params.limit && last
      ? Buffer.from(JSON.stringify({ v: 1, r: last.rank, i: last.segmentId, s: identity } satisfies SearchCursor), "utf8").toString(
          "base64url",
        )
      : null;
  return { items, nextCursor };
}) satisfies BaselineQuery;

// ---------------------------------------------------------------- actionItems.list

interface ActionItemsInput {
  cursor?: string;
  limit?: number;
  meetingId?: string;
  assigneeId?: string;
  status?: "open" | "done";
}

interface ActionItemRow {
  meeting_found: boolean;
  assignee_found: boolean;
  /** Null on the one row that carries the checks when the page is empty. */
  id: string | null;
  meeting_id: string | null;
  summary_id: string | null;
  source_segment_id: string | null;
  text: string;
  assignee_id: string | null;
  assignee_user_id: string;
  assignee_full_name: string | null;
  assignee_email: string;
  assignee_name: string | null;
  due_date: Date | null;
  status: "open" | "done";
  completed_at: Date | null;
  created_at: Date;
}

/**
 * The checks MeetMind runs first (a meeting or assignee filter naming something the caller cannot
 * see is NOT_FOUND), then the page, newest id first, on a lateral join so the checks come back even
 * when the page is empty. The cursor is MeetMind's (action-items/service.ts): ids below the cursor
 * row's, the row looked up in the workspace (an unknown or foreign cursor gives an empty page); a
 * cursor row the filters leave out (an item whose status changed between two pages) skips nothing.
 */
const ACTION_ITEMS_SQL = `
  WITH checks AS (
    SELECT ($2::uuid IS NULL OR EXISTS (
              SELECT 1 FROM meetings m WHERE m.id = $2::uuid AND m.workspace_id = $1::uuid AND m.deleted_at IS NULL)) AS meeting_found,
           ($3::uuid IS NULL OR EXISTS (
              SELECT 1 FROM workspace_members wm WHERE wm.id = $3::uuid AND wm.workspace_id = $1::uuid)) AS assignee_found
  )
  SELECT c.meeting_found, c.assignee_found, i.*
    FROM checks c
    LEFT JOIN LATERAL (
      SELECT a.id, a.meeting_id, a.summary_id, a.source_segment_id, a.text, a.assignee_id, wm.user_id AS assignee_user_id,
             u.full_name AS assignee_full_name, u.email AS assignee_email, a.assignee_name, a.due_date, a.status,
             a.completed_at, a.created_at
        FROM action_items a
        LEFT JOIN workspace_members wm ON wm.id = a.assignee_id
        LEFT JOIN users u ON u.id = wm.user_id
       WHERE a.workspace_id = $1::uuid
         -- Items of deleted meetings go with them; items without a meeting always show.
         AND (a.meeting_id IS NULL OR EXISTS (SELECT 1 FROM meetings m WHERE m.id = a.meeting_id AND m.deleted_at IS NULL))
         AND ($2::uuid IS NULL OR a.meeting_id = $2::uuid)
         AND ($3::uuid IS NULL OR a.assignee_id = $3::uuid)
         AND ($4::action_item_status IS NULL OR a.status = $4::action_item_status)
         AND ($5::uuid IS NULL OR a.id < (SELECT cursor.id FROM action_items cursor WHERE cursor.id = $5::uuid AND cursor.workspace_id = $1::uuid))
       ORDER BY a.id DESC
       LIMIT $6::int + 1
    ) i ON c.meeting_found AND c.assignee_found
   ORDER BY i.id DESC`;

export const actionItemsList = (async (pool: pg.Pool, scope, raw) => {
  const input = raw as unknown as ActionItemsInput;
  const limit = input.limit ?? 50;
  const { rows } = await pool.query<ActionItemRow>(ACTION_ITEMS_SQL, [
    scope.workspaceId,
    input.meetingId ?? null,
    input.assigneeId ?? null,
    input.status ?? null,
    input.cursor ?? null,
    limit,
  ]);
  const checks = rows[0];
  if (!checks?.meeting_found) throw new BaselineNotFound("Meeting");
  if (!checks.assignee_found) throw new BaselineNotFound("Member");
  const fetched = rows.filter((row): row is ActionItemRow & { id: string } => row.id !== null);
  const items = fetched.slice(0, limit).map((row) => ({
    id: row.id,
    meetingId: row.meeting_id,
    summaryId: row.summary_id,
    sourceSegmentId: row.source_segment_id,
    text: row.text,
    assignee:
      row.assignee_id === null
        ? null
        : { memberId: row.assignee_id, userId: row.assignee_user_id, name: row.assignee_full_name, email: row.assignee_email },
    assigneeName: row.assignee_name,
    dueDate: row.due_date,
    status: row.status,
    completedAt: row.completed_at,
    createdAt: row.created_at,
  }));
  return { items, nextCursor: fetched.length > limit ? (items.at(-1)?.id ?? null) : null };
}) satisfies BaselineQuery;
