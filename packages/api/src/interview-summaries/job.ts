// The background half of interview summaries: read the interview's transcript, tell the candidate's
// words from the interviewers', build the content (extractively, or with the workspace's model and
// then checked), store it and make it current, and publish `interview_summary.completed`, all in
// one transaction. Runs at least once per request (see jobs/worker.ts): a version already done or
// failed is left alone.
import { scopedDb, type Db, type Prisma, type ScopedDb } from "@meetmind/db";
import { AiProviderError } from "../ai/provider.js";
import type { RequestMeta } from "../audit/service.js";
import { DomainError } from "../errors.js";
import { publishHiringEvent } from "../interviews/events.js";
import { JobAbortedError, PermanentJobError, type JobContext } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import type { WorkspaceAiResolver } from "../ports.js";
import { addUsage, checkAllowance, noUsage, recordUsage } from "../settings/usage.js";
import { extractiveContent, groundModelAnswer, type Category, type InterviewFacts, type Line } from "./content.js";
import { askModel, interviewSummaryMessages } from "./model.js";
import type { InterviewSummaryContent } from "./schemas.js";
import { interviewSummaryJob, type InterviewSummaryJobPayload } from "./service.js";

export interface InterviewSummaryJobDeps {
  db: Db;
  /** The workspace's model, prompts and cap. */
  workspaceAi: WorkspaceAiResolver;
  /** Base URL of the web app, for the links in the completion emails. */
  appUrl: string;
  log: Logger;
}

/** The reason a version fails when nobody is mapped to the candidate. */
export const CANDIDATE_NOT_MAPPED =
  "Map the candidate's speaker first: no transcript speaker is assigned to the meeting's candidate participant";

/** A job acts for nobody: the audit row of its event has no actor. */
const JOB_META: RequestMeta = { actorId: null, ip: null, userAgent: null, requestId: null };

/** What users see as the failure reason: the provider's message, without internals. */
function reasonOf(error: unknown): string {
  if (error instanceof DomainError || error instanceof PermanentJobError) return error.message;
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
        return "The language model's answer could not be used (it was not the requested JSON); try again, or use the extractive mode";
      default:
        return error.message;
    }
  }
  return "The interview summary could not be generated";
}

/** The worker is stopping: the job goes back to the queue and resumes elsewhere. */
function isShutdown(context: JobContext): boolean {
  const reason: unknown = context.signal.aborted ? context.signal.reason : undefined;
  return reason instanceof JobAbortedError && reason.reason === "shutdown";
}

/** The interview summary job's handler, for the composition root to give the worker. */
export const interviewSummaryJobHandler = (deps: InterviewSummaryJobDeps) =>
  interviewSummaryJob.handle((payload, context) => runInterviewSummaryJob(deps, payload, context));

export async function runInterviewSummaryJob(
  deps: InterviewSummaryJobDeps,
  { summaryId, extractive }: InterviewSummaryJobPayload,
  context: JobContext,
): Promise<void> {
  const found = await deps.db.interviewSummary.findUnique({
    where: { id: summaryId },
    select: { workspaceId: true, interviewId: true, version: true, status: true, transcriptId: true },
  });
  if (!found || found.status === "done" || found.status === "failed") return;
  const db = scopedDb(deps.db, found.workspaceId);
  const settle = (status: "pending" | "failed", reason: string) =>
    db.interviewSummary.updateMany({
      where: { id: summaryId, status: { in: ["pending", "running"] } },
      data: { status, failureReason: reason, ...(status === "failed" ? { completedAt: new Date() } : {}) },
    });
  if (!found.transcriptId) {
    await settle("failed", "The transcript was removed");
    return;
  }

  try {
    await generate(deps, db, { ...found, summaryId, transcriptId: found.transcriptId, extractive: extractive === true }, context);
  } catch (error) {
    // The row must never be left "running": it would block new requests for the interview.
    if (isShutdown(context)) {
      await settle("pending", "Interrupted by a restart; it will resume");
      throw error;
    }
    const reason = reasonOf(error);
    const retryable =
      error instanceof AiProviderError ? error.retryable : !(error instanceof PermanentJobError || error instanceof DomainError);
    if (retryable && context.attempt < context.maxAttempts) {
      await settle("pending", `${reason}; retrying`);
      throw error;
    }
    deps.log.warn({ err: error, summaryId, jobId: context.jobId }, "interview summary generation failed");
    await settle("failed", reason);
    throw new PermanentJobError(reason, { cause: error });
  }
}

interface Target {
  workspaceId: string;
  interviewId: string;
  summaryId: string;
  version: number;
  transcriptId: string;
  extractive: boolean;
}

