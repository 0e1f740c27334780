// A session's scope, turned into the filters that keep retrieval and prompts inside it.
import type { Prisma } from "@meetmind/db";
import type { Viewer } from "../tenancy/meeting-access.js";
import type { RetrievalScope } from "./retrieval.js";
import type { AskMindScope } from "./schemas.js";

/** The live meetings a scope covers (the workspace itself is enforced by the scoped client). */
export function meetingFilter(scope: AskMindScope): Prisma.MeetingWhereInput {
  switch (scope.kind) {
    case "meeting":
      return { deletedAt: null, id: scope.meetingId };
    case "meetings":
      return { deletedAt: null, id: { in: scope.meetingIds } };
    case "workspace": {
      const range = { ...(scope.from ? { gte: scope.from } : {}), ...(scope.to ? { lte: scope.to } : {}) };
      return {
        deletedAt: null,
        // A meeting's date is its scheduled start, else when it was created (as in meetings.list).
        ...(scope.from || scope.to ? { OR: [{ scheduledStart: range }, { scheduledStart: null, createdAt: range }] } : {}),
        ...(scope.tag ? { tags: { has: scope.tag } } : {}),
        ...(scope.participantId ? { participants: { some: { memberId: scope.participantId } } } : {}),
      };
    }
  }
}

/** What retrieval searches for `viewer`: the session's scope, within what the viewer may see. */
export function retrievalScopeOf(scope: AskMindScope, viewer: Viewer): RetrievalScope {
  switch (scope.kind) {
    case "meeting":
      return { viewer, meetingIds: [scope.meetingId] };
    case "meetings":
      return { viewer, meetingIds: scope.meetingIds };
    case "workspace":
      return {
        viewer,
        ...(scope.from ? { from: scope.from } : {}),
        ...(scope.to ? { to: scope.to } : {}),
        ...(scope.tag ? { tag: scope.tag } : {}),
        ...(scope.participantId ? { participantMemberId: scope.participantId } : {}),
      };
  }
}
