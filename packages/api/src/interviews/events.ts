// The hiring domain's events, in one place: what happened, named, with ids only. Publishing one
// records it in the audit log and emails the interview's panel and the workspace's hiring managers
// through the outbox, all in the caller's transaction, so the event exists exactly when the change
// does. A later events issue delivers the same events as webhooks and live updates from here.
//
// Recipients: the panel, and members granted `interviews:manage` (hiring managers; owners and
// admins hold it by role and are emailed only when on the panel, or every admin's inbox would fill),
// never the member who caused the event. Emails name the position, stage and time, not the
// candidate (see email/templates.ts hiringNotice).
import { Prisma, type ScopedDb } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { enqueueEmail } from "../email/outbox.js";
import { hiringNotice } from "../email/templates.js";

export type HiringEvent =
  /** An interview was created, or its time or panel changed. */
  | { name: "interview.scheduled"; interviewId: string; rescheduled: boolean }
  | { name: "interview.cancelled"; interviewId: string }
  /** A scorecard was submitted (version 1) or amended after submission (version > 1). */
  | { name: "scorecard.submitted"; interviewId: string; scorecardId: string; version: number }
  | { name: "interview_summary.completed"; interviewId: string; summaryId: string };

export type HiringEventName = HiringEvent["name"];

/** A transaction on a workspace-scoped client (`scope.db.$transaction`, or scopedDb in a job). */
export type HiringTx = Parameters<Parameters<ScopedDb["$transaction"]>[0]>[0];

interface InterviewFacts {
  positionTitle: string;
  stage: string;
  scheduledAt: Date;
}

interface Recipient {
  memberId: string;
  email: string;
  name: string | null;
}

function describe(event: HiringEvent, facts: InterviewFacts): { headline: string; details: string[] } {
  const what = `${facts.positionTitle}, ${facts.stage} interview`;
  const when = `Scheduled for ${facts.scheduledAt.toISOString().replace("T", " ").slice(0, 16)} UTC.`;
  switch (event.name) {
    case "interview.scheduled":
      return { headline: `${event.rescheduled ? "Interview updated" : "Interview scheduled"}: ${what}`, details: [when] };
    case "interview.cancelled":
      return { headline: `Interview cancelled: ${what}`, details: [when] };
    case "scorecard.submitted":
      return {
        headline: `${event.version > 1 ? "Scorecard amended" : "Scorecard submitted"}: ${what}`,
        details: ["Submit your own scorecard to see the panel's feedback."],
      };
    case "interview_summary.completed":
      return {
        headline: `Interview summary ready: ${what}`,
        details: ["Evidence per scorecard category, with quotes from the transcript."],
      };
  }
}

/** What the audit row names as the event's target. */
function targetOf(event: HiringEvent): { targetType: string; targetId: string } {
  switch (event.name) {
    case "scorecard.submitted":
      return { targetType: "scorecard", targetId: event.scorecardId };
    case "interview_summary.completed":
      return { targetType: "interview_summary", targetId: event.summaryId };
    default:
      return { targetType: "interview", targetId: event.interviewId };
  }
}

/**
 * Records `event` (audit row with its ids) and queues one email per recipient, in `tx`. `meta` is the
 * request's (a job passes an actor-less one). `appUrl` is where the links point.
 */
export async function publishHiringEvent(
  tx: HiringTx,
  context: { workspaceId: string; meta: RequestMeta; appUrl: string },
  event: HiringEvent,
): Promise<void> {
  const { name: _name, ...ids } = event;
  await recordAudit(tx, context.workspaceId, context.meta, { action: event.name, ...targetOf(event), metadata: ids });

  const facts = await tx.interview.findFirst({
    where: { id: event.interviewId, workspaceId: context.workspaceId },
    select: { positionTitle: true, stage: true, scheduledAt: true },
  });
  if (!facts) return;
  const recipients = await tx.$queryRaw<Recipient[]>(Prisma.sql`
    SELECT DISTINCT wm.id AS "memberId", u.email, u.full_name AS name
      FROM workspace_members wm JOIN users u ON u.id = wm.user_id
     WHERE wm.workspace_id = ${context.workspaceId}::uuid
       AND (wm.id IN (SELECT p.member_id FROM interview_panelists p WHERE p.interview_id = ${event.interviewId}::uuid)
            OR 'interviews:manage' = ANY(wm.granted_permissions))
       AND u.id IS DISTINCT FROM ${context.meta.actorId}::uuid
       AND u.is_active
     ORDER BY u.email`);
  const { headline, details } = describe(event, facts);
  const link = new URL(`/interviews/${event.interviewId}`, context.appUrl).toString();
  for (const recipient of recipients) {
    const email = hiringNotice({ name: recipient.name, headline, details, link });
    await enqueueEmail(tx, { to: recipient.email, ...email, template: `hiring_${event.name.replace(/\./g, "_")}` });
  }
}
