// An interview's transcript IS its meeting's transcript: imported, read and mapped through the
// transcripts service (the same parsers, limits, versions and background import), on the
// interview's meeting. An interview without one gets one with its first transcript, in the import's
// own transaction: a private interview meeting named after the position and stage, never the candidate.
//
// Speakers are mapped to the candidate (a meeting participant with role `candidate`, made once per
// meeting) or to a panelist (their member id). What the interview summary calls the candidate's
// words are the segments whose speaker_participant_id is that participant.
import { Prisma, queryRows } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { requireInterview } from "../tenancy/interview-access.js";
import { requireMeetingAccess } from "../tenancy/meeting-access.js";
import { requireMembers } from "../tenancy/members.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { assignLabel, getTranscript, importTranscriptInto, lockMeeting, type SpeakerMapping } from "../transcripts/service.js";
import type { HiringTx } from "./events.js";
import type {
  GetInterviewTranscriptInput,
  ImportInterviewTranscriptInput,
  InterviewTranscriptOutput,
  MapSpeakersInput,
} from "./schemas.js";

/** The meeting made for an interview's first transcript. */
async function createInterviewMeeting(tx: HiringTx, scope: WorkspaceScope, interview: InterviewFacts): Promise<string> {
  const meeting = await tx.meeting.create({
    data: {
      workspaceId: scope.workspaceId,
      createdById: scope.userId,
      title: `Interview: ${interview.positionTitle} (${interview.stage})`,
      visibility: "private",
      isInterview: true,
      status: "completed",
      scheduledStart: interview.scheduledAt,
      scheduledEnd: new Date(interview.scheduledAt.getTime() + interview.durationMinutes * 60_000),
    },
    select: { id: true },
  });
  await tx.interview.update({ where: { id: interview.id }, data: { meetingId: meeting.id }, select: { id: true } });
  return meeting.id;
}

interface InterviewFacts {
  id: string;
  meetingId: string | null;
  positionTitle: string;
  stage: string;
  scheduledAt: Date;
  durationMinutes: number;
}

/**
 * Imports onto the interview's meeting (made here when it has none). The panel and interview
 * managers may: they hold edit access to interview meetings. Answers the meeting and the version.
 */
export async function importInterviewTranscript(scope: WorkspaceScope, meta: RequestMeta, input: ImportInterviewTranscriptInput) {
  const interview = await requireInterview(scope, input.interviewId);
  // A linked meeting since deleted is NOT_FOUND here, as for transcripts.import.
  if (interview.meetingId) await requireMeetingAccess(scope, interview.meetingId, "edit");
  let meetingId = "";
  const transcript = await importTranscriptInto(
    scope,
    async (tx) => {
      // Under the interview's lock: two first imports at once make one meeting.
      const [facts] = await tx.$queryRaw<InterviewFacts[]>`
        SELECT id, meeting_id AS "meetingId", position_title AS "positionTitle", stage, scheduled_at AS "scheduledAt",
               duration_minutes AS "durationMinutes"
          FROM interviews WHERE id = ${interview.id}::uuid AND workspace_id = ${scope.workspaceId}::uuid FOR UPDATE`;
      if (!facts) throw new NotFoundError("Interview");
      meetingId = facts.meetingId ?? (await createInterviewMeeting(tx, scope, facts));
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "interview.transcript_imported",
        targetType: "interview",
        targetId: interview.id,
        metadata: { meetingId, format: input.format },
      });
      return meetingId;
    },
    input,
  );
  return { meetingId, transcript };
}

interface InterviewPeople {
  candidateParticipantIds: string[];
  panel: string[];
}

/** The interview meeting's candidate participants and the interview's panel. */
async function peopleOf(scope: WorkspaceScope, interviewId: string, meetingId: string): Promise<InterviewPeople> {
  const [row] = await queryRows<InterviewPeople>(
    scope.db,
    Prisma.sql`
    SELECT coalesce((SELECT array_agg(p.id::text) FROM meeting_participants p
                      WHERE p.meeting_id = ${meetingId}::uuid AND p.workspace_id = ${scope.workspaceId}::uuid AND p.role = 'candidate'),
                    '{}') AS "candidateParticipantIds",
           coalesce((SELECT array_agg(ip.member_id::text) FROM interview_panelists ip
                      WHERE ip.interview_id = ${interviewId}::uuid AND ip.workspace_id = ${scope.workspaceId}::uuid),
                    '{}') AS panel`,
  );
  return row ?? { candidateParticipantIds: [], panel: [] };
}

