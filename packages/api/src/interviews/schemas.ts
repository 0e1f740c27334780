import { z } from "zod";
import { dateInput, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";
import { getTranscriptInput, importInput, importOutput, segmentOutput, transcriptPage } from "../transcripts/schemas.js";

const workspaceId = z.uuid();
// Lower-cased as Postgres prints uuids, so the same id in capitals is the same id (duplicates, lookups).
const id = () => z.uuid().toLowerCase();
const interviewId = id();

export const INTERVIEW_STATUSES = ["scheduled", "completed", "cancelled", "no_show"] as const;
export const MAX_PANEL = 20;
export const MAX_STAGES = 20;

const positionTitle = z.string().trim().min(1, "A position is required").max(200);
/** One of the workspace's stages (`interviews.stages.get`), compared without regard to case. */
const stage = z.string().trim().min(1, "A stage is required").max(100);
const durationMinutes = z
  .number()
  .int()
  .min(5)
  .max(8 * 60);
/** Workspace member ids (`workspaces.members.list` → `memberId`) of owners, admins or members; repeats count once. */
const panelMemberIds = z
  .array(id())
  .min(1, "A panel needs at least one interviewer")
  .max(MAX_PANEL)
  .transform((ids) => [...new Set(ids)]);

export const createInterviewInput = z.object({
  workspaceId,
  candidateId: id(),
  positionTitle,
  stage,
  scheduledAt: dateInput(),
  durationMinutes: durationMinutes.default(60),
  panelMemberIds,
  /** A live scorecard template; by default the live one whose position matches, if any. */
  templateId: id().optional(),
  /** The meeting the interview happens in (the caller must manage it); it becomes an interview meeting. */
  meetingId: id().optional(),
});

export const updateInterviewInput = z.object({
  workspaceId,
  interviewId,
  positionTitle: positionTitle.optional(),
  stage: stage.optional(),
  scheduledAt: dateInput().optional(),
  durationMinutes: durationMinutes.optional(),
  /** The whole new panel. */
  panelMemberIds: panelMemberIds.optional(),
  /** Null: no template. */
  templateId: id().nullable().optional(),
  /**
   * Null: unlinks the meeting (which stays an interview meeting, seen by interview managers only);
   * refused (CONFLICT) once it has a transcript or the candidate as a participant, as is relinking.
   */
  meetingId: id().nullable().optional(),
  /** `cancelled` is interviews.cancel's. */
  status: z.enum(["scheduled", "completed", "no_show"]).optional(),
});

export const cancelInterviewInput = z.object({
  workspaceId,
  interviewId,
  reason: z.string().trim().max(1_000).optional(),
});

export const interviewIdInput = z.object({ workspaceId, interviewId });

export const listInterviewsInput = z.object({
  workspaceId,
  ...pageInput,
  candidateId: id().optional(),
  status: z.enum(INTERVIEW_STATUSES).optional(),
  stage: stage.optional(),
  /** Compared without regard to case. */
  positionTitle: positionTitle.optional(),
  /** On the scheduled time, inclusive. */
  from: dateInput().optional(),
  to: dateInput().optional(),
  /** Only interviews the caller sits on the panel of. */
  mine: z.boolean().default(false),
});

export const panelistOutput = z.object({ memberId: z.string(), userId: z.string(), name: z.string() });

export const interviewOutput = z.object({
  id: z.string(),
  /** Null once the candidate was erased. */
  candidate: z.object({ id: z.string(), name: z.string() }).nullable(),
  positionTitle: z.string(),
  stage: z.string(),
  scheduledAt: z.date(),
  durationMinutes: z.number().int(),
  status: z.enum(INTERVIEW_STATUSES),
  cancelledAt: z.date().nullable(),
  cancelReason: z.string().nullable(),
  templateId: z.string().nullable(),
  meetingId: z.string().nullable(),
  panel: z.array(panelistOutput),
  /** What the caller is to this interview: on its panel (writes a scorecard), a manager (changes it). */
  myRole: z.object({ onPanel: z.boolean(), manage: z.boolean() }),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const interviewPage = pageOf(interviewOutput);

// Stages

const stageName = z.string().trim().min(1, "A stage needs a name").max(100);
export const setStagesInput = z.object({
  workspaceId,
  stages: z
    .array(stageName)
    .min(1)
    .max(MAX_STAGES)
    .refine((stages) => new Set(stages.map((s) => s.toLowerCase())).size === stages.length, "Stages must be unique (ignoring case)"),
});
export const stagesOutput = z.object({ stages: z.array(z.string()) });

// Transcript: the same formats and limits as transcripts.import, on the interview's meeting.

export const importInterviewTranscriptInput = importInput.omit({ meetingId: true }).extend({ interviewId });

/** The interview's meeting (made by the first import) and the version, as transcripts.import answers it. */
export const interviewTranscriptImportOutput = z.object({ meetingId: z.string(), transcript: importOutput });

export const getInterviewTranscriptInput = getTranscriptInput.omit({ meetingId: true }).extend({ interviewId });

/** Who a segment's speaker is to the interview. */
export const speakerRoleOutput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("candidate") }),
  z.object({ kind: z.literal("interviewer"), memberId: z.string() }),
  z.object({ kind: z.literal("unknown") }),
]);

export const interviewTranscriptOutput = transcriptPage.extend({
  meetingId: z.string(),
  segments: z.array(segmentOutput.extend({ speakerRole: speakerRoleOutput })),
});

const speakerLabel = z.string().min(1).max(200);
export const mapSpeakersInput = z.object({
  workspaceId,
  interviewId,
  speakers: z
    .array(z.union([z.object({ label: speakerLabel, candidate: z.literal(true) }), z.object({ label: speakerLabel, memberId: id() })]))
    .min(1)
    .max(50)
    .refine((speakers) => new Set(speakers.map((s) => s.label)).size === speakers.length, "Each label once"),
});
export const mapSpeakersOutput = z.object({
  updatedSegments: z.number().int(),
  /** The meeting participant the candidate's labels point at (null when none was mapped). */
  candidateParticipantId: z.string().nullable(),
});

export type CreateInterviewInput = ScopedInput<typeof createInterviewInput>;
export type UpdateInterviewInput = ScopedInput<typeof updateInterviewInput>;
export type CancelInterviewInput = ScopedInput<typeof cancelInterviewInput>;
export type InterviewIdInput = ScopedInput<typeof interviewIdInput>;
export type ListInterviewsInput = ScopedInput<typeof listInterviewsInput>;
export type InterviewOutput = z.infer<typeof interviewOutput>;
export type SetStagesInput = ScopedInput<typeof setStagesInput>;
export type ImportInterviewTranscriptInput = ScopedInput<typeof importInterviewTranscriptInput>;
export type GetInterviewTranscriptInput = ScopedInput<typeof getInterviewTranscriptInput>;
export type InterviewTranscriptOutput = z.infer<typeof interviewTranscriptOutput>;
export type MapSpeakersInput = ScopedInput<typeof mapSpeakersInput>;
