// Meetings, their participants and comments. Every function takes a WorkspaceScope: its client
// cannot see other workspaces, so a foreign id is simply "not found"; and every meeting id goes
// through the access rule (tenancy/meeting-access.ts), so a meeting the caller may not see is too.
import { isUniqueViolation, type Prisma } from "@meetmind/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import { requireMeetingAccess, type MeetingAccess } from "../tenancy/meeting-access.js";
import { requireMember, requireMembers } from "../tenancy/members.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { readMeeting, readMeetingPage } from "./queries.js";
import type {
  AddParticipantInput,
  CommentIdInput,
  CreateCommentInput,
  CreateMeetingInput,
  ListCommentsInput,
  ListMeetingsInput,
  MeetingIdInput,
  RemoveParticipantInput,
  UpdateCommentInput,
  UpdateMeetingInput,
} from "./schemas.js";

const RESTORE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const personSelect = { select: { id: true, email: true, fullName: true } } as const;

const duplicateExternal = () => new ConflictError("A meeting with this platform and external id already exists", "duplicate_external_id");

export async function createMeeting(scope: WorkspaceScope, input: CreateMeetingInput) {
  try {
    const meeting = await scope.db.meeting.create({
      data: { ...input, workspaceId: scope.workspaceId, createdById: scope.userId },
      select: { id: true },
    });
    return await getMeeting(scope, { meetingId: meeting.id });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateExternal();
    throw error;
  }
}

export async function getMeeting(scope: WorkspaceScope, input: MeetingIdInput) {
  const meeting = await readMeeting(scope, input.meetingId);
  if (!meeting) throw new NotFoundError("Meeting");
  return meeting;
}

export async function updateMeeting(scope: WorkspaceScope, input: UpdateMeetingInput) {
  const { meetingId, ...changes } = input;
  await requireMeetingAccess(scope, meetingId, "edit");
  const current = await scope.db.meeting.findFirst({
    where: { id: meetingId, deletedAt: null },
    select: { scheduledStart: true, scheduledEnd: true, actualStart: true, actualEnd: true },
  });
  if (!current) throw new NotFoundError("Meeting");
  // Checked against the stored values too: changing only the end must not put it before the start.
  const next = { ...current, ...changes };
  if (
    (next.scheduledStart && next.scheduledEnd && next.scheduledEnd < next.scheduledStart) ||
    (next.actualStart && next.actualEnd && next.actualEnd < next.actualStart)
  ) {
    throw new ValidationError("An end cannot be before its start", "invalid_time_range");
  }
  try {
    await scope.db.meeting.update({ where: { id: meetingId }, data: changes, select: { id: true } });
    return await getMeeting(scope, { meetingId });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateExternal();
    throw error;
  }
}

/**
 * An interview's meeting holds the interview's transcript: its panel edits it, but only those who
 * manage interviews may delete or restore it (one panelist must not wipe it for the others).
 */
function requireManageIfInterview(access: MeetingAccess): void {
  if (access.isInterview && !access.manage) {
    throw new ForbiddenError("Only interview managers may delete or restore an interview's meeting", "insufficient_access");
  }
}

export async function deleteMeeting(scope: WorkspaceScope, input: MeetingIdInput): Promise<void> {
  requireManageIfInterview(await requireMeetingAccess(scope, input.meetingId, "edit"));
  const result = await scope.db.meeting.updateMany({ where: { id: input.meetingId, deletedAt: null }, data: { deletedAt: new Date() } });
  if (result.count === 0) throw new NotFoundError("Meeting");
}

/** Undoes a delete within 30 days; after that the meeting is as good as gone. */
export async function restoreMeeting(scope: WorkspaceScope, input: MeetingIdInput) {
  requireManageIfInterview(await requireMeetingAccess(scope, input.meetingId, "edit", { deleted: true }));
  const result = await scope.db.meeting.updateMany({
    where: { id: input.meetingId, deletedAt: { not: null, gt: new Date(Date.now() - RESTORE_WINDOW_MS) } },
    data: { deletedAt: null },
  });
  if (result.count === 0) throw new NotFoundError("Deleted meeting");
  return getMeeting(scope, input);
}

export async function listMeetings(scope: WorkspaceScope, input: ListMeetingsInput) {
  // A member of another workspace is NOT_FOUND, not an empty page.
  if (input.participantId) await requireMember(scope, input.participantId);
  return toPage(await readMeetingPage(scope, input), input.limit);
}

// Participants

const participantSelect = {
  id: true,
  memberId: true,
  name: true,
  email: true,
  role: true,
  member: { select: { userId: true } },
} satisfies Prisma.MeetingParticipantSelect;

function presentParticipant({ member, ...participant }: Prisma.MeetingParticipantGetPayload<{ select: typeof participantSelect }>) {
  return { ...participant, userId: member?.userId ?? null, external: participant.memberId === null };
}

export async function listParticipants(scope: WorkspaceScope, input: MeetingIdInput) {
  await requireMeetingAccess(scope, input.meetingId);
  const rows = await scope.db.meetingParticipant.findMany({
    where: { meetingId: input.meetingId },
    orderBy: [{ role: "asc" }, { id: "asc" }],
    take: 500,
    select: participantSelect,
  });
  return rows.map(presentParticipant);
}

