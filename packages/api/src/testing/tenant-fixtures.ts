// For every workspace-scoped procedure: an input that targets workspace A's resources. The sweep
// (sweep.test.ts) calls each one as a member of workspace B, with B's workspaceId and with A's,
// and fails for any workspace-scoped procedure that has no entry here. Add one with every new
// workspace procedure.
import type { World } from "./world.js";

export interface TenantFixture {
  /** The input, less workspaceId (the sweep sets it), naming A's resources where it names any. */
  input: (world: World) => Record<string, unknown>;
  /** Whether the input names a resource besides the workspace (then B's own id is tried too). */
  namesResources: boolean;
}

export const tenantFixtures: Record<string, TenantFixture> = {
  "workspaces.get": { input: () => ({}), namesResources: false },
  "workspaces.update": { input: () => ({ name: "Taken over" }), namesResources: false },
  "workspaces.delete": { input: () => ({}), namesResources: false },
  "workspaces.transferOwnership": { input: (w) => ({ userId: w.a.member.id }), namesResources: true },
  "workspaces.leave": { input: () => ({}), namesResources: false },
  "workspaces.members.list": { input: () => ({}), namesResources: false },
  "workspaces.members.updateRole": { input: (w) => ({ userId: w.a.member.id, role: "viewer" }), namesResources: true },
  "workspaces.members.setPermissions": {
    input: (w) => ({ memberId: w.a.memberIds.member, permissions: ["interviews:manage"] }),
    namesResources: true,
  },
  "workspaces.members.remove": { input: (w) => ({ userId: w.a.member.id }), namesResources: true },
  "workspaces.invites.create": { input: () => ({ email: "new-person@example.com", role: "member" }), namesResources: false },
  "workspaces.invites.list": { input: () => ({}), namesResources: false },
  "workspaces.invites.revoke": { input: (w) => ({ inviteId: w.a.invite.id }), namesResources: true },
  "workspaces.auditLog.list": { input: () => ({}), namesResources: false },

  "groups.create": { input: () => ({ name: "Injected" }), namesResources: false },
  "groups.list": { input: () => ({}), namesResources: false },
  "groups.get": { input: (w) => ({ groupId: w.a.group.id }), namesResources: true },
  "groups.update": { input: (w) => ({ groupId: w.a.group.id, name: "Taken over" }), namesResources: true },
  "groups.delete": { input: (w) => ({ groupId: w.a.group.id }), namesResources: true },
  "groups.members.list": { input: (w) => ({ groupId: w.a.group.id }), namesResources: true },
  "groups.members.add": { input: (w) => ({ groupId: w.a.group.id, memberIds: [w.a.memberIds.viewer] }), namesResources: true },
  "groups.members.remove": { input: (w) => ({ groupId: w.a.group.id, memberId: w.a.memberIds.member }), namesResources: true },
  "groups.members.setRole": {
    input: (w) => ({ groupId: w.a.group.id, memberId: w.a.memberIds.admin, role: "admin" }),
    namesResources: true,
  },
  "apiKeys.create": { input: () => ({ name: "Injected", scopes: ["read", "write"] }), namesResources: false },
  "apiKeys.list": { input: () => ({}), namesResources: false },
  "apiKeys.revoke": { input: (w) => ({ apiKeyId: w.a.apiKey.id }), namesResources: true },

  "meetings.create": { input: () => ({ title: "Injected" }), namesResources: false },
  "meetings.get": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.update": { input: (w) => ({ meetingId: w.a.meeting.id, title: "Changed" }), namesResources: true },
  "meetings.delete": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.restore": { input: (w) => ({ meetingId: w.a.deletedMeeting.id }), namesResources: true },
  "meetings.list": { input: (w) => ({ participantId: w.a.memberIds.member }), namesResources: true },
  "meetings.participants.list": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.participants.add": { input: (w) => ({ meetingId: w.a.meeting.id, memberId: w.a.memberIds.viewer }), namesResources: true },
  "meetings.participants.remove": {
    input: (w) => ({ meetingId: w.a.meeting.id, participantId: w.a.participant.id }),
    namesResources: true,
  },
  "meetings.comments.create": {
    input: (w) => ({ meetingId: w.a.meeting.id, body: "Hi", segmentId: w.a.segment.id, mentionMemberIds: [w.a.memberIds.admin] }),
    namesResources: true,
  },
  "meetings.comments.list": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.comments.update": {
    input: (w) => ({ commentId: w.a.comment.id, body: "Edited", mentionMemberIds: [w.a.memberIds.admin] }),
    namesResources: true,
  },
  "meetings.summary.generate": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.summary.get": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "interviews.summary.generate": { input: (w) => ({ interviewId: w.a.hiring.interview.id }), namesResources: true },
  "interviews.summary.get": { input: (w) => ({ interviewId: w.a.hiring.interview.id }), namesResources: true },
  "meetings.comments.delete": { input: (w) => ({ commentId: w.a.comment.id }), namesResources: true },
  "meetings.shareLinks.create": { input: (w) => ({ meetingId: w.a.meeting.id, includeTranscript: true }), namesResources: true },
  "meetings.shareLinks.list": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.shareLinks.revoke": { input: (w) => ({ linkId: w.a.shareLink.id }), namesResources: true },
  "meetings.access.get": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "meetings.access.setVisibility": { input: (w) => ({ meetingId: w.a.meeting.id, visibility: "private" }), namesResources: true },
  "meetings.access.grant": {
    input: (w) => ({ meetingId: w.a.meeting.id, memberId: w.a.memberIds.admin, level: "edit" }),
    namesResources: true,
  },
  // A grant to a group is the other shape of the same procedure; the sweep probes the member one.
  "meetings.access.revoke": { input: (w) => ({ meetingId: w.a.meeting.id, grantId: w.a.grant.id }), namesResources: true },

  "transcripts.import": {
    input: (w) => ({ meetingId: w.a.meeting.id, format: "text", content: "Ann: hello there" }),
    namesResources: true,
  },
  "transcripts.get": { input: (w) => ({ meetingId: w.a.meeting.id }), namesResources: true },
  "transcripts.importStatus": { input: (w) => ({ meetingId: w.a.meeting.id, version: 1 }), namesResources: true },
  "transcripts.segments.update": { input: (w) => ({ segmentId: w.a.segment.id, text: "Rewritten" }), namesResources: true },
  "transcripts.speakers.assign": {
    input: (w) => ({ meetingId: w.a.meeting.id, speakerLabel: w.a.segment.speakerLabel, memberId: w.a.memberIds.member }),
    namesResources: true,
  },

  "actionItems.list": { input: (w) => ({ meetingId: w.a.meeting.id, assigneeId: w.a.memberIds.member }), namesResources: true },
  "actionItems.create": {
    input: (w) => ({ meetingId: w.a.meeting.id, text: "Do it", assigneeId: w.a.memberIds.member, sourceSegmentId: w.a.segment.id }),
    namesResources: true,
  },
  "actionItems.update": {
    input: (w) => ({ actionItemId: w.a.actionItem.id, text: "Changed", assigneeId: w.a.memberIds.member }),
    namesResources: true,
  },
  "actionItems.complete": { input: (w) => ({ actionItemId: w.a.actionItem.id }), namesResources: true },
  "actionItems.delete": { input: (w) => ({ actionItemId: w.a.actionItem.id }), namesResources: true },

  "askMind.sessions.create": { input: (w) => ({ scope: { kind: "meeting", meetingId: w.a.meeting.id } }), namesResources: true },
  "askMind.sessions.list": { input: () => ({}), namesResources: false },
  "askMind.sessions.get": { input: (w) => ({ sessionId: w.a.askSession.id }), namesResources: true },
  "askMind.sessions.rename": { input: (w) => ({ sessionId: w.a.askSession.id, title: "Mine now" }), namesResources: true },
  "askMind.sessions.share": { input: (w) => ({ sessionId: w.a.askSession.id, shared: true }), namesResources: true },
  "askMind.sessions.delete": { input: (w) => ({ sessionId: w.a.askSession.id }), namesResources: true },
  "askMind.messages.list": { input: (w) => ({ sessionId: w.a.askSession.id }), namesResources: true },
  "askMind.ask": { input: (w) => ({ sessionId: w.a.askSession.id, question: "What about the budget?" }), namesResources: true },
  "askMind.retry": { input: (w) => ({ messageId: w.a.askAnswer.id }), namesResources: true },
  // A workspace-wide scope, so the member filter is swept too (sessions.create sweeps a meeting scope).
  "askMind.suggestedPrompts.list": {
    input: (w) => ({ scope: { kind: "workspace", participantId: w.a.memberIds.member } }),
    namesResources: true,
  },
  "askMind.suggestedPrompts.upsert": { input: (w) => ({ promptId: w.a.askPrompt.id, text: "Taken over?" }), namesResources: true },
  "askMind.suggestedPrompts.delete": { input: (w) => ({ promptId: w.a.askPrompt.id }), namesResources: true },

  "search.transcripts": { input: (w) => ({ query: "roadmap budget", meetingIds: [w.a.meeting.id] }), namesResources: true },

  "interviews.create": {
    input: (w) => ({
      candidateId: w.a.hiring.candidate.id,
      positionTitle: "Backend Engineer",
      stage: "onsite",
      scheduledAt: new Date("2030-01-01T10:00:00Z"),
      panelMemberIds: [w.a.hiring.interviewerMemberId],
      templateId: w.a.hiring.template.id,
      meetingId: w.a.meeting.id,
    }),
    namesResources: true,
  },
  "interviews.get": { input: (w) => ({ interviewId: w.a.hiring.interview.id }), namesResources: true },
  "interviews.list": { input: (w) => ({ candidateId: w.a.hiring.candidate.id }), namesResources: true },
  "interviews.update": {
    input: (w) => ({
      interviewId: w.a.hiring.interview.id,
      stage: "final",
      panelMemberIds: [w.a.hiring.interviewerMemberId],
      templateId: w.a.hiring.template.id,
      meetingId: w.a.meeting.id,
    }),
    namesResources: true,
  },
  "interviews.cancel": { input: (w) => ({ interviewId: w.a.hiring.interview.id, reason: "Taken over" }), namesResources: true },
  "interviews.stages.get": { input: () => ({}), namesResources: false },
  "interviews.stages.set": { input: () => ({ stages: ["screen", "onsite"] }), namesResources: false },
  "interviews.transcript.import": {
    input: (w) => ({ interviewId: w.a.hiring.interview.id, format: "text", content: "Ann: hello there" }),
    namesResources: true,
  },
  "interviews.transcript.get": { input: (w) => ({ interviewId: w.a.hiring.interview.id }), namesResources: true },
  // The member id inside `speakers` is probed by interviews.test.ts (the sweep probes top-level ids).
  "interviews.transcript.mapSpeakers": {
    input: (w) => ({ interviewId: w.a.hiring.interview.id, speakers: [{ label: "Ann", memberId: w.a.hiring.interviewerMemberId }] }),
    namesResources: true,
  },

  "settings.ai.get": { input: () => ({}), namesResources: false },
  "settings.ai.update": {
    input: () => ({ baseUrl: "http://127.0.0.1:9/v1", model: "stolen", apiKey: "sk-taken-over-0000", monthlyTokenCap: 1 }),
    namesResources: false,
  },
  "settings.ai.testConnection": { input: () => ({ baseUrl: "http://127.0.0.1:9/v1", apiKey: null }), namesResources: false },
  "settings.prompts.list": { input: () => ({}), namesResources: false },
  "settings.prompts.update": {
    input: () => ({ kind: "askMind", text: "Answer anything you like. Cite {{citationFormat}}." }),
    namesResources: false,
  },
  "settings.prompts.reset": { input: () => ({ kind: "summary" }), namesResources: false },
  "settings.usage.get": { input: () => ({}), namesResources: false },

  "scorecards.templates.create": {
    input: () => ({ name: "Injected", positionTitle: "Injected role", ratingScale: 4, categories: [{ name: "Grit" }] }),
    namesResources: false,
  },
  "scorecards.templates.list": { input: () => ({ includeArchived: true }), namesResources: false },
  "scorecards.templates.update": {
    input: (w) => ({ templateId: w.a.hiring.template.id, name: "Taken over", ratingScale: 5 }),
    namesResources: true,
  },
  "scorecards.templates.archive": { input: (w) => ({ templateId: w.a.hiring.template.id }), namesResources: true },
  "scorecards.get": { input: (w) => ({ interviewId: w.a.hiring.interview.id }), namesResources: true },
  "scorecards.saveDraft": {
    input: (w) => ({ interviewId: w.a.hiring.interview.id, scores: [{ categoryId: w.a.hiring.template.categoryIds[0], rating: 3 }] }),
    namesResources: true,
  },
  "scorecards.submit": {
    input: (w) => ({
      interviewId: w.a.hiring.interview.id,
      scores: w.a.hiring.template.categoryIds.map((categoryId) => ({ categoryId, rating: 3 })),
      recommendation: "yes",
    }),
    namesResources: true,
  },
  "scorecards.history": { input: (w) => ({ scorecardId: w.a.hiring.scorecard.id }), namesResources: true },
  "candidates.feedback": { input: (w) => ({ candidateId: w.a.hiring.candidate.id }), namesResources: true },
  "candidates.create": { input: () => ({ name: "Injected", email: "injected@candidates.example" }), namesResources: false },
  "candidates.get": { input: (w) => ({ candidateId: w.a.hiring.candidate.id }), namesResources: true },
  "candidates.list": { input: () => ({ query: "Ada" }), namesResources: false },
  "candidates.update": { input: (w) => ({ candidateId: w.a.hiring.candidate.id, name: "Taken over" }), namesResources: true },
  "candidates.delete": { input: (w) => ({ candidateId: w.a.hiring.candidate.id }), namesResources: true },
  "candidates.restore": { input: (w) => ({ candidateId: w.a.hiring.deletedCandidate.id }), namesResources: true },
  "candidates.erase": { input: (w) => ({ candidateId: w.a.hiring.candidate.id }), namesResources: true },
};

/**
 * Procedures that take an id but are not workspace-scoped, with the reason. The sweep fails for
 * any other procedure that takes an id without being a workspaceProcedure.
 */
export const notWorkspaceScoped: Record<string, string> = {
  "auth.sessions.revoke": "a user's own sessions; another user's session answers NOT_FOUND (identity tests)",
  "admin.users.setActive": "superusers only, across the whole installation",
  "admin.users.delete": "superusers only, across the whole installation",
  "admin.users.list": "superusers only; the cursor is a user id",
  "shareLinks.open":
    "public: the token is the credential and names one link in one workspace; the cursor is a transcript position within it (share-links.test.ts)",
};
