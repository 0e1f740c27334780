// The background half of summaries: generate one requested version with the AI provider, store
// it with its action items, and make it the meeting's current summary. Runs at least once per
// request (see jobs/worker.ts), so a version already done is left alone.
import { scopedDb, type Db, type Prisma, type ScopedDb } from "@meetmind/db";
import { createExtractiveProvider } from "../ai/extractive.js";
import { DEFAULT_PROMPTS, summarySystemPrompt } from "../ai/prompts.js";
import { AiProviderError, describeAiFailure, type AiProvider, type MeetingSummaryResult, type SummarySegment } from "../ai/provider.js";
import { DomainError } from "../errors.js";
import { JobAbortedError, PermanentJobError, type JobContext } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import type { WorkspaceAi, WorkspaceAiResolver } from "../ports.js";
import { addUsage, checkAllowance, noUsage, recordUsage } from "../settings/usage.js";
import type { SummaryTopic } from "./schemas.js";
import { summaryJob, type SummaryJobPayload } from "./service.js";

export interface SummaryJobDeps {
  db: Db;
  /** The server's default model; used as is (with the default prompts) when there is no workspaceAi. */
  ai: AiProvider;
  /** The workspace's own model, prompts and cap (the server passes it; app/jobs.ts always does). */
  workspaceAi?: WorkspaceAiResolver;
  log: Logger;
}

const extractiveProvider = createExtractiveProvider();

async function workspaceAiOf(deps: SummaryJobDeps, workspaceId: string): Promise<WorkspaceAi> {
  if (deps.workspaceAi) return deps.workspaceAi.resolve(workspaceId);
  return { source: "server", provider: deps.ai, embeddings: null, monthlyTokenCap: null, prompts: DEFAULT_PROMPTS };
}

