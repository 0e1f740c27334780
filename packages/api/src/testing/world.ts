// Two workspaces, A and B, each with an owner, an admin, a member and a viewer, and the resources
// later domains add: the fixtures the cross-tenant sweep and domain tests build on.
import { randomUUID } from "node:crypto";
import type { Db, WorkspaceRole } from "@meetmind/db";
import { generateApiKey } from "../identity/api-keys.js";
import { generateOpaqueToken, hashToken } from "../identity/tokens.js";
import type { AuthUser } from "../context.js";
import type { Viewer } from "../tenancy/meeting-access.js";
import { createHiringWorld, type HiringWorld } from "./hiring-fixtures.js";

export interface WorkspaceWorld {
  workspaceId: string;
  owner: AuthUser;
  admin: AuthUser;
  member: AuthUser;
  viewer: AuthUser;
  invite: { id: string; token: string; email: string };
  /** The member record ids (as used by participants, speakers and assignees). */
  memberIds: Record<WorkspaceRole, string>;
  meeting: { id: string };
  deletedMeeting: { id: string };
  transcript: { id: string };
  segment: { id: string; speakerLabel: string };
  participant: { id: string };
  comment: { id: string };
  actionItem: { id: string };
  /** The member's private Ask Mind session on `meeting`, with a question and a failed answer. */
  askSession: { id: string };
  askAnswer: { id: string };
  askPrompt: { id: string };
  /** A group with the member as its admin and the admin as a plain member. */
  group: { id: string };
  /** The member's share link to `meeting` (active, no password). */
  shareLink: { id: string; token: string };
  /** A view grant on `meeting` to the viewer (no effect while the meeting is workspace-visible). */
  grant: { id: string };
  /** A read-only API key the admin made (its token: `mm_…`). */
  apiKey: { id: string; token: string };
  /** Candidates, a template and an interview whose panel is one extra member (testing/hiring-fixtures.ts). */
  hiring: HiringWorld;
}

export interface World {
  a: WorkspaceWorld;
  b: WorkspaceWorld;
  /** A verified user who belongs to no workspace. */
  outsider: AuthUser;
}

/** The access-rule viewer (tenancy/meeting-access.ts) for one of the world's members. */
export function viewerOf(world: WorkspaceWorld, role: WorkspaceRole): Viewer {
  return { userId: world[role].id, memberId: world.memberIds[role], role, grants: [] };
}

export async function createUser(db: Db, label: string, options: { verified?: boolean; isAdmin?: boolean } = {}): Promise<AuthUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const user = await db.user.create({
    data: { email, fullName: label, emailVerifiedAt: options.verified === false ? null : new Date(), isAdmin: options.isAdmin ?? false },
    select: { id: true, email: true, isAdmin: true },
  });
  return user;
}

