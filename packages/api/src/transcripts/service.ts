// Transcripts: versioned imports of speaker segments, reading, editing and speaker mapping.
import { z } from "zod";
import { Prisma } from "@meetmind/db";
import { NotFoundError, PayloadTooLargeError } from "../errors.js";
import { defineJob } from "../jobs/queue.js";
import { uuidv7 } from "../shared/uuidv7.js";
import { requireMeetingAccess } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { parseUpload } from "./parse-pool.js";
import { readTranscriptPage } from "./queries.js";
import type { AssignSpeakerInput, GetTranscriptInput, ImportInput, ImportStatusInput, UpdateSegmentInput } from "./schemas.js";
import { FORMAT_COLUMN, FORMAT_NAME, type ParsedSegment, type TranscriptFormatName } from "./types.js";

export const MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024;
/**
 * Files with more segments than this are written in the background (import-job.ts): the request
 * stores the file and answers the new version `importing`. Up to it, one INSERT in the request
 * (~0.1–0.2 s; it holds one of the server's pooled connections meanwhile).
 * Every QMSum meeting (at most 1,832 turns) is below it.
 */
export const IMPORT_IN_REQUEST_MAX_SEGMENTS = 2_000;
/**
 * Rows per INSERT in one transaction (storeTranscript). Each column is bound as one array
 * (unnest), so Postgres's 65,535 bind parameters do not limit it; this only bounds one statement's size.
 */
const INSERT_BATCH = 5_000;
/** Attempts for a background import; each resumes where the previous one stopped. */
export const IMPORT_MAX_ATTEMPTS = 5;
/** Writes a large import's segments in the background (import-job.ts runs it). */
export const transcriptImportJob = defineJob("transcripts.import", z.object({ transcriptId: z.uuid() }));

const importedSelect = {
  id: true,
  version: true,
  format: true,
  language: true,
  durationMs: true,
  createdAt: true,
  status: true,
  segmentCount: true,
  importedCount: true,
} satisfies Prisma.TranscriptSelect;

function presentImported({
  format,
  segmentCount,
  importedCount,
  ...transcript
}: Prisma.TranscriptGetPayload<{ select: typeof importedSelect }>) {
  return { ...transcript, format: FORMAT_NAME[format], segmentCount: segmentCount ?? 0, importedSegments: importedCount };
}

/**
 * Parses first (nothing is written for a malformed file), then stores it as the new version: at
 * once when it is small, else in the background (the version answers `importing` until then).
 */
export async function importTranscript(scope: WorkspaceScope, input: ImportInput) {
  checkSize(input.content);
  await requireMeetingAccess(scope, input.meetingId, "edit");
  return importOnto(scope, async () => input.meetingId, input);
}

function checkSize(content: string): void {
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > MAX_TRANSCRIPT_BYTES) {
    throw new PayloadTooLargeError(`The transcript is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB`, "transcript_too_large");
  }
}

/** A transaction on the workspace-scoped client. */
export type Tx = Parameters<Parameters<WorkspaceScope["db"]["$transaction"]>[0]>[0];

/**
 * Names the meeting an import goes to, inside the transaction that stores the version (before the
 * meeting is locked): a domain above may create the meeting there, so a refused file leaves none behind.
 */
export type MeetingOfImport = (tx: Tx) => Promise<string>;

/**
 * `importTranscript` for a caller that decides the meeting inside the import's transaction (an
 * interview creates its meeting with its first transcript). The same checks, parsing and storage;
 * the caller has checked the caller's right to import there (`meetingOf` may create the meeting).
 */
export async function importTranscriptInto(scope: WorkspaceScope, meetingOf: MeetingOfImport, input: Omit<ImportInput, "meetingId">) {
  checkSize(input.content);
  return importOnto(scope, meetingOf, input);
}