export async function addParticipant(scope: WorkspaceScope, input: AddParticipantInput) {
  const meeting = await requireMeetingAccess(scope, input.meetingId, "edit");
  // On a participants-only meeting a member participant gains access: that is sharing, for managers.
  if ("memberId" in input && meeting.visibility === "participants" && !meeting.manage) {
    throw new ForbiddenError(
      "Only the meeting's owner or a workspace admin can add members to a participants-only meeting",
      "insufficient_access",
    );
  }
  let data: Prisma.MeetingParticipantUncheckedCreateInput;
  if ("memberId" in input) {
    const member = await scope.db.workspaceMember.findFirst({
      where: { id: input.memberId },
      select: { id: true, user: { select: { email: true, fullName: true } } },
    });
    if (!member) throw new NotFoundError("Member");
    data = {
      workspaceId: scope.workspaceId,
      meetingId: input.meetingId,
      memberId: member.id,
      name: member.user.fullName,
      email: member.user.email,
      role: input.role,
    };
  } else {
    data = { workspaceId: scope.workspaceId, meetingId: input.meetingId, name: input.name, email: input.email ?? null, role: input.role };
  }
  try {
    return presentParticipant(await scope.db.meetingParticipant.create({ data, select: participantSelect }));
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("This member already takes part in the meeting", "already_participant");
    throw error;
  }
}

export async function removeParticipant(scope: WorkspaceScope, input: RemoveParticipantInput): Promise<void> {
  await requireMeetingAccess(scope, input.meetingId, "edit");
  const result = await scope.db.meetingParticipant.deleteMany({ where: { id: input.participantId, meetingId: input.meetingId } });
  if (result.count === 0) throw new NotFoundError("Participant");
}

// Comments

const commentSelect = {
  id: true,
  meetingId: true,
  segmentId: true,
  body: true,
  author: personSelect,
  mentionedUserIds: true,
  editedAt: true,
  createdAt: true,
} satisfies Prisma.MeetingCommentSelect;

/** Mentions name workspace members; stored as their user ids (stable if a membership is recreated). */
async function mentionedUsers(scope: WorkspaceScope, memberIds: string[]): Promise<string[]> {
  return (await requireMembers(scope, memberIds)).map((member) => member.userId);
}

export async function createComment(scope: WorkspaceScope, input: CreateCommentInput) {
  await requireMeetingAccess(scope, input.meetingId, "comment");
  if (input.segmentId) {
    const segment = await scope.db.transcriptSegment.findFirst({
      where: { id: input.segmentId, meetingId: input.meetingId },
      select: { id: true },
    });
    if (!segment) throw new NotFoundError("Segment");
  }
  return scope.db.meetingComment.create({
    data: {
      workspaceId: scope.workspaceId,
      meetingId: input.meetingId,
      authorId: scope.userId,
      body: input.body,
      segmentId: input.segmentId ?? null,
      mentionedUserIds: await mentionedUsers(scope, input.mentionMemberIds),
    },
    select: commentSelect,
  });
}

export async function listComments(scope: WorkspaceScope, input: ListCommentsInput) {
  await requireMeetingAccess(scope, input.meetingId);
  const rows = await scope.db.meetingComment.findMany({
    where: { meetingId: input.meetingId, deletedAt: null },
    orderBy: { id: "asc" },
    ...pageArgs(input),
    select: commentSelect,
  });
  return toPage(rows, input.limit);
}

/** A live comment on a meeting the caller may comment on; one on a meeting they cannot see is NOT_FOUND. */
async function requireComment(scope: WorkspaceScope, commentId: string) {
  const comment = await scope.db.meetingComment.findFirst({
    where: { id: commentId, deletedAt: null, meeting: { deletedAt: null } },
    select: { id: true, authorId: true, meetingId: true },
  });
  if (!comment) throw new NotFoundError("Comment");
  await requireMeetingAccess(scope, comment.meetingId, "comment", { notFound: "Comment" });
  return comment;
}

export async function updateComment(scope: WorkspaceScope, input: UpdateCommentInput) {
  const comment = await requireComment(scope, input.commentId);
  // Every id in the input is resolved before acting on it: one the caller cannot see is NOT_FOUND.
  const mentionedUserIds = input.mentionMemberIds ? await mentionedUsers(scope, input.mentionMemberIds) : undefined;
  if (comment.authorId !== scope.userId) throw new ForbiddenError("Only its author can edit a comment", "not_author");
  return scope.db.meetingComment.update({
    where: { id: comment.id },
    data: { body: input.body, editedAt: new Date(), ...(mentionedUserIds ? { mentionedUserIds } : {}) },
    select: commentSelect,
  });
}

/** Authors delete their own comments; admins and owners delete any. */
export async function deleteComment(scope: WorkspaceScope, input: CommentIdInput): Promise<void> {
  const comment = await requireComment(scope, input.commentId);
  if (comment.authorId !== scope.userId && scope.role !== "owner" && scope.role !== "admin") {
    throw new ForbiddenError("Only its author or an admin can delete a comment", "not_author");
  }
  await scope.db.meetingComment.update({ where: { id: comment.id }, data: { deletedAt: new Date() } });
}
