import { z } from "zod";
import { dayInput, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
const text = z.string().trim().min(1).max(2_000);
/** A calendar day; stored as midnight UTC. */
const dueDate = dayInput();

export const actionItemStatus = z.enum(["open", "done"]);

export const listActionItemsInput = z.object({
  workspaceId,
  ...pageInput,
  meetingId: z.uuid().optional(),
  /** A workspace member id. */
  assigneeId: z.uuid().optional(),
  status: actionItemStatus.optional(),
});

export const createActionItemInput = z.object({
  workspaceId,
  meetingId: z.uuid().optional(),
  text,
  assigneeId: z.uuid().optional(),
  /** A name from the transcript not (yet) mapped to a member. */
  assigneeName: z.string().trim().min(1).max(200).optional(),
  dueDate: dueDate.optional(),
  sourceSegmentId: z.uuid().optional(),
});

export const updateActionItemInput = z.object({
  workspaceId,
  actionItemId: z.uuid(),
  text: text.optional(),
  assigneeId: z.uuid().nullable().optional(),
  assigneeName: z.string().trim().min(1).max(200).nullable().optional(),
  dueDate: dueDate.nullable().optional(),
  status: actionItemStatus.optional(),
});

export const actionItemIdInput = z.object({ workspaceId, actionItemId: z.uuid() });

export const actionItemOutput = z.object({
  id: z.string(),
  meetingId: z.string().nullable(),
  summaryId: z.string().nullable(),
  sourceSegmentId: z.string().nullable(),
  text: z.string(),
  assignee: z.object({ memberId: z.string(), userId: z.string(), name: z.string().nullable(), email: z.string() }).nullable(),
  assigneeName: z.string().nullable(),
  dueDate: z.date().nullable(),
  status: actionItemStatus,
  completedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const actionItemPage = pageOf(actionItemOutput);

export type ListActionItemsInput = ScopedInput<typeof listActionItemsInput>;
export type CreateActionItemInput = ScopedInput<typeof createActionItemInput>;
export type UpdateActionItemInput = ScopedInput<typeof updateActionItemInput>;
export type ActionItemIdInput = ScopedInput<typeof actionItemIdInput>;