async function importOnto(scope: WorkspaceScope, meetingOf: MeetingOfImport, input: Omit<ImportInput, "meetingId">) {
  const parsed = await parseUpload(input.format, input.content, IMPORT_IN_REQUEST_MAX_SEGMENTS);
  const language = input.language ?? null;
  if (parsed.segments) return storeParsed(scope, meetingOf, { format: input.format, language, segments: parsed.segments });
  return beginBackgroundImport(scope, meetingOf, { format: input.format, language, content: input.content, ...parsed });
}

/**
 * Serialises version changes per meeting: concurrent imports into one meeting queue here instead
 * of racing for a version number. NO KEY UPDATE does not block inserts that reference the meeting.
 */
export async function lockMeeting(tx: Pick<Tx, "$queryRaw">, workspaceId: string, meetingId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM meetings WHERE id = ${meetingId}::uuid AND workspace_id = ${workspaceId}::uuid FOR NO KEY UPDATE`;
  if (rows.length === 0) throw new NotFoundError("Meeting");
}

async function nextVersion(tx: Tx, meetingId: string): Promise<number> {
  const { _max } = await tx.transcript.aggregate({ where: { meetingId }, _max: { version: true } });
  return (_max.version ?? 0) + 1;
}

export interface SpeakerMapping {
  speakerMemberId: string | null;
  speakerParticipantId: string | null;
}

/** The people a version's speaker labels are mapped to. */
export async function speakerMappings(db: Pick<Tx, "$queryRaw">, transcriptId: string): Promise<Map<string | null, SpeakerMapping>> {
  const mappings = await db.$queryRaw<({ speakerLabel: string | null } & SpeakerMapping)[]>`
    SELECT DISTINCT ON (speaker_label)
           speaker_label AS "speakerLabel", speaker_member_id AS "speakerMemberId", speaker_participant_id AS "speakerParticipantId"
      FROM transcript_segments
     WHERE transcript_id = ${transcriptId}::uuid AND (speaker_member_id IS NOT NULL OR speaker_participant_id IS NOT NULL)
     ORDER BY speaker_label`;
  return new Map(mappings.map(({ speakerLabel, ...person }) => [speakerLabel, person]));
}

/**
 * Inserts segments at positions start, start + 1, ... with one INSERT ... SELECT FROM unnest(column
 * arrays): a tenth of the time of createMany, whose per-row client-side work dominated large
 * imports (1,832 turns: ~1 s). search_vector is generated by Postgres. A position already there is
 * skipped, so a background batch that runs twice (a lease taken over) stores its rows once.
 */
export function insertSegmentsSql(
  target: { transcriptId: string; workspaceId: string; meetingId: string },
  start: number,
  segments: ParsedSegment[],
  mapped: Map<string | null, SpeakerMapping>,
): Prisma.Sql {
  const mappings = segments.map((segment) => mapped.get(segment.speaker));
  return Prisma.sql`
    INSERT INTO transcript_segments
      (id, transcript_id, workspace_id, meeting_id, position, speaker_label, speaker_member_id, speaker_participant_id,
       start_ms, end_ms, text, created_at, updated_at)
    SELECT u.id, ${target.transcriptId}::uuid, ${target.workspaceId}::uuid, ${target.meetingId}::uuid, u.position, u.speaker_label,
           u.speaker_member_id, u.speaker_participant_id, u.start_ms, u.end_ms, u.text, now(), now()
      FROM unnest(
             ${segments.map(() => uuidv7())}::uuid[],
             ${segments.map((_, offset) => start + offset)}::int[],
             ${segments.map((segment) => segment.speaker)}::text[],
             ${mappings.map((mapping) => mapping?.speakerMemberId ?? null)}::uuid[],
             ${mappings.map((mapping) => mapping?.speakerParticipantId ?? null)}::uuid[],
             ${segments.map((segment) => segment.startMs)}::int[],
             ${segments.map((segment) => segment.endMs)}::int[],
             ${segments.map((segment) => segment.text)}::text[]
           ) AS u(id, position, speaker_label, speaker_member_id, speaker_participant_id, start_ms, end_ms, text)
    ON CONFLICT (transcript_id, position) DO NOTHING`;
}

/**
 * Stores a parsed transcript as the meeting's new current version in one transaction: the previous
 * version stays (not current), and its speaker mappings carry over to labels that appear again.
 * Meant for files up to IMPORT_IN_REQUEST_MAX_SEGMENTS (and for scripts such as seed:qmsum): its
 * transaction holds a connection for as long as the INSERTs take.
 */
export async function storeTranscript(
  scope: WorkspaceScope,
  input: {
    meetingId: string;
    format: TranscriptFormatName;
    language: string | null;
    segments: ParsedSegment[];
    source?: "upload" | "integration" | "api" | "manual";
  },
) {
  return storeParsed(scope, async () => input.meetingId, input);
}

async function storeParsed(
  scope: WorkspaceScope,
  meetingOf: MeetingOfImport,
  input: {
    format: TranscriptFormatName;
    language: string | null;
    segments: ParsedSegment[];
    source?: "upload" | "integration" | "api" | "manual";
  },
) {
  return scope.db.$transaction(
    async (tx) => {
      const meetingId = await meetingOf(tx);
      await lockMeeting(tx, scope.workspaceId, meetingId);
      const previous = await tx.transcript.findFirst({ where: { meetingId, isCurrent: true }, select: { id: true } });
      const mapped = previous ? await speakerMappings(tx, previous.id) : new Map<string | null, SpeakerMapping>();
      const version = await nextVersion(tx, meetingId);
      await tx.transcript.updateMany({ where: { meetingId, isCurrent: true }, data: { isCurrent: false } });
      const transcript = await tx.transcript.create({
        data: {
          workspaceId: scope.workspaceId,
          meetingId,
          createdById: scope.userId,
          version,
          isCurrent: true,
          status: "ready",
          format: FORMAT_COLUMN[input.format],
          language: input.language,
          source: input.source ?? "upload",
          durationMs: input.segments.reduce((max, s) => Math.max(max, s.endMs), 0),
          segmentCount: input.segments.length,
          importedCount: input.segments.length,
        },
        select: importedSelect,
      });
      const target = { transcriptId: transcript.id, workspaceId: scope.workspaceId, meetingId };
      for (let start = 0; start < input.segments.length; start += INSERT_BATCH) {
        await tx.$executeRaw`${insertSegmentsSql(target, start, input.segments.slice(start, start + INSERT_BATCH), mapped)}`;
      }
      return presentImported(transcript);
    },
    // Scripts may store large transcripts this way; on a loaded machine that can take longer than
    // Prisma's 5 s default.
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * Records a large file as a new version in state `importing` (not current) and queues the job that
 * writes its segments in bounded batches (import-job.ts). The file is kept on the version until then.
 */
async function beginBackgroundImport(
  scope: WorkspaceScope,
  meetingOf: MeetingOfImport,
  input: { format: TranscriptFormatName; language: string | null; content: string; count: number; durationMs: number },
) {
  return scope.db.$transaction(
    async (tx) => {
      const meetingId = await meetingOf(tx);
      await lockMeeting(tx, scope.workspaceId, meetingId);
      const transcript = await tx.transcript.create({
        data: {
          workspaceId: scope.workspaceId,
          meetingId,
          createdById: scope.userId,
          version: await nextVersion(tx, meetingId),
          isCurrent: false,
          status: "importing",
          format: FORMAT_COLUMN[input.format],
          language: input.language,
          source: "upload",
          durationMs: input.durationMs,
          segmentCount: input.count,
          importedCount: 0,
          importSource: input.content,
        },
        select: importedSelect,
      });
      await transcriptImportJob.enqueue(tx, { transcriptId: transcript.id }, { maxAttempts: IMPORT_MAX_ATTEMPTS });
      return presentImported(transcript);
    },
    { timeout: 30_000, maxWait: 10_000 },
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

/** For versions stored before counts were recorded (all complete: their rows are the count). */
async function countSegments(scope: WorkspaceScope, transcriptId: string): Promise<number> {
  return scope.db.transcriptSegment.count({ where: { transcriptId } });
}

export async function getTranscript(scope: WorkspaceScope, input: GetTranscriptInput) {
  return readTranscriptPage(scope, input);
}

/**
 * Where an import stands: a version's status, how many of its segments are written, and why it
 * failed. The latest version when none is given (the one an import just created).
 */
export async function getImportStatus(scope: WorkspaceScope, input: ImportStatusInput) {
  await requireMeetingAccess(scope, input.meetingId);
  const transcript = await scope.db.transcript.findFirst({
    where: { meetingId: input.meetingId, ...(input.version !== undefined ? { version: input.version } : {}) },
    orderBy: { version: "desc" },
    select: {
      id: true,
      version: true,
      status: true,
      isCurrent: true,
      segmentCount: true,
      importedCount: true,
      failureReason: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  if (!transcript) throw new NotFoundError("Transcript");
  const { segmentCount, importedCount, ...status } = transcript;
  const total = segmentCount ?? (await countSegments(scope, transcript.id));
  return { ...status, segmentCount: total, importedSegments: status.status === "ready" ? total : importedCount };
}

/** Corrects a segment's text; the text as imported is kept the first time it changes. */
export async function updateSegment(scope: WorkspaceScope, input: UpdateSegmentInput) {
  const segment = await scope.db.transcriptSegment.findFirst({
    where: { id: input.segmentId, meeting: { deletedAt: null } },
    select: { id: true, text: true, originalText: true, transcriptId: true, meetingId: true },
  });
  if (!segment) throw new NotFoundError("Segment");
  await requireMeetingAccess(scope, segment.meetingId, "edit", { notFound: "Segment" });
  const [, updated] = await scope.db.$transaction([
    // Its embedding (if any) describes the old text; the embeddings job makes a new one.
    scope.db.segmentEmbedding.deleteMany({ where: { segmentId: segment.id } }),
    scope.db.transcriptSegment.update({
      where: { id: segment.id },
      data: { text: input.text, originalText: segment.originalText ?? segment.text, editedAt: new Date() },
      select: segmentSelect,
    }),
  ]);
  return { ...presentSegment(updated), transcriptId: segment.transcriptId };
}

/** Maps a speaker label to a person across the meeting's current transcript. */
export async function assignSpeaker(scope: WorkspaceScope, input: AssignSpeakerInput) {
  await requireMeetingAccess(scope, input.meetingId, "edit");
  let person: SpeakerMapping;
  if ("memberId" in input) {
    const member = await scope.db.workspaceMember.findFirst({ where: { id: input.memberId }, select: { id: true } });
    if (!member) throw new NotFoundError("Member");
    person = { speakerMemberId: member.id, speakerParticipantId: null };
  } else {
    const participant = await scope.db.meetingParticipant.findFirst({
      where: { id: input.participantId, meetingId: input.meetingId },
      select: { id: true },
    });
    if (!participant) throw new NotFoundError("Participant");
    person = { speakerMemberId: null, speakerParticipantId: participant.id };
  }
  return { updatedSegments: await assignLabel(scope.db, input.meetingId, input.speakerLabel, person) };
}

/**
 * Sets the person of one speaker label across the meeting's current transcript, on `db` (a
 * transaction when several labels change together); NOT_FOUND when no segment has the label. The
 * caller has checked edit access to the meeting and that the person belongs to it.
 */
export async function assignLabel(
  db: Pick<Tx, "transcriptSegment">,
  meetingId: string,
  speakerLabel: string,
  person: SpeakerMapping,
): Promise<number> {
  const result = await db.transcriptSegment.updateMany({
    where: { meetingId, speakerLabel, transcript: { isCurrent: true } },
    data: person,
  });
  if (result.count === 0) throw new NotFoundError("Speaker label");
  return result.count;
}