/** The current transcript of the interview's meeting (or an older version), each speaker's role in the interview. */
export async function getInterviewTranscript(
  scope: WorkspaceScope,
  input: GetInterviewTranscriptInput,
): Promise<InterviewTranscriptOutput> {
  const interview = await requireInterview(scope, input.interviewId);
  if (!interview.meetingId) throw new NotFoundError("Transcript");
  const { interviewId, ...page } = input;
  const [transcript, people] = await Promise.all([
    getTranscript(scope, { ...page, meetingId: interview.meetingId }),
    peopleOf(scope, interviewId, interview.meetingId),
  ]);
  const candidate = new Set(people.candidateParticipantIds);
  const panel = new Set(people.panel);
  return {
    ...transcript,
    meetingId: interview.meetingId,
    segments: transcript.segments.map((segment) => {
      const speaker = segment.speaker;
      if (speaker?.participantId && candidate.has(speaker.participantId))
        return { ...segment, speakerRole: { kind: "candidate" as const } };
      if (speaker?.memberId && panel.has(speaker.memberId)) {
        return { ...segment, speakerRole: { kind: "interviewer" as const, memberId: speaker.memberId } };
      }
      return { ...segment, speakerRole: { kind: "unknown" as const } };
    }),
  };
}

/**
 * Maps speaker labels of the current transcript to the candidate or to panelists, all or none (one
 * transaction). The candidate's participant is made on first use, named as the candidate.
 */
export async function mapInterviewSpeakers(scope: WorkspaceScope, input: MapSpeakersInput) {
  const interview = await requireInterview(scope, input.interviewId);
  if (!interview.meetingId) throw new NotFoundError("Transcript");
  const meetingId = interview.meetingId;
  await requireMeetingAccess(scope, meetingId, "edit");
  const memberIds = input.speakers.flatMap((speaker) => ("memberId" in speaker ? [speaker.memberId] : []));
  // Another workspace's member is NOT_FOUND; this workspace's, off the panel, is a mistake in the input.
  await requireMembers(scope, memberIds);
  const { panel } = await peopleOf(scope, interview.id, meetingId);
  const offPanel = memberIds.find((memberId) => !panel.includes(memberId));
  if (offPanel) throw new ValidationError(`Member ${offPanel} is not on this interview's panel`);
  const wantsCandidate = input.speakers.some((speaker) => "candidate" in speaker);
  let candidateName: string | null = null;
  if (wantsCandidate) {
    const candidate = interview.candidateId
      ? await scope.db.candidate.findFirst({ where: { id: interview.candidateId }, select: { name: true } })
      : null;
    if (!candidate) throw new NotFoundError("Candidate");
    candidateName = candidate.name;
  }
  return scope.db.$transaction(async (tx) => {
    await lockMeeting(tx, scope.workspaceId, meetingId);
    // Under the meeting's lock, which letting the meeting go also takes (interviews/service.ts): it is
    // still this interview's, so the candidate's participant is not made in a meeting just unlinked.
    if ((await tx.interview.count({ where: { id: interview.id, meetingId } })) === 0) throw new NotFoundError("Transcript");
    let candidateParticipantId: string | null = null;
    if (candidateName !== null) {
      const existing = await tx.meetingParticipant.findFirst({ where: { meetingId, role: "candidate" }, select: { id: true } });
      candidateParticipantId =
        existing?.id ??
        (
          await tx.meetingParticipant.create({
            data: { workspaceId: scope.workspaceId, meetingId, name: candidateName, role: "candidate" },
            select: { id: true },
          })
        ).id;
    }
    let updatedSegments = 0;
    for (const speaker of input.speakers) {
      const person: SpeakerMapping =
        "memberId" in speaker
          ? { speakerMemberId: speaker.memberId, speakerParticipantId: null }
          : { speakerMemberId: null, speakerParticipantId: candidateParticipantId };
      updatedSegments += await assignLabel(tx, meetingId, speaker.label, person);
    }
    return { updatedSegments, candidateParticipantId };
  });
}
