import { z } from "zod";
import { dateInput, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";
import { ACCESS_LEVELS, MEETING_VISIBILITIES } from "../tenancy/meeting-access.js";

const workspaceId = z.uuid();
const meetingId = z.uuid();

export const platformSchema = z.enum(["zoom", "google_meet", "teams", "in_person", "other"]);
export const statusSchema = z.enum(["scheduled", "in_progress", "completed", "cancelled"]);
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, "Tags are words, digits, spaces, _ and -");

const meetingFields = {
  title: z.string().trim().min(1, "Title is required").max(300),
  description: z.string().trim().max(10_000).nullable(),
  platform: platformSchema,
  status: statusSchema,
  scheduledStart: dateInput().nullable(),
  scheduledEnd: dateInput().nullable(),
  actualStart: dateInput().nullable(),
  actualEnd: dateInput().nullable(),
  externalId: z.string().trim().max(200).nullable(),
  externalUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable(),
  tags: z
    .array(tag)
    .max(20)
    .transform((tags) => [...new Set(tags)]),
};

const endsAfterStarts = (value: {
  scheduledStart?: Date | null | undefined;
  scheduledEnd?: Date | null | undefined;
  actualStart?: Date | null | undefined;
  actualEnd?: Date | null | undefined;
}) =>
  !(value.scheduledStart && value.scheduledEnd && value.scheduledEnd < value.scheduledStart) &&
  !(value.actualStart && value.actualEnd && value.actualEnd < value.actualStart);

export const createMeetingInput = z
  .object({
    workspaceId,
    title: meetingFields.title,
    description: meetingFields.description.optional(),
    platform: meetingFields.platform.default("other"),
    status: meetingFields.status.default("scheduled"),
    scheduledStart: meetingFields.scheduledStart.optional(),
    scheduledEnd: meetingFields.scheduledEnd.optional(),
    actualStart: meetingFields.actualStart.optional(),
    actualEnd: meetingFields.actualEnd.optional(),
    externalId: meetingFields.externalId.optional(),
    externalUrl: meetingFields.externalUrl.optional(),
    tags: meetingFields.tags.default([]),
    visibility: z.enum(MEETING_VISIBILITIES).default("workspace"),
  })
  .refine(endsAfterStarts, { message: "An end cannot be before its start", path: ["scheduledEnd"] });

export const updateMeetingInput = z
  .object({
    workspaceId,
    meetingId,
    title: meetingFields.title.optional(),
    description: meetingFields.description.optional(),
    platform: meetingFields.platform.optional(),
    status: meetingFields.status.optional(),
    scheduledStart: meetingFields.scheduledStart.optional(),
    scheduledEnd: meetingFields.scheduledEnd.optional(),
    actualStart: meetingFields.actualStart.optional(),
    actualEnd: meetingFields.actualEnd.optional(),
    externalId: meetingFields.externalId.optional(),
    externalUrl: meetingFields.externalUrl.optional(),
    tags: meetingFields.tags.optional(),
  })
  .refine(endsAfterStarts, { message: "An end cannot be before its start", path: ["scheduledEnd"] });

export const meetingIdInput = z.object({ workspaceId, meetingId });

export const listMeetingsInput = z.object({
  workspaceId,
  ...pageInput,
  status: statusSchema.optional(),
  /** On the scheduled start (meetings without one: their creation time is not used). */
  from: dateInput().optional(),
  to: dateInput().optional(),
  /** A workspace member id: meetings this person takes part in. */
  participantId: z.uuid().optional(),
  tag: tag.optional(),
  /** Full-text, websearch syntax, over title and description. */
  query: z.string().trim().min(1).max(200).optional(),
});

export const summaryStatusSchema = z.enum(["pending", "running", "done", "failed"]);

export const meetingOutput = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  platform: platformSchema,
  status: statusSchema,
  scheduledStart: z.date().nullable(),
  scheduledEnd: z.date().nullable(),
  actualStart: z.date().nullable(),
  actualEnd: z.date().nullable(),
  externalId: z.string().nullable(),
  externalUrl: z.string().nullable(),
  tags: z.array(z.string()),
  /** Who besides its owner and grantees may see it (meetings.access.setVisibility changes it). */
  visibility: z.enum(MEETING_VISIBILITIES),
  /** What the caller may do with it: view, comment or edit (tenancy/meeting-access.ts). */
  access: z.enum(ACCESS_LEVELS),
  createdAt: z.date(),
  updatedAt: z.date(),
  deletedAt: z.date().nullable(),
  createdBy: z.object({ id: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
  participantCount: z.number().int(),
  /** Status of the latest summary, or null when none was asked for. */
  summaryStatus: summaryStatusSchema.nullable(),
  hasTranscript: z.boolean(),
});
export const meetingPage = pageOf(meetingOutput);

