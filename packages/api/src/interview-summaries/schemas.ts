import { z } from "zod";
import { aiMode } from "../ai/provider.js";
import { int4Input, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
const interviewId = z.uuid();

export const generateInterviewSummaryInput = z.object({
  workspaceId,
  interviewId,
  /** "extractive": without a model (offline, no tokens), whatever the workspace's. */
  mode: aiMode.default("auto"),
});

export const getInterviewSummaryInput = z.object({
  workspaceId,
  interviewId,
  /** A specific version; default the current one (else the latest requested, which may still be pending). */
  version: int4Input(1).optional(),
});

export const interviewSummaryStatus = z.enum(["pending", "running", "done", "failed"]);

/** A place in the transcript: the segment and its time. */
const cited = { segmentId: z.string(), startMs: z.number().int(), endMs: z.number().int() };

/** A question an interviewer asked. */
export const interviewQuestion = z.object({ text: z.string(), ...cited });

/** The candidate's words, exactly as in the segment (whitespace aside): checked before storing. */
export const interviewEvidence = z.object({ ...cited, quote: z.string() });

export const interviewSummaryCategory = z.object({
  categoryId: z.string(),
  name: z.string(),
  /** Empty when the candidate said nothing that bears on it. */
  evidence: z.array(interviewEvidence),
});

/** What a done version holds (the `content` column, written by job.ts only, in this shape). */
export const interviewSummaryContent = z.object({
  /** Neutral: the role, the stage, what was covered; never a hiring opinion. */
  overview: z.string(),
  questions: z.array(interviewQuestion),
  /** One per live category of the interview's scorecard template, in its order; none without a template. */
  categories: z.array(interviewSummaryCategory),
});

export const interviewSummaryOutput = z.object({
  id: z.string(),
  interviewId: z.string(),
  version: z.number().int(),
  /** Every version ever requested for this interview, newest first. */
  versions: z.array(z.number().int()),
  status: interviewSummaryStatus,
  /** Why it failed (or, while pending again, why the last attempt failed and will be retried). */
  failureReason: z.string().nullable(),
  /** The latest version that succeeded: what the interview shows. */
  isCurrent: z.boolean(),
  transcriptId: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** Null until the version is done. */
  content: interviewSummaryContent.nullable(),
  requestedAt: z.date(),
  completedAt: z.date().nullable(),
});

export type GenerateInterviewSummaryInput = ScopedInput<typeof generateInterviewSummaryInput>;
export type GetInterviewSummaryInput = ScopedInput<typeof getInterviewSummaryInput>;
export type InterviewQuestion = z.infer<typeof interviewQuestion>;
export type InterviewEvidence = z.infer<typeof interviewEvidence>;
export type InterviewSummaryCategory = z.infer<typeof interviewSummaryCategory>;
export type InterviewSummaryContent = z.infer<typeof interviewSummaryContent>;
export type InterviewSummaryOutput = z.infer<typeof interviewSummaryOutput>;
