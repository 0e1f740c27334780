// The background half of a large transcript import (service.ts stores small files in the request).
//
// A server may have as little as ONE pooled connection (DATABASE_POOL_SIZE=1): a statement that
// takes 10 s would then stop every request of every user for 10 s. So the segments are written in
// batches sized to take about BATCH_TARGET_MS each, every batch its own short transaction that
// also records the progress, with a pause as long as the batch between two, so that other
// requests get the connection at least half of the time. The version becomes current
// only once every segment is in (one short transaction, under the meeting's lock); until then the
// previous version stays current, and search and Ask Mind (which read current versions only) do
// not see the new one. A crash loses nothing: the next attempt resumes after the last batch
// recorded. A job that fails for good marks the version failed, with the reason, and removes
// its partial segments.
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import type { Db } from "@meetmind/db";
import { DomainError } from "../errors.js";
import { PermanentJobError, type JobContext } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import type { AppServices } from "../ports.js";
import { parseColumns, segmentsOf } from "./parse-pool.js";
import { insertSegmentsSql, lockMeeting, speakerMappings, transcriptImportJob, type SpeakerMapping } from "./service.js";
import { FORMAT_NAME } from "./types.js";

/** Each batch should hold the connection about this long. */
const BATCH_TARGET_MS = 100;
const FIRST_BATCH_ROWS = 1_000;
const MIN_BATCH_ROWS = 100;
const MAX_BATCH_ROWS = 5_000;
/** Rows per DELETE when a failed import's partial segments are removed. */
const DELETE_BATCH_ROWS = 2_000;

export interface TranscriptImportJobDeps {
  db: Db;
  log: Logger;
  /** Called once the version is current. */
  transcriptCurrent: AppServices["transcriptCurrent"];
}

/** Rows for the next batch: scaled towards BATCH_TARGET_MS, at most doubling at a time. */
function nextBatchRows(rows: number, elapsedMs: number): number {
  const scaled = Math.round((rows * BATCH_TARGET_MS) / Math.max(elapsedMs, 1));
  return Math.min(MAX_BATCH_ROWS, Math.max(MIN_BATCH_ROWS, Math.min(scaled, rows * 2)));
}

const sameMapping = (a: SpeakerMapping | undefined, b: SpeakerMapping | undefined) =>
  (a?.speakerMemberId ?? null) === (b?.speakerMemberId ?? null) && (a?.speakerParticipantId ?? null) === (b?.speakerParticipantId ?? null);

/** Writes a background import's segments, then makes it current. Idempotent and resumable. */
type Payload = z.infer<typeof transcriptImportJob.payload>;

/** The job's handler, for the composition root to give the worker. */
export const transcriptImportJobHandler = (deps: TranscriptImportJobDeps) =>
  transcriptImportJob.handle(
    (payload, context) => runTranscriptImportJob(deps, payload, context),
    (payload, reason) => failTranscriptImport(deps.db, payload, reason),
  );

