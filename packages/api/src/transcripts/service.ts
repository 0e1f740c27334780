// Transcripts: versioned imports of speaker segments, reading, editing and speaker mapping.
import type { Prisma } from "@meetmind/db";
import { NotFoundError, PayloadTooLargeError } from "../errors.js";
import { requireMeeting } from "../meetings/service.js";
import type { WorkspaceScope } from "../workspaces/scope.js";
import { parseTranscript } from "./parsers/index.js";
import type { ParsedSegment, TranscriptFormatName } from "./types.js";

export const MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024;
/** Rows per INSERT: well under Postgres's 65,535 bind parameters at 9 columns a row. */
const INSERT_BATCH = 2_000;

const FORMAT_COLUMN: Record<TranscriptFormatName, "vtt" | "srt" | "json" | "plain_text"> = {
  webvtt: "vtt",
  srt: "srt",
  json: "json",
  text: "plain_text",
};

export interface ImportInput {
  meetingId: string;
  format: TranscriptFormatName;
  content: string;
  language?: string | undefined;
}

/** Parses first (nothing is written for a malformed file), then stores it as the new version. */
export async function importTranscript(scope: WorkspaceScope, input: ImportInput) {
  const bytes = Buffer.byteLength(input.content, "utf8");
  if (bytes > MAX_TRANSCRIPT_BYTES) {
    throw new PayloadTooLargeError(`The transcript is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB`, "transcript_too_large");
  }
  await requireMeeting(scope, input.meetingId);
  const segments = parseTranscript(input.format, input.content);
  return storeTranscript(scope, { meetingId: input.meetingId, format: input.format, language: input.language ?? null, segments });
}

/**
 * Replaces the meeting's current transcript atomically: the previous version stays (not current),
 * and its speaker mappings carry over to labels that appear again.
 */
export async function storeTranscript(
  scope: WorkspaceScope,
  input: { meetingId: string; format: TranscriptFormatName; language: string | null; segments: ParsedSegment[]; source?: "upload" | "integration" | "api" | "manual" },
) {
  return scope.db.$transaction(
    async (tx) => {
      const previous = await tx.transcript.findFirst({
        where: { meetingId: input.meetingId },
        orderBy: { version: "desc" },
        select: { id: true, version: true },
      });
      const mappings = previous
        ? await tx.transcriptSegment.findMany({
            where: { transcriptId: previous.id, OR: [{ speakerMemberId: { not: null } }, { speakerParticipantId: { not: null } }] },
            distinct: ["speakerLabel"],
            select: { speakerLabel: true, speakerMemberId: true, speakerParticipantId: true },
          })
        : [];
      const mapped = new Map(mappings.map((m) => [m.speakerLabel, m]));
      await tx.transcript.updateMany({ where: { meetingId: input.meetingId, isCurrent: true }, data: { isCurrent: false } });
      const durationMs = input.segments.reduce((max, s) => Math.max(max, s.endMs), 0);
      const transcript = await tx.transcript.create({
        data: {
          workspaceId: scope.workspaceId,
          meetingId: input.meetingId,
          createdById: scope.userId,
          version: (previous?.version ?? 0) + 1,
          isCurrent: true,
          format: FORMAT_COLUMN[input.format],
          language: input.language,
          source: input.source ?? "upload",
          durationMs,
        },
        select: { id: true, version: true, format: true, language: true, durationMs: true, createdAt: true },
      });
      for (let start = 0; start < input.segments.length; start += INSERT_BATCH) {
        const rows: Prisma.TranscriptSegmentCreateManyInput[] = input.segments.slice(start, start + INSERT_BATCH).map((segment, offset) => {
          const mapping = mapped.get(segment.speaker);
          return {
            transcriptId: transcript.id,
            workspaceId: scope.workspaceId,
            meetingId: input.meetingId,
            position: start + offset,
            speakerLabel: segment.speaker,
            speakerMemberId: mapping?.speakerMemberId ?? null,
            speakerParticipantId: mapping?.speakerParticipantId ?? null,
            startMs: segment.startMs,
            endMs: segment.endMs,
            text: segment.text,
          };
        });
        await tx.transcriptSegment.createMany({ data: rows });
      }
      return { ...transcript, segmentCount: input.segments.length };
    },
    // Large transcripts on embedded PGlite need more than Prisma's 5 s default.
    { timeout: 60_000, maxWait: 10_000 },
  );
}

