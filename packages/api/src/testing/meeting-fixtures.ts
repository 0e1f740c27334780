// Meetings with transcripts written straight to the database, for tests that need exact data
// (dates, deletions, old versions) rather than what the procedures would make.
import type { Db } from "@meetmind/db";
import type { ParsedSegment } from "../transcripts/types.js";

export interface MeetingFixture {
  title: string;
  scheduledStart?: Date | null;
  createdAt?: Date;
  deleted?: boolean;
  tags?: string[];
  participantMemberIds?: string[];
  /** Transcript versions, oldest first; the last one is current. */
  versions: ParsedSegment[][];
}

export async function insertMeetingFixture(db: Db, workspaceId: string, fixture: MeetingFixture): Promise<string> {
  const meeting = await db.meeting.create({
    data: {
      workspaceId,
      title: fixture.title,
      scheduledStart: fixture.scheduledStart ?? null,
      ...(fixture.createdAt ? { createdAt: fixture.createdAt } : {}),
      deletedAt: fixture.deleted ? new Date() : null,
      tags: fixture.tags ?? [],
    },
    select: { id: true },
  });
  for (const memberId of fixture.participantMemberIds ?? []) {
    await db.meetingParticipant.create({ data: { workspaceId, meetingId: meeting.id, memberId } });
  }
  for (const [index, segments] of fixture.versions.entries()) {
    const transcript = await db.transcript.create({
      data: { meetingId: meeting.id, workspaceId, version: index + 1, isCurrent: index === fixture.versions.length - 1 },
      select: { id: true },
    });
    await db.transcriptSegment.createMany({
      data: segments.map((segment, position) => ({
        transcriptId: transcript.id,
        workspaceId,
        meetingId: meeting.id,
        position,
        speakerLabel: segment.speaker,
        startMs: segment.startMs,
        endMs: segment.endMs,
        text: segment.text,
      })),
    });
  }
  return meeting.id;
}

/** Turns as [speaker, text], one a second. */
export const turnsToSegments = (turns: [string, string][]): ParsedSegment[] =>
  turns.map(([speaker, text], position) => ({ speaker, text, startMs: position * 1000, endMs: position * 1000 + 900 }));