export async function runTranscriptImportJob(deps: TranscriptImportJobDeps, { transcriptId }: Payload, context: JobContext): Promise<void> {
  const { db } = deps;
  const transcript = await db.transcript.findUnique({
    where: { id: transcriptId },
    select: {
      status: true,
      meetingId: true,
      workspaceId: true,
      version: true,
      format: true,
      importSource: true,
      importedCount: true,
      segmentCount: true,
    },
  });
  // Gone with its meeting, or finished (or failed) by an earlier run of this job.
  if (transcript?.status !== "importing") return;
  if (transcript.importSource === null) throw new PermanentJobError("the uploaded file is no longer stored");

  let parsed;
  try {
    parsed = await parseColumns(FORMAT_NAME[transcript.format], transcript.importSource);
  } catch (error) {
    // It parsed when it was uploaded; the parser must have changed since. The file will not get better.
    if (error instanceof DomainError) throw new PermanentJobError(`The file could not be read: ${error.message}`, { cause: error });
    throw error;
  }
  if (transcript.segmentCount !== null && parsed.count !== transcript.segmentCount) {
    throw new PermanentJobError(`The file now reads as ${parsed.count} segments, not the ${transcript.segmentCount} it was accepted with`);
  }

  // Mappings as the current version has them now; any made during the import are applied at the end.
  const current = () => db.transcript.findFirst({ where: { meetingId: transcript.meetingId, isCurrent: true }, select: { id: true } });
  const previous = await current();
  const mapped = previous ? await speakerMappings(db, previous.id) : new Map<string | null, SpeakerMapping>();
  const target = { transcriptId, workspaceId: transcript.workspaceId, meetingId: transcript.meetingId };

  let position = transcript.importedCount;
  let rows = FIRST_BATCH_ROWS;
  while (position < parsed.count) {
    context.signal.throwIfAborted();
    const batch = segmentsOf(parsed.columns, position, Math.min(position + rows, parsed.count));
    const done = position + batch.length;
    const started = performance.now();
    // One statement (one round trip, atomic): the rows and the progress that counts them.
    await db.$executeRaw`
      WITH inserted AS (${insertSegmentsSql(target, position, batch, mapped)} RETURNING 1)
      UPDATE transcripts SET imported_count = GREATEST(imported_count, ${done}::int), updated_at = now()
       WHERE id = ${transcriptId}::uuid AND status = 'importing'`;
    const elapsed = performance.now() - started;
    position = done;
    rows = nextBatchRows(rows, elapsed);
    // Requests that queued for the connection during the batch get it now; the pause lets their
    // next queries in too before the following batch queues up behind them.
    await sleep(Math.min(elapsed, 1_000));
  }

  // Mappings made (or removed) on the current version while the batches ran; after a resume, also
  // those an earlier attempt wrote with (it may have seen other mappings than this one).
  const latest = await current();
  if (latest && latest.id === previous?.id) {
    const now = await speakerMappings(db, latest.id);
    const labels = [...new Set([...mapped.keys(), ...now.keys()])];
    const resumed = transcript.importedCount > 0;
    for (const label of labels.filter((label) => resumed || !sameMapping(mapped.get(label), now.get(label)))) {
      await remapLabel(db, transcriptId, parsed.count, label, now.get(label));
    }
  }

  const becameCurrent = await db.$transaction(
    async (tx) => {
      await lockMeeting(tx, transcript.workspaceId, transcript.meetingId);
      // Another run of this job (one whose lease lapsed) may have finished it meanwhile.
      const still = await tx.transcript.findFirst({ where: { id: transcriptId, status: "importing" }, select: { id: true } });
      if (!still) return false;
      // The highest ready version is current: a smaller file imported after this one started and
      // already stored wins, as it would have had this one finished first.
      const newer = await tx.transcript.findFirst({
        where: { meetingId: transcript.meetingId, status: "ready", version: { gt: transcript.version } },
        select: { id: true },
      });
      if (!newer)
        await tx.transcript.updateMany({ where: { meetingId: transcript.meetingId, isCurrent: true }, data: { isCurrent: false } });
      await tx.transcript.update({
        where: { id: transcriptId },
        data: { status: "ready", isCurrent: !newer, importSource: null, importedCount: parsed.count, segmentCount: parsed.count },
      });
      return !newer;
    },
    { timeout: 15_000, maxWait: 10_000 },
  );
  deps.log.info({ transcriptId, segments: parsed.count, current: becameCurrent }, "transcript import finished");
  if (becameCurrent && deps.transcriptCurrent) await deps.transcriptCurrent(db, transcriptId);
}

/** Sets the person of one speaker label across a version, a window of positions at a time. */
async function remapLabel(
  db: Db,
  transcriptId: string,
  count: number,
  label: string | null,
  person: SpeakerMapping | undefined,
): Promise<void> {
  const memberId = person?.speakerMemberId ?? null;
  const participantId = person?.speakerParticipantId ?? null;
  for (let start = 0; start < count; start += MAX_BATCH_ROWS) {
    await db.$executeRaw`
      UPDATE transcript_segments SET speaker_member_id = ${memberId}::uuid, speaker_participant_id = ${participantId}::uuid
       WHERE transcript_id = ${transcriptId}::uuid AND position >= ${start}::int AND position < ${start + MAX_BATCH_ROWS}::int
         AND speaker_label IS NOT DISTINCT FROM ${label}::text
         AND (speaker_member_id IS DISTINCT FROM ${memberId}::uuid OR speaker_participant_id IS DISTINCT FROM ${participantId}::uuid)`;
  }
}

/**
 * The job failed for good: the version is marked failed with the reason (never current), its file
 * is dropped, and its partial segments are deleted in bounded batches.
 */
export async function failTranscriptImport(db: Db, { transcriptId }: Payload, reason: string): Promise<void> {
  const failed = await db.transcript.updateMany({
    where: { id: transcriptId, status: "importing" },
    data: { status: "failed", isCurrent: false, importSource: null, failureReason: reason.slice(0, 2_000) },
  });
  if (failed.count === 0) return;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM transcript_segments
       WHERE id IN (SELECT id FROM transcript_segments WHERE transcript_id = ${transcriptId}::uuid LIMIT ${DELETE_BATCH_ROWS}::int)`;
    if (deleted === 0) break;
    await sleep(20);
  }
}
