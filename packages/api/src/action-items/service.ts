// Action items: extracted by the summary job, or written by hand; assigned to a member, or to a
// speaker name from the transcript that is not mapped to anyone yet.
import { Prisma, queryRows } from "@meetmind/db";
import { NotFoundError } from "../errors.js";
import { toPage } from "../shared/schemas.js";
import { meetingVisibleSql, requireMeetingAccess } from "../tenancy/meeting-access.js";
import { requireMember } from "../tenancy/members.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { ActionItemIdInput, CreateActionItemInput, ListActionItemsInput, UpdateActionItemInput } from "./schemas.js";

export const actionItemSelect = {
  id: true,
  meetingId: true,
  summaryId: true,
  sourceSegmentId: true,
  text: true,
  assigneeName: true,
  dueDate: true,
  status: true,
  completedAt: true,
  createdAt: true,
  assignee: { select: { id: true, userId: true, user: { select: { fullName: true, email: true } } } },
} satisfies Prisma.ActionItemSelect;

type Row = Prisma.ActionItemGetPayload<{ select: typeof actionItemSelect }>;

export function presentActionItem({ assignee, ...item }: Row) {
  return {
    ...item,
    assignee: assignee
      ? { memberId: assignee.id, userId: assignee.userId, name: assignee.user.fullName, email: assignee.user.email }
      : null,
  };
}

/** A segment of a meeting the caller may see (and of `meetingId`, when given), or NOT_FOUND. */
async function requireSegment(scope: WorkspaceScope, segmentId: string, meetingId: string | undefined): Promise<void> {
  const segment = await scope.db.transcriptSegment.findFirst({
    where: { id: segmentId, ...(meetingId ? { meetingId } : {}) },
    select: { meetingId: true },
  });
  if (!segment) throw new NotFoundError("Segment");
  if (!meetingId) await requireMeetingAccess(scope, segment.meetingId, "view", { notFound: "Segment" });
}

interface ListRow extends Omit<Row, "assignee"> {
  assigneeMemberId: string | null;
  assigneeUserId: string | null;
  assigneeFullName: string | null;
  assigneeEmail: string | null;
}

/**
 * One statement: the meeting access rule applies per item (an item without a meeting is the whole
 * workspace's), and Prisma's query builder cannot join it, so this list is SQL naming the workspace.
 */
export async function listActionItems(scope: WorkspaceScope, input: ListActionItemsInput) {
  // A filter naming something the caller cannot see is NOT_FOUND, not an empty page.
  if (input.meetingId) await requireMeetingAccess(scope, input.meetingId);
  if (input.assigneeId) await requireMember(scope, input.assigneeId);
  const conditions = [
    Prisma.sql`ai.workspace_id = ${scope.workspaceId}::uuid`,
    // Items of deleted meetings go with them; items of meetings the caller may not see are hidden.
    // EXISTS, not a join: the newest-first index scan stops after one page, checking only its rows.
    Prisma.sql`(ai.meeting_id IS NULL OR EXISTS (
      SELECT 1 FROM meetings m
       WHERE m.id = ai.meeting_id AND m.workspace_id = ai.workspace_id AND m.deleted_at IS NULL
         AND ${meetingVisibleSql("m", scope)}))`,
  ];
  if (input.meetingId) conditions.push(Prisma.sql`ai.meeting_id = ${input.meetingId}::uuid`);
  if (input.assigneeId) conditions.push(Prisma.sql`ai.assignee_id = ${input.assigneeId}::uuid`);
  if (input.status) conditions.push(Prisma.sql`ai.status = ${input.status}::action_item_status`);
  if (input.cursor) conditions.push(Prisma.sql`ai.id < ${input.cursor}::uuid`);
  const rows = await queryRows<ListRow>(
    scope.db,
    Prisma.sql`
    SELECT ai.id, ai.meeting_id AS "meetingId", ai.summary_id AS "summaryId", ai.source_segment_id AS "sourceSegmentId",
           ai.text, ai.assignee_name AS "assigneeName", ai.due_date AS "dueDate", ai.status::text AS status,
           ai.completed_at AS "completedAt", ai.created_at AS "createdAt",
           wm.id AS "assigneeMemberId", wm.user_id AS "assigneeUserId", u.full_name AS "assigneeFullName", u.email AS "assigneeEmail"
      FROM action_items ai
      LEFT JOIN workspace_members wm ON wm.id = ai.assignee_id AND wm.workspace_id = ai.workspace_id
      LEFT JOIN users u ON u.id = wm.user_id
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY ai.id DESC
     LIMIT ${input.limit + 1}`,
    { prepare: true },
  );
  const page = toPage(rows, input.limit);
  return {
    items: page.items.map(({ assigneeMemberId, assigneeUserId, assigneeFullName, assigneeEmail, ...item }) => ({
      ...item,
      assignee:
        assigneeMemberId && assigneeUserId
          ? { memberId: assigneeMemberId, userId: assigneeUserId, name: assigneeFullName, email: assigneeEmail ?? "" }
          : null,
    })),
    nextCursor: page.nextCursor,
  };
}

export async function createActionItem(scope: WorkspaceScope, input: CreateActionItemInput) {
  if (input.meetingId) await requireMeetingAccess(scope, input.meetingId, "edit");
  if (input.assigneeId) await requireMember(scope, input.assigneeId);
  if (input.sourceSegmentId) await requireSegment(scope, input.sourceSegmentId, input.meetingId);
  const item = await scope.db.actionItem.create({
    data: {
      workspaceId: scope.workspaceId,
      meetingId: input.meetingId ?? null,
      text: input.text,
      assigneeId: input.assigneeId ?? null,
      assigneeName: input.assigneeName ?? null,
      dueDate: input.dueDate ?? null,
      sourceSegmentId: input.sourceSegmentId ?? null,
      createdById: scope.userId,
    },
    select: actionItemSelect,
  });
  return presentActionItem(item);
}

/** An item the caller may change: its meeting (if any) at edit level; one they cannot see is NOT_FOUND. */
async function requireItem(scope: WorkspaceScope, actionItemId: string) {
  const item = await scope.db.actionItem.findFirst({
    where: { id: actionItemId, OR: [{ meetingId: null }, { meeting: { deletedAt: null } }] },
    select: { id: true, status: true, meetingId: true },
  });
  if (!item) throw new NotFoundError("Action item");
  if (item.meetingId) await requireMeetingAccess(scope, item.meetingId, "edit", { notFound: "Action item" });
  return item;
}

export async function updateActionItem(scope: WorkspaceScope, input: UpdateActionItemInput) {
  const { actionItemId, status, ...changes } = input;
  const item = await requireItem(scope, actionItemId);
  if (changes.assigneeId) await requireMember(scope, changes.assigneeId);
  const statusChange =
    status && status !== item.status
      ? status === "done"
        ? { status, completedAt: new Date(), completedById: scope.userId }
        : { status, completedAt: null, completedById: null }
      : {};
  const updated = await scope.db.actionItem.update({
    where: { id: item.id },
    data: { ...changes, ...statusChange },
    select: actionItemSelect,
  });
  return presentActionItem(updated);
}

export async function completeActionItem(scope: WorkspaceScope, input: ActionItemIdInput) {
  return updateActionItem(scope, { actionItemId: input.actionItemId, status: "done" });
}

export async function deleteActionItem(scope: WorkspaceScope, input: ActionItemIdInput): Promise<void> {
  const item = await requireItem(scope, input.actionItemId);
  await scope.db.actionItem.delete({ where: { id: item.id } });
}