// Participants
export const participantRoleSchema = z.enum(["host", "attendee"]);
export const addParticipantInput = z.union([
  z.object({ workspaceId, meetingId, memberId: z.uuid(), role: participantRoleSchema.default("attendee") }),
  z.object({
    workspaceId,
    meetingId,
    name: z.string().trim().min(1).max(200),
    email: z.email().trim().toLowerCase().max(254).optional(),
    role: participantRoleSchema.default("attendee"),
  }),
]);
export const removeParticipantInput = z.object({ workspaceId, meetingId, participantId: z.uuid() });
export const participantOutput = z.object({
  id: z.string(),
  memberId: z.string().nullable(),
  userId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  // `candidate`: an interview's candidate, set by interviews.transcript.mapSpeakers, never by hand.
  role: z.enum(["host", "attendee", "candidate"]),
  external: z.boolean(),
});

// Comments
const body = z.string().trim().min(1, "A comment needs some text").max(10_000);
const mentionMemberIds = z
  .array(z.uuid())
  .max(20)
  .transform((ids) => [...new Set(ids)]);
export const createCommentInput = z.object({
  workspaceId,
  meetingId,
  body,
  segmentId: z.uuid().optional(),
  /** Workspace member ids mentioned in the comment. */
  mentionMemberIds: mentionMemberIds.default([]),
});
export const listCommentsInput = z.object({ workspaceId, meetingId, ...pageInput });
export const updateCommentInput = z.object({ workspaceId, commentId: z.uuid(), body, mentionMemberIds: mentionMemberIds.optional() });
export const commentIdInput = z.object({ workspaceId, commentId: z.uuid() });
export const commentOutput = z.object({
  id: z.string(),
  meetingId: z.string(),
  segmentId: z.string().nullable(),
  body: z.string(),
  author: z.object({ id: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
  mentionedUserIds: z.array(z.string()),
  editedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const commentPage = pageOf(commentOutput);

// Access: visibility and grants (the rule itself: tenancy/meeting-access.ts)
export const setVisibilityInput = z.object({ workspaceId, meetingId, visibility: z.enum(MEETING_VISIBILITIES) });
const level = z.enum(ACCESS_LEVELS);
/** A grant goes to one member or one group. */
export const grantInput = z.union([
  z.object({ workspaceId, meetingId, memberId: z.uuid(), level }).strict(),
  z.object({ workspaceId, meetingId, groupId: z.uuid(), level }).strict(),
]);
export const revokeInput = z.object({ workspaceId, meetingId, grantId: z.uuid() });
export const grantOutput = z.object({
  id: z.string(),
  level,
  /** Set for a grant to a member. */
  member: z.object({ memberId: z.string(), userId: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
  /** Set for a grant to a group. */
  group: z.object({ groupId: z.string(), name: z.string() }).nullable(),
  createdAt: z.date(),
});
export const accessOutput = z.object({
  meetingId: z.string(),
  visibility: z.enum(MEETING_VISIBILITIES),
  owner: z.object({ id: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
  /**
   * The caller's own level, and whether they may change visibility and grants. Null only in the
   * answer to a change that took the caller's own access away.
   */
  access: level.nullable(),
  canManage: z.boolean(),
  grants: z.array(grantOutput),
});

export type CreateMeetingInput = ScopedInput<typeof createMeetingInput>;
export type UpdateMeetingInput = ScopedInput<typeof updateMeetingInput>;
export type MeetingIdInput = ScopedInput<typeof meetingIdInput>;
export type ListMeetingsInput = ScopedInput<typeof listMeetingsInput>;
export type MeetingOutput = z.infer<typeof meetingOutput>;
export type AddParticipantInput = ScopedInput<typeof addParticipantInput>;
export type RemoveParticipantInput = ScopedInput<typeof removeParticipantInput>;
export type CreateCommentInput = ScopedInput<typeof createCommentInput>;
export type ListCommentsInput = ScopedInput<typeof listCommentsInput>;
export type UpdateCommentInput = ScopedInput<typeof updateCommentInput>;
export type CommentIdInput = ScopedInput<typeof commentIdInput>;
export type SetVisibilityInput = ScopedInput<typeof setVisibilityInput>;
export type GrantInput = ScopedInput<typeof grantInput>;
export type RevokeInput = ScopedInput<typeof revokeInput>;
export type AccessOutput = z.infer<typeof accessOutput>;