/** What users see as the failure reason: the provider's message, without internals. */
function reasonOf(error: unknown): string {
  // Ours (the monthly cap reached, the workspace's model server unusable) say what to do.
  if (error instanceof DomainError) return error.message;
  if (error instanceof AiProviderError) return describeAiFailure(error);
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
  // A name two members share names nobody: better unassigned than assigned to the wrong person.
  const byName = new Map<string, string | null>();
  const add = (name: string, memberId: string) => {
    const key = name.toLowerCase();
    byName.set(key, byName.has(key) && byName.get(key) !== memberId ? null : memberId);
  };
  for (const member of members) {
    add(member.user.email, member.id);
    if (member.user.fullName) add(member.user.fullName, member.id);
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

/** The worker is stopping: the job goes back to the queue and resumes elsewhere. */
function isShutdown(context: JobContext): boolean {
  const reason: unknown = context.signal.aborted ? context.signal.reason : undefined;
  return reason instanceof JobAbortedError && reason.reason === "shutdown";
}

/** The summary job's handler, for the composition root to give the worker. */
export const summaryJobHandler = (deps: SummaryJobDeps) => summaryJob.handle((payload, context) => runSummaryJob(deps, payload, context));

export async function runSummaryJob(
  deps: SummaryJobDeps,
  { summaryId, extractive }: SummaryJobPayload,
  context: JobContext,
): Promise<void> {
  const log = deps.log.child({ summaryId, jobId: context.jobId });
  const found = await deps.db.meetingSummary.findUnique({
    where: { id: summaryId },
    select: {
      workspaceId: true,
      version: true,
      status: true,
      transcriptId: true,
      meeting: { select: { id: true, title: true, deletedAt: true } },
    },
  });
  if (!found || found.status === "done" || found.status === "failed") return;
  const db = scopedDb(deps.db, found.workspaceId);
  const settle = (status: "pending" | "failed", reason: string) =>
    db.meetingSummary.updateMany({
      where: { id: summaryId, status: { in: ["pending", "running"] } },
      data: { status, failureReason: reason, ...(status === "failed" ? { completedAt: new Date() } : {}) },
    });
  if (found.meeting.deletedAt || !found.transcriptId) {
    await settle("failed", found.meeting.deletedAt ? "The meeting was deleted" : "The transcript was removed");
    return;
  }

  try {
    await generate(
      deps,
      db,
      {
        workspaceId: found.workspaceId,
        summaryId,
        version: found.version,
        transcriptId: found.transcriptId,
        meeting: found.meeting,
        extractive: extractive === true,
      },
      context,
    );
  } catch (error) {
    // The row must never be left "running": it would block new requests for the meeting.
    if (isShutdown(context)) {
      await settle("pending", "Interrupted by a restart; it will resume");
      throw error;
    }
    const reason = reasonOf(error);
    // Our own refusals (the cap, an unusable model server) wait for a person, not for a retry.
    const retryable =
      error instanceof AiProviderError ? error.retryable : !(error instanceof PermanentJobError || error instanceof DomainError);
    if (retryable && context.attempt < context.maxAttempts) {
      await settle("pending", `${reason}; retrying`);
      throw error;
    }
    log.warn({ err: error }, "summary generation failed");
    await settle("failed", reason);
    throw new PermanentJobError(reason, { cause: error });
  }
}

interface Target {
  workspaceId: string;
  summaryId: string;
  version: number;
  transcriptId: string;
  meeting: { id: string; title: string };
  extractive: boolean;
}

async function generate(deps: SummaryJobDeps, db: ScopedDb, target: Target, context: JobContext): Promise<void> {
  const { summaryId, transcriptId } = target;
  const meetingId = target.meeting.id;
  await db.meetingSummary.update({ where: { id: summaryId }, data: { status: "running", startedAt: new Date() } });
  const segments: SummarySegment[] = (
    await db.transcriptSegment.findMany({
      where: { transcriptId },
      orderBy: { position: "asc" },
      select: { id: true, position: true, speakerLabel: true, startMs: true, endMs: true, text: true },
    })
  ).map(({ speakerLabel, ...segment }) => ({ ...segment, speaker: speakerLabel }));

  const workspaceAi = await workspaceAiOf(deps, target.workspaceId);
  const ai = target.extractive ? extractiveProvider : workspaceAi.provider;
  // Checked again here: the cap may have been reached since the request was queued.
  if (ai.name !== "extractive") await checkAllowance(deps.db, target.workspaceId, { monthlyTokenCap: workspaceAi.monthlyTokenCap });
  const usage = noUsage();
  let result: MeetingSummaryResult;
  try {
    result = await ai.summarize(
      { title: target.meeting.title, segments },
      { signal: context.signal, systemPrompt: summarySystemPrompt(workspaceAi.prompts), onUsage: (spent) => addUsage(usage, spent) },
    );
  } finally {
    // Tokens of a failed attempt were spent too.
    await recordUsage(deps.db, target.workspaceId, "summaries", usage).catch((error: unknown) =>
      deps.log.warn({ err: error, summaryId }, "could not record the summary's token usage"),
    );
  }
  const assigneeOf = await assigneeResolver(db, transcriptId);
  const segmentAt = new Map(segments.map((segment) => [segment.position, segment.id]));

  await db.$transaction(async (tx) => {
    // Versions of one meeting finish one at a time, and each run of this job completes it once
    // (a second run after a lost lease finds it done and writes nothing).
    await tx.$executeRaw`SELECT id FROM meetings WHERE id = ${meetingId}::uuid FOR UPDATE`;
    const completed = await tx.meetingSummary.updateMany({
      where: { id: summaryId, status: { not: "done" } },
      data: {
        status: "done",
        failureReason: null,
        overview: result.overview,
        keyPoints: result.keyPoints,
        decisions: result.decisions,
        topics: topicsWithSegments(result, segments) as unknown as Prisma.InputJsonValue,
        provider: ai.name,
        model: ai.model,
        completedAt: new Date(),
      },
    });
    if (completed.count === 0) return;
    // A newer version that finished first stays current, with its action items.
    const newer = await tx.meetingSummary.findFirst({
      where: { meetingId, status: "done", version: { gt: target.version } },
      select: { id: true },
    });
    if (newer) return;
    await tx.meetingSummary.updateMany({ where: { meetingId, isCurrent: true }, data: { isCurrent: false } });
    await tx.meetingSummary.update({ where: { id: summaryId }, data: { isCurrent: true } });
    // Items an earlier version extracted and nobody has touched since are replaced by this
    // version's; items someone assigned, edited or completed are theirs now and stay.
    await tx.$executeRaw`
      DELETE FROM action_items
      WHERE workspace_id = ${target.workspaceId}::uuid AND meeting_id = ${meetingId}::uuid
        AND summary_id IS NOT NULL AND summary_id <> ${summaryId}::uuid
        AND status = 'open' AND updated_at = created_at`;
    const kept = new Set(
      (await tx.actionItem.findMany({ where: { meetingId }, select: { text: true } })).map((item) => item.text.trim().toLowerCase()),
    );
    const fresh = result.actionItems.filter((item) => !kept.has(item.text.trim().toLowerCase()));
    if (fresh.length === 0) return;
    // Equal timestamps mark an item as untouched (see the DELETE above).
    const now = new Date();
    await tx.actionItem.createMany({
      data: fresh.map((item) => {
        const assigneeId = assigneeOf(item.assigneeName);
        return {
          workspaceId: target.workspaceId,
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
  });
  deps.log.child({ summaryId }).info({ actionItems: result.actionItems.length, topics: result.topics.length }, "summary generated");
}