export async function createWorkspaceWorld(db: Db, label: string): Promise<WorkspaceWorld> {
  const workspace = await db.workspace.create({ data: { name: `Workspace ${label}`, slug: `ws-${label}-${randomUUID().slice(0, 8)}` } });
  const users = {} as Record<WorkspaceRole, AuthUser>;
  const memberIds = {} as Record<WorkspaceRole, string>;
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    users[role] = await createUser(db, `${label}-${role}`);
    memberIds[role] = (await db.workspaceMember.create({ data: { workspaceId: workspace.id, userId: users[role].id, role } })).id;
  }
  const workspaceId = workspace.id;
  const meeting = await db.meeting.create({
    data: { workspaceId, title: `Planning ${label}`, createdById: users.member.id, tags: ["planning"] },
  });
  const deletedMeeting = await db.meeting.create({ data: { workspaceId, title: `Old ${label}`, deletedAt: new Date() } });
  const transcript = await db.transcript.create({ data: { workspaceId, meetingId: meeting.id, version: 1, isCurrent: true } });
  const segment = await db.transcriptSegment.create({
    data: {
      workspaceId,
      meetingId: meeting.id,
      transcriptId: transcript.id,
      position: 0,
      speakerLabel: "Speaker 1",
      startMs: 0,
      endMs: 4000,
      text: "Let's agree on the roadmap budget.",
    },
  });
  const participant = await db.meetingParticipant.create({
    data: { workspaceId, meetingId: meeting.id, name: "Guest", email: "guest@example.org" },
  });
  const comment = await db.meetingComment.create({
    data: { workspaceId, meetingId: meeting.id, authorId: users.member.id, body: "Good point", segmentId: segment.id },
  });
  const actionItem = await db.actionItem.create({
    data: { workspaceId, meetingId: meeting.id, text: "Send the budget", assigneeId: memberIds.member },
  });
  const askSession = await db.askMindSession.create({
    data: { workspaceId, createdById: users.member.id, title: "Budget", scope: { kind: "meeting", meetingId: meeting.id } },
  });
  const asked = new Date();
  await db.askMindMessage.create({
    data: {
      workspaceId,
      sessionId: askSession.id,
      authorId: users.member.id,
      role: "user",
      content: "What about the budget?",
      status: "done",
      createdAt: asked,
    },
  });
  const askAnswer = await db.askMindMessage.create({
    data: {
      workspaceId,
      sessionId: askSession.id,
      role: "assistant",
      status: "failed",
      error: "The language model could not be reached.",
      createdAt: new Date(asked.getTime() + 1),
    },
  });
  const askPrompt = await db.askMindSuggestedPrompt.create({
    data: { workspaceId, text: "What did we decide?", createdById: users.admin.id },
  });
  const grant = await db.meetingGrant.create({
    data: { workspaceId, meetingId: meeting.id, memberId: memberIds.viewer, level: "view", grantedById: memberIds.member },
  });
  const group = await db.group.create({
    data: {
      workspaceId,
      name: `Design ${label}`,
      members: {
        create: [
          { workspaceId, memberId: memberIds.member, role: "admin" },
          { workspaceId, memberId: memberIds.admin, role: "member" },
        ],
      },
    },
  });
  const token = generateOpaqueToken();
  const email = `invitee-${label}-${randomUUID().slice(0, 8)}@example.com`;
  const invite = await db.workspaceInvite.create({
    data: {
      workspaceId: workspace.id,
      email,
      role: "member",
      tokenHash: hashToken(token),
      invitedById: users.owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const shareToken = generateOpaqueToken();
  const shareLink = await db.shareLink.create({
    data: {
      workspaceId,
      meetingId: meeting.id,
      createdById: memberIds.member,
      tokenHash: hashToken(shareToken),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const key = generateApiKey();
  const apiKey = await db.apiKey.create({
    data: {
      workspaceId,
      name: `Export ${label}`,
      scopes: ["read"],
      prefix: key.prefix,
      secretHash: key.secretHash,
      createdByMemberId: memberIds.admin,
      createdById: users.admin.id,
    },
  });
  const hiring = await createHiringWorld(db, workspaceId, label, createUser, users.admin.id);
  return {
    workspaceId,
    ...users,
    invite: { id: invite.id, token, email },
    memberIds,
    meeting: { id: meeting.id },
    deletedMeeting: { id: deletedMeeting.id },
    transcript: { id: transcript.id },
    segment: { id: segment.id, speakerLabel: "Speaker 1" },
    participant: { id: participant.id },
    comment: { id: comment.id },
    actionItem: { id: actionItem.id },
    askSession: { id: askSession.id },
    askAnswer: { id: askAnswer.id },
    group: { id: group.id },
    shareLink: { id: shareLink.id, token: shareToken },
    grant: { id: grant.id },
    askPrompt: { id: askPrompt.id },
    apiKey: { id: apiKey.id, token: key.token },
    hiring,
  };
}

export async function createWorld(db: Db): Promise<World> {
  return { a: await createWorkspaceWorld(db, "a"), b: await createWorkspaceWorld(db, "b"), outsider: await createUser(db, "outsider") };
}
