// Changing who may see a meeting: its visibility, and grants to members or groups. Only those who
// manage the meeting (its owner, or a workspace owner/admin who can see it at edit level) change
// either; anyone who can see it may read who has access. The rule that reads all this is
// tenancy/meeting-access.ts.
import { isUniqueViolation, type Prisma } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { meetingAccessOf, requireMeetingAccess, type AccessLevel, type MeetingAccess } from "../tenancy/meeting-access.js";
import { requireMember } from "../tenancy/members.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { AccessOutput, GrantInput, MeetingIdInput, RevokeInput, SetVisibilityInput } from "./schemas.js";

/** Grants per meeting: enough for any team, small enough to read in one page. */
export const MAX_GRANTS_PER_MEETING = 500;

async function requireManager(scope: WorkspaceScope, meetingId: string): Promise<MeetingAccess> {
  const meeting = await requireMeetingAccess(scope, meetingId, "edit");
  // Visibility and grants would not apply to it anyway (meeting-access.ts): refusing says so.
  if (meeting.isInterview) throw interviewMeeting();
  if (!meeting.manage)
    throw new ForbiddenError("Only the meeting's owner or a workspace admin can change who sees it", "insufficient_access");
  return meeting;
}

/** An interview's meeting is seen by the interview's panel and managers, whatever else is set on it. */
const interviewMeeting = () =>
  new ValidationError("This is an interview's meeting: who sees it follows the interview's panel", "interview_meeting");

const grantSelect = {
  id: true,
  level: true,
  createdAt: true,
  member: { select: { id: true, userId: true, user: { select: { email: true, fullName: true } } } },
  group: { select: { id: true, name: true } },
} satisfies Prisma.MeetingGrantSelect;

function presentGrant(grant: Prisma.MeetingGrantGetPayload<{ select: typeof grantSelect }>) {
  return {
    id: grant.id,
    level: grant.level,
    createdAt: grant.createdAt,
    member: grant.member
      ? { memberId: grant.member.id, userId: grant.member.userId, email: grant.member.user.email, fullName: grant.member.user.fullName }
      : null,
    group: grant.group ? { groupId: grant.group.id, name: grant.group.name } : null,
  };
}

export async function getAccess(scope: WorkspaceScope, input: MeetingIdInput): Promise<AccessOutput> {
  return describeAccess(scope, await requireMeetingAccess(scope, input.meetingId));
}

/**
 * After a change: the caller may have just given up their own access (an admin making someone
 * else's meeting private), so the answer says so (`access: null`) instead of NOT_FOUND.
 */
async function afterChange(scope: WorkspaceScope, meeting: MeetingAccess): Promise<AccessOutput> {
  const now = await meetingAccessOf(scope, meeting.id);
  if (now) return describeAccess(scope, now);
  const changed = await scope.db.meeting.findUniqueOrThrow({ where: { id: meeting.id }, select: { visibility: true } });
  return { ...(await describeAccess(scope, { ...meeting, visibility: changed.visibility })), access: null, canManage: false };
}

async function describeAccess(scope: WorkspaceScope, meeting: MeetingAccess): Promise<AccessOutput> {
  const [owner, grants] = await Promise.all([
    meeting.createdById
      ? scope.db.user.findUnique({ where: { id: meeting.createdById }, select: { id: true, email: true, fullName: true } })
      : null,
    scope.db.meetingGrant.findMany({
      where: { meetingId: meeting.id },
      orderBy: { id: "asc" },
      take: MAX_GRANTS_PER_MEETING,
      select: grantSelect,
    }),
  ]);
  return {
    meetingId: meeting.id,
    visibility: meeting.visibility,
    owner,
    access: meeting.level,
    canManage: meeting.manage,
    grants: grants.map(presentGrant),
  };
}

export async function setVisibility(scope: WorkspaceScope, meta: RequestMeta, input: SetVisibilityInput): Promise<AccessOutput> {
  const meeting = await requireManager(scope, input.meetingId);
  if (meeting.visibility !== input.visibility) {
    await scope.db.$transaction(async (tx) => {
      await tx.meeting.update({ where: { id: meeting.id }, data: { visibility: input.visibility }, select: { id: true } });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "meeting.visibility_changed",
        targetType: "meeting",
        targetId: meeting.id,
        metadata: { from: meeting.visibility, to: input.visibility },
      });
    });
  }
  return afterChange(scope, meeting);
}

/** Grants access, or changes the level of the grantee's existing grant. */
export async function grantAccess(scope: WorkspaceScope, meta: RequestMeta, input: GrantInput): Promise<AccessOutput> {
  const meeting = await requireManager(scope, input.meetingId);
  // Every id in the input is resolved first: another workspace's member or group is NOT_FOUND.
  const grantee: { memberId: string } | { groupId: string } =
    "memberId" in input
      ? { memberId: (await requireMember(scope, input.memberId)).id }
      : { groupId: await requireGroup(scope, input.groupId) };
  const count = await scope.db.meetingGrant.count({ where: { meetingId: meeting.id } });
  if (count >= MAX_GRANTS_PER_MEETING) {
    throw new ConflictError(`A meeting can have at most ${MAX_GRANTS_PER_MEETING} grants; share with a group instead`, "too_many_grants");
  }
  // Two grants to the same grantee at once: the second upsert can hit the unique index (the
  // scoped client's where keeps Prisma from a native ON CONFLICT); it then finds the row and updates.
  try {
    await writeGrant(scope, meta, meeting.id, grantee, input.level);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await writeGrant(scope, meta, meeting.id, grantee, input.level);
  }
  return afterChange(scope, meeting);
}

async function writeGrant(
  scope: WorkspaceScope,
  meta: RequestMeta,
  meetingId: string,
  grantee: { memberId: string } | { groupId: string },
  level: AccessLevel,
): Promise<void> {
  await scope.db.$transaction(async (tx) => {
    const data = { workspaceId: scope.workspaceId, meetingId, level, grantedById: scope.memberId };
    const where: Prisma.MeetingGrantWhereUniqueInput =
      "memberId" in grantee
        ? { meetingId_memberId: { meetingId, memberId: grantee.memberId } }
        : { meetingId_groupId: { meetingId, groupId: grantee.groupId } };
    await tx.meetingGrant.upsert({ where, create: { ...data, ...grantee }, update: { level }, select: { id: true } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "meeting.access_granted",
      targetType: "meeting",
      targetId: meetingId,
      metadata: { ...grantee, level },
    });
  });
}

export async function revokeAccess(scope: WorkspaceScope, meta: RequestMeta, input: RevokeInput): Promise<AccessOutput> {
  const meeting = await requireManager(scope, input.meetingId);
  await scope.db.$transaction(async (tx) => {
    const grant = await tx.meetingGrant.findFirst({
      where: { id: input.grantId, meetingId: meeting.id },
      select: { id: true, memberId: true, groupId: true },
    });
    if (!grant) throw new NotFoundError("Grant");
    await tx.meetingGrant.delete({ where: { id: grant.id } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "meeting.access_revoked",
      targetType: "meeting",
      targetId: meeting.id,
      metadata: grant.memberId ? { memberId: grant.memberId } : { groupId: grant.groupId },
    });
  });
  return afterChange(scope, meeting);
}

async function requireGroup(scope: WorkspaceScope, groupId: string): Promise<string> {
  const group = await scope.db.group.findFirst({ where: { id: groupId }, select: { id: true } });
  if (!group) throw new NotFoundError("Group");
  return group.id;
}
