// Who may see which meeting: the one access rule every read path applies.
//
// A member sees a meeting when any of these holds:
//   1. they own it (created it),
//   2. its visibility is `workspace`,
//   3. its visibility is `participants` and they take part in it (a participant row with their member id),
//   4. it was granted to them, or to a group they belong to (`meeting_grants`).
// Workspace roles add nothing here: an admin does not see others' private meetings (the promise is
// "never others' private meetings"); the role still caps what a member may do (a viewer only reads).
//
// An interview's meeting (`is_interview`) follows the interview rule instead, whatever its visibility
// and grants say: members holding `interviews:manage` and the panel of an interview held in it see it
// (at edit level: they import and correct its transcript), nobody else. So search, Ask Mind and
// every other path that joins this predicate follow the interview rule with no code of their own.
//
// The rule exists as a SQL predicate over a meetings row (`meetingVisibleSql`) so that any query can
// join it: list and get, transcripts, segments, search, Ask Mind retrieval and citations, action
// items across meetings, and later events and webhooks. Paths that act on one meeting by id go
// through `requireMeetingAccess`, which evaluates the same arms and also says at which level.
// Prisma's query builder cannot express the rule, so nothing re-states it with `where` objects.
//
// Cost: the arms are ORed in order, and Postgres stops at the first true one, so a `workspace`
// meeting (the default) costs one comparison. For the others Postgres either probes the indexes
// (meeting_participants (meeting_id, member_id), meeting_grants (meeting_id, …), group_members
// (member_id, group_id)) or, over many rows, hashes the caller's participations and grants once per
// statement. The subqueries raise the planner's cost estimate: connections run with JIT off
// (packages/db client.ts), or JIT compiles a 10 ms list for 20–70 ms. Measured: bench:http.
import { Prisma, queryRows } from "@meetmind/db";
import { ForbiddenError, NotFoundError } from "../errors.js";
import { managesInterviews } from "./permissions.js";
import type { WorkspaceScope } from "./scope.js";

export const MEETING_VISIBILITIES = ["workspace", "participants", "private"] as const;
export type MeetingVisibility = (typeof MEETING_VISIBILITIES)[number];

