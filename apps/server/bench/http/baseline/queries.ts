// The baseline's meetings.list and meetings.get: one SQL statement each, returning the objects
// MeetMind's procedures return (packages/api/src/meetings/service.ts, `present`). Counts and the
// summary status are computed for the rows returned only (correlated subqueries on the page).
import type pg from "pg";
import { BaselineNotFound, type BaselineQuery } from "./types.js";

const MEETING_COLUMNS = `
  m.id, m.title, m.description, m.platform::text AS platform, m.status::text AS status,
  m.scheduled_start AS "scheduledStart", m.scheduled_end AS "scheduledEnd",
  m.actual_start AS "actualStart", m.actual_end AS "actualEnd",
  m.external_id AS "externalId", m.external_url AS "externalUrl", m.tags, m.visibility::text AS visibility,
  m.created_at AS "createdAt", m.updated_at AS "updatedAt", m.deleted_at AS "deletedAt",
  u.id AS "creatorId", u.email AS "creatorEmail", u.full_name AS "creatorName",
  (SELECT count(*)::int FROM meeting_participants p WHERE p.meeting_id = m.id AND p.workspace_id = m.workspace_id) AS "participantCount",
  (SELECT s.status::text FROM meeting_summaries s WHERE s.meeting_id = m.id AND s.workspace_id = m.workspace_id ORDER BY s.version DESC LIMIT 1) AS "summaryStatus",
  EXISTS (SELECT 1 FROM transcripts t WHERE t.meeting_id = m.id AND t.workspace_id = m.workspace_id AND t.is_current) AS "hasTranscript"`;

interface MeetingRow {
  id: string;
  title: string;
  description: string | null;
  platform: string;
  status: string;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  actualStart: Date | null;
  actualEnd: Date | null;
  externalId: string | null;
  externalUrl: string | null;
  tags: string[];
  visibility: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  creatorId: string | null;
  creatorEmail: string | null;
  creatorName: string | null;
  participantCount: number;
  summaryStatus: string | null;
  hasTranscript: boolean;
}

/** The object MeetMind returns, keys in its order. */
function present(row: MeetingRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    platform: row.platform,
    status: row.status,
    scheduledStart: row.scheduledStart,
    scheduledEnd: row.scheduledEnd,
    actualStart: row.actualStart,
    actualEnd: row.actualEnd,
    externalId: row.externalId,
    externalUrl: row.externalUrl,
    tags: row.tags,
    visibility: row.visibility,
    // Every meeting of the bench workspace is visible to its member at edit level (seed.ts: some
    // through a grant, a group grant or as a participant). The baseline does not evaluate the
    // access rule at all, so the ratio includes the whole cost of MeetMind's.
    access: "edit",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
    createdBy: row.creatorId === null ? null : { id: row.creatorId, email: row.creatorEmail, fullName: row.creatorName },
    participantCount: row.participantCount,
    hasTranscript: row.hasTranscript,
    summaryStatus: row.summaryStatus,
  };
}

/** The first page, newest scheduled first (the bench reads first pages; no cursor or filters). */
export const meetingsList: BaselineQuery = async (pool: pg.Pool, scope, input) => {
  const limit = typeof input.limit === "number" ? input.limit : 50;
  const { rows } = await pool.query<MeetingRow>({
    name: "meetings.list",
    text: `SELECT ${MEETING_COLUMNS}
             FROM meetings m LEFT JOIN users u ON u.id = m.created_by_id
            WHERE m.workspace_id = $1 AND m.deleted_at IS NULL
            ORDER BY m.scheduled_start DESC NULLS LAST, m.created_at DESC, m.id DESC
            LIMIT $2`,
    values: [scope.workspaceId, limit + 1],
  });
  const items = rows.slice(0, limit).map(present);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
};

export const meetingsGet: BaselineQuery = async (pool, scope, input) => {
  const { rows } = await pool.query<MeetingRow>({
    name: "meetings.get",
    text: `SELECT ${MEETING_COLUMNS}
             FROM meetings m LEFT JOIN users u ON u.id = m.created_by_id
            WHERE m.workspace_id = $1 AND m.id = $2 AND m.deleted_at IS NULL`,
    values: [scope.workspaceId, String(input.meetingId)],
  });
  const row = rows[0];
  if (!row) throw new BaselineNotFound("Meeting not found");
  return present(row);
};
