// The background half of summaries: generate one requested version with the AI provider, store
// it with its action items, and make it the meeting's current summary. Runs at least once per
// request (see jobs/queue.ts), so a version already done is left alone.
import { scopedDb, type Db, type Prisma, type ScopedDb } from "@meetmind/db";
import { AiProviderError, type AiProvider, type MeetingSummaryResult, type SummarySegment } from "../ai/provider.js";
import { PermanentJobError, type JobContext } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import type { SummaryTopic } from "./schemas.js";
import type { SummaryJobPayload } from "./service.js";

export interface SummaryJobDeps {
  db: Db;
  ai: AiProvider;
  log: Logger;
}

function payloadOf(payload: Prisma.JsonValue): SummaryJobPayload {
  const summaryId = payload && typeof payload === "object" && !Array.isArray(payload) ? payload.summaryId : undefined;
  if (typeof summaryId !== "string") throw new PermanentJobError("summary job payload has no summaryId");
  return { summaryId };
}

/** What users see as the failure reason: the provider's message, without internals. */
function reasonOf(error: unknown): string {
  if (error instanceof AiProviderError) {
    switch (error.code) {
      case "timeout":
        return "The language model did not answer in time";
      case "network":
        return "The language model could not be reached";
      case "http":
        return `The language model answered with an error (HTTP ${error.status ?? "?"})`;
      case "invalid_response":
      case "invalid_output":
        return "The language model's answer could not be used";
      default:
        return error.message;
    }
  }
  return "The summary could not be generated";
}

/**
 * Maps the names the summary assigns items to onto workspace members: a speaker label already
 * mapped to a member in this transcript, or a member's full name or email. Other names stay text.
 */
async function assigneeResolver(db: ScopedDb, transcriptId: string): Promise<(name: string | null) => string | null> {
  const [mapped, members] = await Promise.all([
    db.transcriptSegment.findMany({
      where: { transcriptId, speakerMemberId: { not: null }, speakerLabel: { not: null } },
      distinct: ["speakerLabel"],
      select: { speakerLabel: true, speakerMemberId: true },
    }),
    db.workspaceMember.findMany({ select: { id: true, user: { select: { fullName: true, email: true } } } }),
  ]);
  const byName = new Map<string, string>();
  for (const member of members) {
    byName.set(member.user.email.toLowerCase(), member.id);
    if (member.user.fullName) byName.set(member.user.fullName.toLowerCase(), member.id);
  }
  // A label mapped in this transcript wins over a coincidental name match.
  for (const { speakerLabel, speakerMemberId } of mapped) {
    if (speakerLabel && speakerMemberId) byName.set(speakerLabel.toLowerCase(), speakerMemberId);
  }
  return (name) => (name ? (byName.get(name.trim().toLowerCase()) ?? null) : null);
}

function topicsWithSegments(result: MeetingSummaryResult, segments: SummarySegment[]): SummaryTopic[] {
  const byPosition = new Map(segments.map((segment) => [segment.position, segment]));
  return result.topics.map((topic) => {
    const start = byPosition.get(topic.startPosition);
    const end = byPosition.get(topic.endPosition);
    return {
      ...topic,
      startSegmentId: start?.id ?? null,
      endSegmentId: end?.id ?? null,
      startMs: start?.startMs ?? null,
      endMs: end?.endMs ?? null,
    };
  });
}

export async function runSummaryJob(deps: SummaryJobDeps, rawPayload: Prisma.JsonValue, context: JobContext): Promise<void> {
  const { summaryId } = payloadOf(rawPayload);
  const log = deps.log.child({ summaryId, jobId: context.jobId });
  const found = await deps.db.meetingSummary.findUnique({
    where: { id: summaryId },
    select: { workspaceId: true, status: true, transcriptId: true, meeting: { select: { id: true, title: true, deletedAt: true } } },
  });
  if (!found || found.status === "done") return;
  const db = scopedDb(deps.db, found.workspaceId);
  const fail = (reason: string) =>
    db.meetingSummary.update({ where: { id: summaryId }, data: { status: "failed", failureReason: reason, completedAt: new Date() } });
  if (found.meeting.deletedAt || !found.transcriptId) {
    await fail(found.meeting.deletedAt ? "The meeting was deleted" : "The transcript was removed");
    return;
  }
  const transcriptId = found.transcriptId;

  await db.meetingSummary.update({ where: { id: summaryId }, data: { status: "running", startedAt: new Date() } });
  const segments: SummarySegment[] = (
    await db.transcriptSegment.findMany({
      where: { transcriptId },
      orderBy: { position: "asc" },
      select: { id: true, position: true, speakerLabel: true, startMs: true, endMs: true, text: true },
    })
  ).map(({ speakerLabel, ...segment }) => ({ ...segment, speaker: speakerLabel }));

  let result: MeetingSummaryResult;
  try {
    result = await deps.ai.summarize({ title: found.meeting.title, segments }, { signal: context.signal });
  } catch (error) {
    const retryable = error instanceof AiProviderError ? error.retryable : false;
    const reason = reasonOf(error);
    if (retryable && context.attempt < context.maxAttempts && !context.signal.aborted) {
      await db.meetingSummary.update({ where: { id: summaryId }, data: { status: "pending", failureReason: `${reason}; retrying` } });
      throw error;
    }
    log.warn({ err: error }, "summary generation failed");
    await fail(reason);
    throw new PermanentJobError(reason, { cause: error });
  }

  const assigneeOf = await assigneeResolver(db, transcriptId);
  const segmentAt = new Map(segments.map((segment) => [segment.position, segment.id]));
  const meetingId = found.meeting.id;
  await db.$transaction(async (tx) => {
    await tx.meetingSummary.updateMany({ where: { meetingId, isCurrent: true }, data: { isCurrent: false } });
    await tx.meetingSummary.update({
      where: { id: summaryId },
      data: {
        status: "done",
        isCurrent: true,
        failureReason: null,
        overview: result.overview,
        keyPoints: result.keyPoints,
        decisions: result.decisions,
        topics: topicsWithSegments(result, segments) as unknown as Prisma.InputJsonValue,
        provider: deps.ai.name,
        model: deps.ai.model,
        completedAt: new Date(),
      },
    });
    // Items an earlier version extracted and nobody has touched since are replaced by this
    // version's; items someone assigned, edited or completed are theirs now and stay.
    await tx.$executeRaw`
      DELETE FROM action_items
      WHERE workspace_id = ${found.workspaceId}::uuid AND meeting_id = ${meetingId}::uuid
        AND summary_id IS NOT NULL AND summary_id <> ${summaryId}::uuid
        AND status = 'open' AND updated_at = created_at`;
    if (result.actionItems.length > 0) {
      // Equal timestamps mark an item as untouched (see the DELETE above).
      const now = new Date();
      await tx.actionItem.createMany({
        data: result.actionItems.map((item) => {
          const assigneeId = assigneeOf(item.assigneeName);
          return {
            workspaceId: found.workspaceId,
            meetingId,
            summaryId,
            text: item.text,
            assigneeId,
            assigneeName: assigneeId ? null : item.assigneeName,
            dueDate: item.dueDate ? new Date(`${item.dueDate}T00:00:00.000Z`) : null,
            sourceSegmentId: item.sourcePosition === null ? null : (segmentAt.get(item.sourcePosition) ?? null),
            createdAt: now,
            updatedAt: now,
          };
        }),
      });
    }
  });
  log.info({ actionItems: result.actionItems.length, topics: result.topics.length }, "summary generated");
}