const segmentSelect = {
  id: true,
  position: true,
  speakerLabel: true,
  speakerMemberId: true,
  speakerParticipantId: true,
  startMs: true,
  endMs: true,
  text: true,
  originalText: true,
  editedAt: true,
  speakerMember: { select: { user: { select: { fullName: true, email: true } } } },
  speakerParticipant: { select: { name: true, email: true } },
} satisfies Prisma.TranscriptSegmentSelect;

type SegmentRow = Prisma.TranscriptSegmentGetPayload<{ select: typeof segmentSelect }>;

function presentSegment({ speakerMember, speakerParticipant, speakerMemberId, speakerParticipantId, ...segment }: SegmentRow) {
  const name = speakerMember?.user.fullName ?? speakerMember?.user.email ?? speakerParticipant?.name ?? speakerParticipant?.email ?? null;
  return {
    ...segment,
    speaker: speakerMemberId || speakerParticipantId ? { memberId: speakerMemberId, participantId: speakerParticipantId, name } : null,
  };
}

export async function getTranscript(
  scope: WorkspaceScope,
  input: { meetingId: string; version?: number | undefined; cursor?: number | undefined; limit: number },
) {
  await requireMeeting(scope, input.meetingId);
  const versions = await scope.db.transcript.findMany({
    where: { meetingId: input.meetingId },
    orderBy: { version: "desc" },
    take: 100,
    select: { id: true, version: true, isCurrent: true, format: true, language: true, durationMs: true, createdAt: true, _count: { select: { segments: true } } },
  });
  const transcript = input.version === undefined ? versions.find((v) => v.isCurrent) : versions.find((v) => v.version === input.version);
  if (!transcript) throw new NotFoundError("Transcript");
  const rows = await scope.db.transcriptSegment.findMany({
    where: { transcriptId: transcript.id, ...(input.cursor !== undefined ? { position: { gt: input.cursor } } : {}) },
    orderBy: { position: "asc" },
    take: input.limit + 1,
    select: segmentSelect,
  });
  const segments = rows.slice(0, input.limit);
  const { _count, isCurrent: _current, ...info } = transcript;
  return {
    transcript: { ...info, segmentCount: _count.segments },
    versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, isCurrent: v.isCurrent })),
    segments: segments.map(presentSegment),
    nextCursor: rows.length > input.limit ? (segments.at(-1)?.position ?? null) : null,
  };
}

/** Corrects a segment's text; the text as imported is kept the first time it changes. */
export async function updateSegment(scope: WorkspaceScope, input: { segmentId: string; text: string }) {
  const segment = await scope.db.transcriptSegment.findFirst({
    where: { id: input.segmentId, meeting: { deletedAt: null } },
    select: { id: true, text: true, originalText: true },
  });
  if (!segment) throw new NotFoundError("Segment");
  const updated = await scope.db.transcriptSegment.update({
    where: { id: segment.id },
    data: { text: input.text, originalText: segment.originalText ?? segment.text, editedAt: new Date() },
    select: segmentSelect,
  });
  return presentSegment(updated);
}

/** Maps a speaker label to a person across the meeting's current transcript. */
export async function assignSpeaker(
  scope: WorkspaceScope,
  input: { meetingId: string; speakerLabel: string } & ({ memberId: string } | { participantId: string }),
) {
  await requireMeeting(scope, input.meetingId);
  let person: { speakerMemberId: string | null; speakerParticipantId: string | null };
  if ("memberId" in input) {
    const member = await scope.db.workspaceMember.findFirst({ where: { id: input.memberId }, select: { id: true } });
    if (!member) throw new NotFoundError("Member");
    person = { speakerMemberId: member.id, speakerParticipantId: null };
  } else {
    const participant = await scope.db.meetingParticipant.findFirst({ where: { id: input.participantId, meetingId: input.meetingId }, select: { id: true } });
    if (!participant) throw new NotFoundError("Participant");
    person = { speakerMemberId: null, speakerParticipantId: participant.id };
  }
  const result = await scope.db.transcriptSegment.updateMany({
    where: { meetingId: input.meetingId, speakerLabel: input.speakerLabel, transcript: { isCurrent: true } },
    data: person,
  });
  if (result.count === 0) throw new NotFoundError("Speaker label");
  return { updatedSegments: result.count };
}
