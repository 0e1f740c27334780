// Loads QMSum meetings into a workspace through the same storeTranscript path an import takes.
import type { Db } from "@meetmind/db";
import { scopedDb } from "@meetmind/db";
import { storeTranscript } from "../transcripts/service.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { listQmsumMeetings, qmsumSegments, readQmsumMeeting, type QmsumMeeting, type QmsumSplit } from "./corpus.js";

export interface SeededMeeting {
  meeting: QmsumMeeting;
  meetingId: string;
  /** segmentIds[i] is the segment of turn i. */
  segmentIds: string[];
}

export interface SeedOptions {
  splits: QmsumSplit[];
  /** Called after each meeting, for progress reporting. */
  onMeeting?: (done: number, total: number, meeting: QmsumMeeting) => void;
  /** Keep the turn-to-segment id mapping (evaluation needs it; seeding does not). */
  keepSegmentIds?: boolean;
  dir?: string;
}

/** Creates one meeting per QMSum file in the workspace, scheduled a day apart, with its transcript. */
export async function seedQmsum(
  db: Db,
  owner: { workspaceId: string; userId: string; memberId: string },
  options: SeedOptions,
): Promise<SeededMeeting[]> {
  const scope: WorkspaceScope = {
    db: scopedDb(db, owner.workspaceId),
    workspaceId: owner.workspaceId,
    userId: owner.userId,
    role: "owner",
    memberId: owner.memberId,
    grants: [],
  };
  const files = (
    await Promise.all(options.splits.map(async (split) => (await listQmsumMeetings(split, options.dir)).map((file) => ({ file, split }))))
  ).flat();
  const seeded: SeededMeeting[] = [];
  let day = 0;
  for (const { file, split } of files) {
    const meeting = await readQmsumMeeting(file, split);
    const created = await scope.db.meeting.create({
      data: {
        workspaceId: scope.workspaceId,
        createdById: scope.userId,
        title: `QMSum ${meeting.id}`,
        description:
          meeting.topics
            .map((topic) => topic.topic)
            .slice(0, 8)
            .join("; ") || null,
        status: "completed",
        platform: "other",
        scheduledStart: new Date(Date.UTC(2024, 0, 1) + day++ * 86_400_000),
        externalId: `qmsum:${meeting.id}`,
        tags: ["qmsum", split],
      },
      select: { id: true },
    });
    const transcript = await storeTranscript(scope, {
      meetingId: created.id,
      format: "json",
      language: "en",
      segments: qmsumSegments(meeting),
      source: "api",
    });
    const segmentIds = options.keepSegmentIds
      ? (
          await scope.db.transcriptSegment.findMany({
            where: { transcriptId: transcript.id },
            orderBy: { position: "asc" },
            select: { id: true },
          })
        ).map((s) => s.id)
      : [];
    seeded.push({ meeting, meetingId: created.id, segmentIds });
    options.onMeeting?.(seeded.length, files.length, meeting);
  }
  return seeded;
}