/** Ordered: each level includes the ones before it. */
export const ACCESS_LEVELS = ["view", "comment", "edit"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Who is asking: the fields of a WorkspaceScope the rule needs. */
export type Viewer = Pick<WorkspaceScope, "userId" | "memberId" | "role" | "grants" | "viaApiKey">;

/** The viewer fields of a scope, copied (for work that outlives the request, like an Ask Mind answer). */
export function viewerOf(scope: Viewer): Viewer {
  return {
    userId: scope.userId,
    memberId: scope.memberId,
    role: scope.role,
    grants: scope.grants,
    ...(scope.viaApiKey ? { viaApiKey: true } : {}),
  };
}

const rank = (level: AccessLevel) => ACCESS_LEVELS.indexOf(level) + 1;

/**
 * Arms 1–3: access that comes with the meeting itself, at the level the member's role allows. `m`
 * is the alias of the meetings row in the calling query (a constant in our code, never input).
 */
function ownArms(m: string, viewer: Viewer): Prisma.Sql {
  const alias = Prisma.raw(m);
  return Prisma.sql`(${alias}.visibility = 'workspace'
    OR ${alias}.created_by_id = ${viewer.userId}::uuid
    OR (${alias}.visibility = 'participants' AND EXISTS (
          SELECT 1 FROM meeting_participants vp
           WHERE vp.meeting_id = ${alias}.id AND vp.member_id = ${viewer.memberId}::uuid)))`;
}

/** Arm 4: the grants that reach the member, directly or through a group. */
function grantsTo(m: string, viewer: Viewer): Prisma.Sql {
  const alias = Prisma.raw(m);
  return Prisma.sql`FROM meeting_grants vg
     WHERE vg.meeting_id = ${alias}.id
       AND (vg.member_id = ${viewer.memberId}::uuid
            OR vg.group_id IN (SELECT vgm.group_id FROM group_members vgm WHERE vgm.member_id = ${viewer.memberId}::uuid))`;
}

/**
 * The interview rule for an `is_interview` meeting: true for interview managers (a constant, decided
 * from the viewer's role and grants), else whether the viewer sits on a panel of an interview held in it.
 */
function interviewArm(m: string, viewer: Viewer): Prisma.Sql {
  if (managesInterviews(viewer)) return Prisma.sql`TRUE`;
  const alias = Prisma.raw(m);
  return Prisma.sql`EXISTS (SELECT 1 FROM interviews vi JOIN interview_panelists vip ON vip.interview_id = vi.id
     WHERE vi.meeting_id = ${alias}.id AND vip.member_id = ${viewer.memberId}::uuid)`;
}

/** The predicate: may `viewer` see the meetings row aliased `m`? Join it into any query. */
export function meetingVisibleSql(m: string, viewer: Viewer): Prisma.Sql {
  const alias = Prisma.raw(m);
  return Prisma.sql`(CASE WHEN ${alias}.is_interview THEN ${interviewArm(m, viewer)}
    ELSE (${ownArms(m, viewer)} OR EXISTS (SELECT 1 ${grantsTo(m, viewer)})) END)`;
}

/**
 * The same arms as a level: 3 (edit) from arms 1–3, else the highest grant, else 0 (none). Select it
 * as an int and turn it into an AccessLevel with `accessLevelOf`, which applies the role's cap.
 */
export function meetingLevelSql(m: string, viewer: Viewer): Prisma.Sql {
  const alias = Prisma.raw(m);
  return Prisma.sql`CASE WHEN ${alias}.is_interview THEN (CASE WHEN ${interviewArm(m, viewer)} THEN 3 ELSE 0 END)
    WHEN ${ownArms(m, viewer)} THEN 3
    ELSE coalesce((SELECT max(array_position(ARRAY['view','comment','edit']::meeting_access_level[], vg.level)) ${grantsTo(m, viewer)}), 0)
  END`;
}

/** A viewer-role member reads, whatever a grant says; every other role may use its full level. */
function capByRole(level: number, viewer: Viewer): number {
  return viewer.role === "viewer" ? Math.min(level, rank("view")) : level;
}

/** The level `meetingLevelSql` selected, capped by the viewer's role; null for none. */
export function accessLevelOf(level: number, viewer: Viewer): AccessLevel | null {
  return ACCESS_LEVELS[capByRole(level, viewer) - 1] ?? null;
}

export interface MeetingAccess {
  id: string;
  title: string;
  visibility: MeetingVisibility;
  createdById: string | null;
  level: AccessLevel;
  /**
   * Owner or workspace admin: may change visibility and grants, and delete. For an interview's
   * meeting: a holder of `interviews:manage` (who may delete it; its visibility, grants and share
   * links do not apply, and the meetings and share-links services refuse them).
   */
  manage: boolean;
  isInterview: boolean;
}

interface AccessRow {
  id: string;
  title: string;
  visibility: MeetingVisibility;
  createdById: string | null;
  isInterview: boolean;
  level: number;
}

/**
 * The caller's access to the meeting with this id, or null when they may not see it (or it is
 * missing, deleted, another workspace's). `deleted: true` looks at a deleted meeting instead.
 */
export async function meetingAccessOf(
  scope: WorkspaceScope,
  meetingId: string,
  options: { deleted?: boolean } = {},
): Promise<MeetingAccess | null> {
  const rows = await queryRows<AccessRow>(
    scope.db,
    Prisma.sql`
    SELECT m.id, m.title, m.visibility::text AS visibility, m.created_by_id AS "createdById", m.is_interview AS "isInterview", ${meetingLevelSql("m", scope)} AS level
      FROM meetings m
     WHERE m.workspace_id = ${scope.workspaceId}::uuid AND m.id = ${meetingId}::uuid
       AND ${options.deleted ? Prisma.sql`m.deleted_at IS NOT NULL` : Prisma.sql`m.deleted_at IS NULL`}`,
  );
  const row = rows[0];
  const level = row ? accessLevelOf(row.level, scope) : null;
  if (!row || !level) return null;
  const isAdmin = scope.role === "owner" || scope.role === "admin";
  const manage = row.isInterview
    ? level === "edit" && managesInterviews(scope)
    : level === "edit" && (row.createdById === scope.userId || isAdmin);
  return {
    id: row.id,
    title: row.title,
    visibility: row.visibility,
    createdById: row.createdById,
    isInterview: row.isInterview,
    level,
    manage,
  };
}

/**
 * The meeting with this id if the caller may use it at `level` (default: see it). Not visible (or
 * missing, deleted, another workspace's) → NOT_FOUND, so a private meeting's existence never leaks;
 * visible but below the level → FORBIDDEN. `deleted: true` looks at a deleted meeting instead
 * (restore). `notFound` names what was asked for when the meeting was reached through something
 * else (a comment, a segment): that thing is what is not found.
 */
export async function requireMeetingAccess(
  scope: WorkspaceScope,
  meetingId: string,
  level: AccessLevel = "view",
  options: { deleted?: boolean; notFound?: string } = {},
): Promise<MeetingAccess> {
  const access = await meetingAccessOf(scope, meetingId, options);
  if (!access) throw new NotFoundError(options.notFound ?? "Meeting");
  if (rank(access.level) < rank(level)) {
    throw new ForbiddenError(`This needs ${level} access to the meeting; you have ${access.level}`, "insufficient_access");
  }
  return access;
}

/** Which of these meetings are live and visible to the caller (for filtering what was read by id). */
export async function visibleMeetingIds(scope: WorkspaceScope, meetingIds: readonly string[]): Promise<Set<string>> {
  if (meetingIds.length === 0) return new Set();
  const unique = [...new Set(meetingIds.map((id) => id.toLowerCase()))];
  const rows = await queryRows<{ id: string }>(
    scope.db,
    Prisma.sql`
    SELECT m.id FROM meetings m
     WHERE m.workspace_id = ${scope.workspaceId}::uuid AND m.id = ANY(${unique}::uuid[]) AND m.deleted_at IS NULL
       AND ${meetingVisibleSql("m", scope)}`,
  );
  return new Set(rows.map((row) => row.id));
}

/** Every one of these meetings is live and visible to the caller, or NOT_FOUND (filters, scopes). */
export async function requireMeetingsVisible(scope: WorkspaceScope, meetingIds: readonly string[]): Promise<void> {
  const wanted = new Set(meetingIds.map((id) => id.toLowerCase()));
  const visible = await visibleMeetingIds(scope, [...wanted]);
  if (visible.size !== wanted.size) throw new NotFoundError("Meeting");
}
