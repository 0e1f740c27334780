// How meetings are read: one SQL statement per read, for the hot path (meetings.list and
// meetings.get are the most frequent calls of a client). Prisma's `include`/`_count` split such a
// read into five statements and counted participants over the whole table on every page; here the
// counts and the latest summary's status are correlated subqueries evaluated for the returned rows
// only. Raw SQL does not pass through the workspace-scoped client, so every statement names the
// workspace itself (`m.workspace_id = …`): the cross-tenant sweep covers these reads like any other.
import { Prisma, queryRows } from "@meetmind/db";
import { accessLevelOf, meetingLevelSql, meetingVisibleSql } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { ListMeetingsInput, MeetingOutput } from "./schemas.js";

/** The columns of MeetingOutput, selected as the output names them (`access` as a level number). */
const columns = (scope: WorkspaceScope) => Prisma.sql`
  m.id, m.title, m.description, m.platform::text AS platform, m.status::text AS status,
  m.scheduled_start AS "scheduledStart", m.scheduled_end AS "scheduledEnd",
  m.actual_start AS "actualStart", m.actual_end AS "actualEnd",
  m.external_id AS "externalId", m.external_url AS "externalUrl", m.tags, m.visibility::text AS visibility,
  m.created_at AS "createdAt", m.updated_at AS "updatedAt", m.deleted_at AS "deletedAt",
  u.id AS "creatorId", u.email AS "creatorEmail", u.full_name AS "creatorName",
  (SELECT count(*)::int FROM meeting_participants p WHERE p.meeting_id = m.id AND p.workspace_id = m.workspace_id) AS "participantCount",
  EXISTS (SELECT 1 FROM transcripts t WHERE t.meeting_id = m.id AND t.workspace_id = m.workspace_id AND t.is_current) AS "hasTranscript",
  (SELECT s.status::text FROM meeting_summaries s WHERE s.meeting_id = m.id AND s.workspace_id = m.workspace_id ORDER BY s.version DESC LIMIT 1) AS "summaryStatus",
  ${meetingLevelSql("m", scope)} AS access`;

const FROM = Prisma.sql`FROM meetings m LEFT JOIN users u ON u.id = m.created_by_id`;

/** Newest scheduled first; unscheduled meetings after, newest created first. Ids break ties. */
const ORDER = Prisma.sql`ORDER BY m.scheduled_start DESC NULLS LAST, m.created_at DESC, m.id DESC`;

type MeetingRow = Omit<MeetingOutput, "createdBy" | "access"> & {
  creatorId: string | null;
  creatorEmail: string | null;
  creatorName: string | null;
  access: number;
};

function present(scope: WorkspaceScope, { creatorId, creatorEmail, creatorName, access, ...meeting }: MeetingRow): MeetingOutput {
  return {
    ...meeting,
    // Never null here: the statement only returns meetings the caller may see.
    access: accessLevelOf(access, scope) ?? "view",
    // The creator's email is never null while the creator exists (users.email is required).
    createdBy: creatorId === null ? null : { id: creatorId, email: creatorEmail ?? "", fullName: creatorName },
  };
}

/** A live meeting of the workspace that the caller may see, or null. */
export async function readMeeting(scope: WorkspaceScope, meetingId: string): Promise<MeetingOutput | null> {
  const rows = await queryRows<MeetingRow>(
    scope.db,
    Prisma.sql`
    SELECT ${columns(scope)} ${FROM}
     WHERE m.workspace_id = ${scope.workspaceId}::uuid AND m.id = ${meetingId}::uuid AND m.deleted_at IS NULL
       AND ${meetingVisibleSql("m", scope)}`,
    { prepare: true },
  );
  const row = rows[0];
  return row ? present(scope, row) : null;
}

/**
 * One page of the live meetings the caller may see, in list order, `limit + 1` rows (the extra one says there is a next
 * page). After a cursor: the rows that follow the cursor's meeting in that order.
 */
export async function readMeetingPage(scope: WorkspaceScope, input: ListMeetingsInput): Promise<MeetingOutput[]> {
  const conditions = [
    Prisma.sql`m.workspace_id = ${scope.workspaceId}::uuid`,
    Prisma.sql`m.deleted_at IS NULL`,
    meetingVisibleSql("m", scope),
  ];
  if (input.status) conditions.push(Prisma.sql`m.status = ${input.status}::meeting_status`);
  if (input.from) conditions.push(Prisma.sql`m.scheduled_start >= ${input.from}`);
  if (input.to) conditions.push(Prisma.sql`m.scheduled_start <= ${input.to}`);
  if (input.tag) conditions.push(Prisma.sql`m.tags @> ARRAY[${input.tag}]::text[]`);
  if (input.query) conditions.push(Prisma.sql`m.search_vector @@ websearch_to_tsquery('english', ${input.query})`);
  if (input.participantId) {
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM meeting_participants p WHERE p.meeting_id = m.id AND p.workspace_id = m.workspace_id AND p.member_id = ${input.participantId}::uuid)`,
    );
  }
  if (input.cursor) {
    // Keyset: after the cursor's row in (scheduled_start DESC NULLS LAST, created_at DESC, id DESC).
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM meetings c
       WHERE c.id = ${input.cursor}::uuid AND c.workspace_id = ${scope.workspaceId}::uuid
         AND CASE
               WHEN c.scheduled_start IS NULL
                 THEN m.scheduled_start IS NULL AND (m.created_at, m.id) < (c.created_at, c.id)
               ELSE m.scheduled_start < c.scheduled_start OR m.scheduled_start IS NULL
                 OR (m.scheduled_start = c.scheduled_start AND (m.created_at, m.id) < (c.created_at, c.id))
             END)`);
  }
  const rows = await queryRows<MeetingRow>(
    scope.db,
    Prisma.sql`
    SELECT ${columns(scope)} ${FROM}
     WHERE ${Prisma.join(conditions, " AND ")}
     ${ORDER}
     LIMIT ${input.limit + 1}`,
    { prepare: true },
  );
  return rows.map((row) => present(scope, row));
}
