// Who may see which interview and candidate: interview data is sensitive, so the rule is narrower
// than the meeting rule. A member sees an interview when
//   1. they hold `interviews:manage` (owners and admins by role; hiring managers by grant), or
//   2. they sit on its panel.
// Nobody else, whatever their role: an admin-less viewer or member off the panel gets NOT_FOUND. A
// candidate is seen by managers and by the panel of any of the candidate's interviews.
//
// As with meetings, the rule is a SQL predicate any statement joins (`interviewVisibleSql`,
// `candidateVisibleSql`), and `requireInterview` / `requireCandidate` for paths that act on one by
// id. The interview's meeting follows the same rule through `meetingVisibleSql` (`is_interview`),
// so transcripts, search and Ask Mind need nothing of their own.
import { Prisma, queryRows } from "@meetmind/db";
import { NotFoundError } from "../errors.js";
import type { Viewer } from "./meeting-access.js";
import { managesInterviews } from "./permissions.js";
import type { WorkspaceScope } from "./scope.js";

export { managesInterviews };

/** May `viewer` see the interviews row aliased `i`? (`i` is a constant in our code, never input.) */
export function interviewVisibleSql(i: string, viewer: Viewer): Prisma.Sql {
  if (managesInterviews(viewer)) return Prisma.sql`TRUE`;
  const alias = Prisma.raw(i);
  return Prisma.sql`EXISTS (SELECT 1 FROM interview_panelists vip
     WHERE vip.interview_id = ${alias}.id AND vip.member_id = ${viewer.memberId}::uuid)`;
}

/** May `viewer` see the candidates row aliased `c`? Managers, or the panel of one of their interviews. */
export function candidateVisibleSql(c: string, viewer: Viewer): Prisma.Sql {
  if (managesInterviews(viewer)) return Prisma.sql`TRUE`;
  const alias = Prisma.raw(c);
  return Prisma.sql`EXISTS (SELECT 1 FROM interviews vci JOIN interview_panelists vcp ON vcp.interview_id = vci.id
     WHERE vci.candidate_id = ${alias}.id AND vcp.member_id = ${viewer.memberId}::uuid)`;
}

export interface InterviewAccess {
  id: string;
  candidateId: string | null;
  meetingId: string | null;
  templateId: string | null;
  status: "scheduled" | "completed" | "cancelled" | "no_show";
  /** The caller sits on the panel (and so writes a scorecard for it). */
  onPanel: boolean;
  /** The caller holds `interviews:manage`: sees every scorecard at once, changes the interview. */
  manage: boolean;
}

/**
 * The interview with this id if the caller may see it; NOT_FOUND when not (or missing, or another
 * workspace's), so an interview's existence never leaks to someone off its panel. `notFound` names
 * what was asked for when the interview was reached through something else (a scorecard, a summary).
 */
export async function requireInterview(
  scope: WorkspaceScope,
  interviewId: string,
  options: { notFound?: string } = {},
): Promise<InterviewAccess> {
  const rows = await queryRows<Omit<InterviewAccess, "manage">>(
    scope.db,
    Prisma.sql`
    SELECT i.id, i.candidate_id AS "candidateId", i.meeting_id AS "meetingId", i.template_id AS "templateId",
           i.status::text AS status,
           EXISTS (SELECT 1 FROM interview_panelists p WHERE p.interview_id = i.id AND p.member_id = ${scope.memberId}::uuid) AS "onPanel"
      FROM interviews i
     WHERE i.workspace_id = ${scope.workspaceId}::uuid AND i.id = ${interviewId}::uuid
       AND ${interviewVisibleSql("i", scope)}`,
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(options.notFound ?? "Interview");
  return { ...row, manage: managesInterviews(scope) };
}

/**
 * The live candidate with this id if the caller may see them, else NOT_FOUND. `deleted: true` looks
 * at a soft-deleted candidate instead (restore).
 */
export async function requireCandidate(
  scope: WorkspaceScope,
  candidateId: string,
  options: { deleted?: boolean } = {},
): Promise<{ id: string; name: string }> {
  const rows = await queryRows<{ id: string; name: string }>(
    scope.db,
    Prisma.sql`
    SELECT c.id, c.name FROM candidates c
     WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.id = ${candidateId}::uuid
       AND ${options.deleted ? Prisma.sql`c.deleted_at IS NOT NULL` : Prisma.sql`c.deleted_at IS NULL`}
       AND ${candidateVisibleSql("c", scope)}`,
  );
  const row = rows[0];
  if (!row) throw new NotFoundError("Candidate");
  return row;
}
