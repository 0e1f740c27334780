import { z } from "zod";
import { int4Input, type ScopedInput } from "../shared/schemas.js";
import { TRANSCRIPT_FORMATS } from "./types.js";

const workspaceId = z.uuid();
const meetingId = z.uuid();

/** Larger uploads are refused with PAYLOAD_TOO_LARGE before parsing (see MAX_TRANSCRIPT_BYTES). */
export const importInput = z.object({
  workspaceId,
  meetingId,
  format: z.enum(TRANSCRIPT_FORMATS),
  content: z.string(),
  /** BCP 47, e.g. "en" or "pt-BR". */
  language: z
    .string()
    .max(35)
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "A language tag like en or pt-BR")
    .optional(),
});

export const transcriptInfo = z.object({
  id: z.string(),
  version: z.number().int(),
  format: z.enum(TRANSCRIPT_FORMATS),
  language: z.string().nullable(),
  segmentCount: z.number().int(),
  durationMs: z.number().int().nullable(),
  createdAt: z.date(),
});

/**
 * `ready`: complete (a small file is stored within the request). `importing`: a large file, checked
 * and accepted, whose segments are being written in the background; it becomes the current
 * version when they all are (poll importStatus). `failed`: that stopped; the previous version stays current.
 */
export const transcriptStatus = z.enum(["importing", "ready", "failed"]);

export const importOutput = transcriptInfo.extend({
  status: transcriptStatus,
  /** Written so far; segmentCount when ready. */
  importedSegments: z.number().int(),
});

export const importStatusInput = z.object({
  workspaceId,
  meetingId,
  /** The version an import returned; the latest one by default. */
  version: int4Input(1).optional(),
});

export const importStatusOutput = z.object({
  id: z.string(),
  version: z.number().int(),
  status: transcriptStatus,
  isCurrent: z.boolean(),
  segmentCount: z.number().int(),
  importedSegments: z.number().int(),
  /** Why a failed import stopped. */
  failureReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const getTranscriptInput = z.object({
  workspaceId,
  meetingId,
  /** An older version; the current one by default. */
  version: int4Input(1).optional(),
  /** Position to continue after (the previous page's nextCursor). */
  cursor: int4Input(0).optional(),
  limit: z.number().int().min(1).max(1_000).default(200),
});

export const segmentOutput = z.object({
  id: z.string(),
  position: z.number().int(),
  speakerLabel: z.string().nullable(),
  speaker: z.object({ memberId: z.string().nullable(), participantId: z.string().nullable(), name: z.string().nullable() }).nullable(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  text: z.string(),
  originalText: z.string().nullable(),
  editedAt: z.date().nullable(),
});

export const transcriptPage = z.object({
  transcript: transcriptInfo,
  versions: z.array(z.object({ version: z.number().int(), createdAt: z.date(), isCurrent: z.boolean(), status: transcriptStatus })),
  segments: z.array(segmentOutput),
  nextCursor: z.number().int().nullable(),
});

export const updateSegmentInput = z.object({
  workspaceId,
  segmentId: z.uuid(),
  text: z.string().trim().min(1).max(20_000),
});

export const assignSpeakerInput = z.union([
  z.object({ workspaceId, meetingId, speakerLabel: z.string().min(1).max(200), memberId: z.uuid() }),
  z.object({ workspaceId, meetingId, speakerLabel: z.string().min(1).max(200), participantId: z.uuid() }),
]);
export const assignSpeakerOutput = z.object({ updatedSegments: z.number().int() });

export type ImportInput = ScopedInput<typeof importInput>;
export type ImportStatusInput = ScopedInput<typeof importStatusInput>;
export type GetTranscriptInput = ScopedInput<typeof getTranscriptInput>;
export type TranscriptPage = z.infer<typeof transcriptPage>;
export type UpdateSegmentInput = ScopedInput<typeof updateSegmentInput>;
export type AssignSpeakerInput = ScopedInput<typeof assignSpeakerInput>;
