// Action items: extracted by the summary job, or written by hand; assigned to a member, or to a
// speaker name from the transcript that is not mapped to anyone yet.
import type { Prisma } from "@meetmind/db";
import { NotFoundError } from "../errors.js";
import { requireMeeting } from "../meetings/service.js";
import { pageArgs, toPage } from "../shared/schemas.js";
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

async function requireSegment(scope: WorkspaceScope, segmentId: string, meetingId: string | undefined): Promise<void> {
  const segment = await scope.db.transcriptSegment.findFirst({
    where: { id: segmentId, ...(meetingId ? { meetingId } : {}) },
    select: { id: true },
  });
  if (!segment) throw new NotFoundError("Segment");
}

export async function listActionItems(scope: WorkspaceScope, input: ListActionItemsInput) {
  // A filter naming something the caller cannot see is NOT_FOUND, not an empty page.
  if (input.meetingId) await requireMeeting(scope, input.meetingId);
  if (input.assigneeId) await requireMember(scope, input.assigneeId);
  const rows = await scope.db.actionItem.findMany({
    where: {
      // Items of deleted meetings go with them; items without a meeting always show.
      OR: [{ meetingId: null }, { meeting: { deletedAt: null } }],
      ...(input.meetingId ? { meetingId: input.meetingId } : {}),
      ...(input.assigneeId ? { assigneeId: input.assigneeId } : {}),
      ...(input.status ? { status: input.status } : {}),
    },
    orderBy: { id: "desc" },
    ...pageArgs(input),
    select: actionItemSelect,
  });
  const page = toPage(rows, input.limit);
  return { items: page.items.map(presentActionItem), nextCursor: page.nextCursor };
}

export async function createActionItem(scope: WorkspaceScope, input: CreateActionItemInput) {
  if (input.meetingId) await requireMeeting(scope, input.meetingId);
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

async function requireItem(scope: WorkspaceScope, actionItemId: string) {
  const item = await scope.db.actionItem.findFirst({
    where: { id: actionItemId, OR: [{ meetingId: null }, { meeting: { deletedAt: null } }] },
    select: { id: true, status: true },
  });
  if (!item) throw new NotFoundError("Action item");
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
