import { z } from "zod";
import { actionItemOutput } from "../action-items/schemas.js";
import { aiMode } from "../ai/provider.js";
import { int4Input, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
const meetingId = z.uuid();

export const generateSummaryInput = z.object({
  workspaceId,
  meetingId,
  /** "extractive": summarize without a model (also when the workspace's monthly token cap is reached). */
  mode: aiMode.default("auto"),
});

export const getSummaryInput = z.object({
  workspaceId,
  meetingId,
  /** A specific version; default the latest requested one (which may still be pending). */
  version: int4Input(1).optional(),
});

export const summaryStatus = z.enum(["pending", "running", "done", "failed"]);

/** A section of the transcript, by segment position (inclusive) and time. */
export const summaryTopic = z.object({
  title: z.string(),
  startPosition: z.number().int(),
  endPosition: z.number().int(),
  startSegmentId: z.string().nullable(),
  endSegmentId: z.string().nullable(),
  startMs: z.number().int().nullable(),
  endMs: z.number().int().nullable(),
});

export const summaryOutput = z.object({
  id: z.string(),
  meetingId: z.string(),
  version: z.number().int(),
  /** Every version ever requested for this meeting, newest first. */
  versions: z.array(z.number().int()),
  status: summaryStatus,
  /** Why it failed (or, while pending again, why the last attempt failed and will be retried). */
  failureReason: z.string().nullable(),
  /** The latest successfully generated version; what the meeting shows. */
  isCurrent: z.boolean(),
  /** The transcript version it was made from; true when the meeting has a newer transcript since. */
  transcriptId: z.string().nullable(),
  stale: z.boolean(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  overview: z.string().nullable(),
  keyPoints: z.array(z.string()),
  decisions: z.array(z.string()),
  topics: z.array(summaryTopic),
  /** The action items this version extracted (as they are now: assigned, completed…). */
  actionItems: z.array(actionItemOutput),
  requestedAt: z.date(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});

export type GenerateSummaryInput = ScopedInput<typeof generateSummaryInput>;
export type GetSummaryInput = ScopedInput<typeof getSummaryInput>;
export type SummaryTopic = z.infer<typeof summaryTopic>;
export type SummaryOutput = z.infer<typeof summaryOutput>;