/** The transcript's lines, each marked as the candidate's or not; fails when nobody is mapped to the candidate. */
async function readLines(db: ScopedDb, transcriptId: string, meetingId: string): Promise<Line[]> {
  const candidates = await db.meetingParticipant.findMany({ where: { meetingId, role: "candidate" }, select: { id: true } });
  const candidateIds = new Set(candidates.map((participant) => participant.id));
  const segments = await db.transcriptSegment.findMany({
    where: { transcriptId },
    orderBy: { position: "asc" },
    select: { id: true, position: true, speakerLabel: true, speakerParticipantId: true, startMs: true, endMs: true, text: true },
  });
  const lines = segments.map(({ speakerLabel, speakerParticipantId, ...segment }) => ({
    ...segment,
    speaker: speakerLabel,
    candidate: speakerParticipantId !== null && candidateIds.has(speakerParticipantId),
  }));
  // Guessing (every speaker off the panel) could put an interviewer's words in the candidate's mouth:
  // evidence must be theirs, so a person maps the speaker first.
  if (!lines.some((line) => line.candidate)) throw new PermanentJobError(CANDIDATE_NOT_MAPPED);
  return lines;
}

async function generate(deps: InterviewSummaryJobDeps, db: ScopedDb, target: Target, context: JobContext): Promise<void> {
  const { summaryId, interviewId } = target;
  const interview = await db.interview.findFirst({
    where: { id: interviewId },
    select: {
      positionTitle: true,
      stage: true,
      durationMinutes: true,
      meetingId: true,
      template: {
        select: {
          categories: {
            where: { archivedAt: null },
            orderBy: [{ position: "asc" }, { id: "asc" }],
            select: { id: true, name: true, description: true },
          },
        },
      },
    },
  });
  const transcript = await db.transcript.findFirst({ where: { id: target.transcriptId }, select: { meetingId: true } });
  // The interview's meeting changed since the request: that transcript is no longer the interview's.
  if (!interview || !transcript || interview.meetingId !== transcript.meetingId)
    throw new PermanentJobError("The interview's transcript changed since the summary was requested; generate it again");
  // A second run of the same job (a lease that lapsed under a slow model) must not take a version
  // another run already finished or failed back to running.
  const claimed = await db.interviewSummary.updateMany({
    where: { id: summaryId, status: { in: ["pending", "running"] } },
    data: { status: "running" },
  });
  if (claimed.count === 0) return;

  const facts: InterviewFacts = {
    positionTitle: interview.positionTitle,
    stage: interview.stage,
    durationMinutes: interview.durationMinutes,
  };
  // Without a template there are no categories: the overview and the questions are still worth having.
  const categories: Category[] = interview.template?.categories ?? [];
  const lines = await readLines(db, target.transcriptId, transcript.meetingId);

  const workspaceAi = target.extractive ? null : await deps.workspaceAi.resolve(target.workspaceId);
  const ai = workspaceAi && workspaceAi.provider.name !== "extractive" ? workspaceAi.provider : null;
  let content: InterviewSummaryContent;
  if (!ai || !workspaceAi) {
    content = extractiveContent(facts, lines, categories);
  } else {
    // Checked again here: the cap may have been reached since the request was queued.
    await checkAllowance(deps.db, target.workspaceId, { monthlyTokenCap: workspaceAi.monthlyTokenCap });
    const usage = noUsage();
    try {
      const answer = await askModel(ai, interviewSummaryMessages(workspaceAi.prompts, facts, lines, categories), {
        signal: context.signal,
        onUsage: (spent) => addUsage(usage, spent),
      });
      content = groundModelAnswer(answer, facts, lines, categories);
    } finally {
      // Tokens of a failed attempt were spent too.
      await recordUsage(deps.db, target.workspaceId, "interviewSummaries", usage).catch((error: unknown) =>
        deps.log.warn({ err: error, summaryId }, "could not record the interview summary's token usage"),
      );
    }
  }

  await db.$transaction(async (tx) => {
    // Versions of one interview finish one at a time, and each run completes its version once.
    await tx.$executeRaw`SELECT id FROM interviews WHERE id = ${interviewId}::uuid FOR UPDATE`;
    const completed = await tx.interviewSummary.updateMany({
      where: { id: summaryId, status: { in: ["pending", "running"] } },
      data: {
        status: "done",
        failureReason: null,
        content: content as unknown as Prisma.InputJsonValue,
        provider: ai ? ai.name : "extractive",
        model: ai ? ai.model : "interview-extractive-v1",
        completedAt: new Date(),
      },
    });
    if (completed.count === 0) return;
    // A newer version that finished first stays current.
    const newer = await tx.interviewSummary.findFirst({
      where: { interviewId, status: "done", version: { gt: target.version } },
      select: { id: true },
    });
    if (!newer) {
      await tx.interviewSummary.updateMany({ where: { interviewId, isCurrent: true }, data: { isCurrent: false } });
      await tx.interviewSummary.update({ where: { id: summaryId }, data: { isCurrent: true } });
    }
    await publishHiringEvent(
      tx,
      { workspaceId: target.workspaceId, meta: JOB_META, appUrl: deps.appUrl },
      { name: "interview_summary.completed", interviewId, summaryId },
    );
  });
  deps.log.info(
    { summaryId, questions: content.questions.length, evidence: content.categories.reduce((n, c) => n + c.evidence.length, 0) },
    "interview summary generated",
  );
}
