// Interviews: a candidate, a position, a stage from the workspace's ordered list, a time, a panel of
// interviewers, optionally the meeting it happens in. Who sees one is tenancy/interview-access.ts
// (managers and the panel; nobody else, NOT_FOUND); creating, changing and cancelling one need
// `interviews:manage` (the procedure checks it). Scheduling, rescheduling and cancelling are hiring
// events (events.ts): audited and emailed to the panel and hiring managers in the same transaction.
//
// An interview's meeting is an interview meeting (`meetings.is_interview`): its transcript, search
// hits and Ask Mind citations follow the interview rule. Linking a meeting makes it one, for good.
// Once it holds the candidate's words (any transcript, or a 'candidate' participant) it stays this
// interview's: unlinking or relinking is refused, since erasing the candidate finds their meetings
// through their interviews. A meeting unlinked before that stays an interview meeting (interview
// managers only), and no meeting that is or was another interview's, or that names a candidate, can
// be linked.
import { Prisma, queryRows } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { toPage } from "../shared/schemas.js";
import { resolveStageName } from "../shared/stages.js";
import {
  candidateVisibleSql,
  interviewVisibleSql,
  managesInterviews,
  requireCandidate,
  requireInterview,
} from "../tenancy/interview-access.js";
import { requireMeetingAccess } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { lockMeeting } from "../transcripts/service.js";
import { publishHiringEvent, type HiringTx } from "./events.js";
import type {
  CancelInterviewInput,
  CreateInterviewInput,
  InterviewIdInput,
  InterviewOutput,
  ListInterviewsInput,
  SetStagesInput,
  UpdateInterviewInput,
} from "./schemas.js";

/** What publishing a hiring event needs from the request. */
export interface EventContext {
  meta: RequestMeta;
  /** The web app's base URL, for the emails' links. */
  appUrl: string;
}

type Reader = Pick<HiringTx, "$queryRaw" | "scorecardTemplate">;

// ─── Reading ─────────────────────────────────────────────────────────────────

interface InterviewRow extends Omit<InterviewOutput, "myRole"> {
  onPanel: boolean;
}

/** Interviews the caller may see, matching `conditions`, in (scheduled_at, id) order: one statement. */
async function readInterviews(scope: WorkspaceScope, conditions: Prisma.Sql[], limit: number): Promise<InterviewOutput[]> {
  const rows = await queryRows<InterviewRow>(
    scope.db,
    Prisma.sql`
    SELECT i.id, i.position_title AS "positionTitle", i.stage, i.scheduled_at AS "scheduledAt",
           i.duration_minutes AS "durationMinutes", i.status::text AS status, i.cancelled_at AS "cancelledAt",
           i.cancel_reason AS "cancelReason", i.template_id AS "templateId", i.meeting_id AS "meetingId",
           i.created_at AS "createdAt", i.updated_at AS "updatedAt",
           CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name) END AS candidate,
           coalesce((SELECT json_agg(json_build_object('memberId', wm.id, 'userId', wm.user_id, 'name', coalesce(u.full_name, u.email))
                                     ORDER BY p.id)
                       FROM interview_panelists p
                       JOIN workspace_members wm ON wm.id = p.member_id AND wm.workspace_id = i.workspace_id
                       JOIN users u ON u.id = wm.user_id
                      WHERE p.interview_id = i.id AND p.workspace_id = i.workspace_id), '[]'::json) AS panel,
           EXISTS (SELECT 1 FROM interview_panelists p WHERE p.interview_id = i.id AND p.member_id = ${scope.memberId}::uuid) AS "onPanel"
      FROM interviews i
      LEFT JOIN candidates c ON c.id = i.candidate_id AND c.workspace_id = i.workspace_id
     WHERE i.workspace_id = ${scope.workspaceId}::uuid AND ${interviewVisibleSql("i", scope)}
       AND ${Prisma.join(conditions.length > 0 ? conditions : [Prisma.sql`TRUE`], " AND ")}
     ORDER BY i.scheduled_at, i.id
     LIMIT ${limit}`,
  );
  const manage = managesInterviews(scope);
  return rows.map(({ onPanel, ...interview }) => ({ ...interview, myRole: { onPanel, manage } }));
}

export async function getInterview(scope: WorkspaceScope, input: InterviewIdInput): Promise<InterviewOutput> {
  const [interview] = await readInterviews(scope, [Prisma.sql`i.id = ${input.interviewId}::uuid`], 1);
  if (!interview) throw new NotFoundError("Interview");
  return interview;
}

export async function listInterviews(scope: WorkspaceScope, input: ListInterviewsInput) {
  const conditions: Prisma.Sql[] = [];
  if (input.candidateId) {
    // A candidate the caller may not see (or another workspace's) is NOT_FOUND, not an empty page.
    await requireVisibleCandidate(scope, input.candidateId);
    conditions.push(Prisma.sql`i.candidate_id = ${input.candidateId}::uuid`);
  }
  if (input.status) conditions.push(Prisma.sql`i.status = ${input.status}::interview_status`);
  if (input.stage) conditions.push(Prisma.sql`lower(i.stage) = lower(${input.stage})`);
  if (input.positionTitle) conditions.push(Prisma.sql`lower(i.position_title) = lower(${input.positionTitle})`);
  if (input.from) conditions.push(Prisma.sql`i.scheduled_at >= ${input.from}`);
  if (input.to) conditions.push(Prisma.sql`i.scheduled_at <= ${input.to}`);
  if (input.mine) {
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM interview_panelists mp WHERE mp.interview_id = i.id AND mp.member_id = ${scope.memberId}::uuid)`,
    );
  }
  if (input.cursor) {
    // Keyset on (scheduled_at, id), the index's order; a cursor that names no interview ends the list.
    conditions.push(Prisma.sql`(i.scheduled_at, i.id) > (
      SELECT cur.scheduled_at, cur.id FROM interviews cur WHERE cur.id = ${input.cursor}::uuid AND cur.workspace_id = ${scope.workspaceId}::uuid)`);
  }
  return toPage(await readInterviews(scope, conditions, input.limit + 1), input.limit);
}

/** Live or soft-deleted: the interviews of a deleted candidate stay listable. */
async function requireVisibleCandidate(scope: WorkspaceScope, candidateId: string): Promise<void> {
  const rows = await queryRows<{ id: string }>(
    scope.db,
    Prisma.sql`SELECT c.id FROM candidates c
     WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.id = ${candidateId}::uuid AND ${candidateVisibleSql("c", scope)}`,
  );
  if (rows.length === 0) throw new NotFoundError("Candidate");
}

// ─── What an interview is made of ────────────────────────────────────────────

/**
 * The panel's members: each a member of this workspace (else NOT_FOUND, as tenancy/members.ts
 * answers any foreign member id) who may write (a viewer only reads, so cannot score: BAD_REQUEST).
 * Read FOR SHARE: inside a transaction, no member can be removed (or change role) before it ends,
 * so the panel rows written after this cannot point at a member that went meanwhile.
 */
async function requirePanel(db: Reader, workspaceId: string, memberIds: readonly string[]): Promise<string[]> {
  const members = await db.$queryRaw<{ id: string; role: string; name: string }[]>`
    SELECT wm.id, wm.role::text AS role, coalesce(u.full_name, u.email) AS name
      FROM workspace_members wm JOIN users u ON u.id = wm.user_id
     WHERE wm.workspace_id = ${workspaceId}::uuid AND wm.id = ANY(${[...memberIds]}::uuid[])
       FOR SHARE OF wm`;
  const byId = new Map(members.map((member) => [member.id, member]));
  for (const id of memberIds) if (!byId.has(id)) throw new NotFoundError("Member");
  const viewer = members.find((member) => member.role === "viewer");
  if (viewer) throw new ValidationError(`${viewer.name} is a viewer and cannot sit on a panel; give them the member role first`);
  return [...memberIds];
}

/** The live template with this id, else NOT_FOUND; read FOR SHARE (not archived before a transaction ends). */
async function requireTemplate(db: Reader, workspaceId: string, templateId: string): Promise<string> {
  const [template] = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM scorecard_templates
     WHERE workspace_id = ${workspaceId}::uuid AND id = ${templateId}::uuid AND archived_at IS NULL FOR SHARE`;
  if (!template) throw new NotFoundError("Scorecard template");
  return template.id;
}

/**
 * The candidate is still there, live, and stays so until the transaction ends (FOR SHARE: erasing or
 * deleting them waits), so the interview row written after this cannot point at a vanished one.
 * Visibility was checked before the transaction (requireCandidate).
 */
async function lockCandidate(tx: HiringTx, workspaceId: string, candidateId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM candidates WHERE workspace_id = ${workspaceId}::uuid AND id = ${candidateId}::uuid AND deleted_at IS NULL FOR SHARE`;
  if (rows.length === 0) throw new NotFoundError("Candidate");
}

/** The live template for this position (case aside), if there is one. */
async function templateForPosition(db: Reader, positionTitle: string): Promise<string | null> {
  const template = await db.scorecardTemplate.findFirst({
    where: { archivedAt: null, positionTitle: { equals: positionTitle, mode: "insensitive" } },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return template?.id ?? null;
}

/**
 * The workspace's stage matching `stage` (case aside), spelt as the list spells it; BAD_REQUEST
 * naming the list otherwise. Reads the list under a share lock, so `stages.set` cannot remove the
 * stage before this transaction ends.
 */
async function resolveStage(tx: HiringTx, workspaceId: string, stage: string): Promise<string> {
  return resolveStageName(await lockedStages(tx, workspaceId, "share"), stage);
}

async function lockedStages(tx: HiringTx, workspaceId: string, lock: "share" | "update"): Promise<string[]> {
  const rows = await tx.$queryRaw<{ stages: string[] }[]>`
    SELECT interview_stages AS stages FROM workspaces WHERE id = ${workspaceId}::uuid
       ${lock === "share" ? Prisma.sql`FOR SHARE` : Prisma.sql`FOR NO KEY UPDATE`}`;
  return rows[0]?.stages ?? [];
}

/**
 * A meeting the caller may link to an interview: they manage it (its owner or a workspace admin;
 * for a meeting already an interview's, an interview manager). Not visible → NOT_FOUND.
 */
async function requireLinkableMeeting(scope: WorkspaceScope, meetingId: string): Promise<string> {
  const meeting = await requireMeetingAccess(scope, meetingId, "edit");
  if (!meeting.manage) {
    throw new ForbiddenError("Only the meeting's owner or a workspace admin can make it an interview's meeting", "insufficient_access");
  }
  return meeting.id;
}

const meetingInUse = (message: string) => new ConflictError(message, "interview_meeting_in_use");

/** What ties a meeting to a candidate: a transcript (their words, maybe) or a 'candidate' participant. */
async function candidateTraces(tx: HiringTx, meetingId: string): Promise<{ transcript: boolean; candidate: boolean }> {
  const [row] = await tx.$queryRaw<{ transcript: boolean; candidate: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM transcripts t WHERE t.meeting_id = ${meetingId}::uuid) AS transcript,
           EXISTS (SELECT 1 FROM meeting_participants p WHERE p.meeting_id = ${meetingId}::uuid AND p.role = 'candidate') AS candidate`;
  return row ?? { transcript: false, candidate: false };
}

/**
 * Makes the meeting an interview meeting, under its lock. CONFLICT when another interview holds it,
 * when it was one before (an unlinked interview meeting: its access followed another panel), or when
 * it has a 'candidate' participant (named after someone else, whom speaker mapping would reuse).
 */
async function linkMeeting(tx: HiringTx, workspaceId: string, meetingId: string, interviewId: string | null): Promise<void> {
  await lockMeeting(tx, workspaceId, meetingId);
  const other = await tx.interview.findFirst({
    where: { meetingId, ...(interviewId ? { id: { not: interviewId } } : {}) },
    select: { id: true },
  });
  if (other) throw meetingInUse("This meeting is already another interview's meeting");
  // Never this interview's own meeting: an unchanged meetingId does not come here.
  const meeting = await tx.meeting.findFirst({ where: { id: meetingId }, select: { isInterview: true } });
  if (meeting?.isInterview) throw meetingInUse("This meeting was another interview's meeting");
  if ((await candidateTraces(tx, meetingId)).candidate) throw meetingInUse("This meeting already has a candidate");
  await tx.meeting.update({ where: { id: meetingId }, data: { isInterview: true }, select: { id: true } });
}

/**
 * The interview's meeting may be let go (unlinked or replaced) only while nothing of the candidate
 * is in it: under its lock, so no transcript import or speaker mapping lands in between.
 */
async function releaseMeeting(tx: HiringTx, workspaceId: string, meetingId: string): Promise<void> {
  await lockMeeting(tx, workspaceId, meetingId);
  const traces = await candidateTraces(tx, meetingId);
  if (traces.transcript || traces.candidate) {
    throw meetingInUse(
      "This interview's meeting has a transcript or the candidate as a participant; it stays this interview's, so erasing the candidate reaches it",
    );
  }
}

async function setPanel(tx: HiringTx, workspaceId: string, interviewId: string, memberIds: readonly string[]): Promise<void> {
  await tx.interviewPanelist.deleteMany({ where: { interviewId, memberId: { notIn: [...memberIds] } } });
  await tx.interviewPanelist.createMany({
    data: memberIds.map((memberId) => ({ workspaceId, interviewId, memberId })),
    skipDuplicates: true,
  });
}

// ─── Changing ────────────────────────────────────────────────────────────────

export async function createInterview(scope: WorkspaceScope, events: EventContext, input: CreateInterviewInput): Promise<InterviewOutput> {
  // Every id first: one the caller may not see is NOT_FOUND before anything else is said about it.
  await requireCandidate(scope, input.candidateId);
  await requirePanel(scope.db, scope.workspaceId, input.panelMemberIds);
  if (input.templateId) await requireTemplate(scope.db, scope.workspaceId, input.templateId);
  const meetingId = input.meetingId ? await requireLinkableMeeting(scope, input.meetingId) : null;
  const interviewId = await scope.db.$transaction(async (tx) => {
    // Again, under locks: a candidate erased, a member removed or a template archived since the
    // checks above is NOT_FOUND here, not a foreign-key violation at the insert.
    await lockCandidate(tx, scope.workspaceId, input.candidateId);
    const panel = await requirePanel(tx, scope.workspaceId, input.panelMemberIds);
    const chosenTemplate = input.templateId ? await requireTemplate(tx, scope.workspaceId, input.templateId) : null;
    const stage = await resolveStage(tx, scope.workspaceId, input.stage);
    if (meetingId) await linkMeeting(tx, scope.workspaceId, meetingId, null);
    const interview = await tx.interview.create({
      data: {
        workspaceId: scope.workspaceId,
        candidateId: input.candidateId,
        positionTitle: input.positionTitle,
        stage,
        scheduledAt: input.scheduledAt,
        durationMinutes: input.durationMinutes,
        templateId: chosenTemplate ?? (await templateForPosition(tx, input.positionTitle)),
        meetingId,
        createdById: scope.userId,
      },
      select: { id: true },
    });
    await setPanel(tx, scope.workspaceId, interview.id, panel);
    await publishHiringEvent(
      tx,
      { workspaceId: scope.workspaceId, ...events },
      { name: "interview.scheduled", interviewId: interview.id, rescheduled: false },
    );
    return interview.id;
  });
  return getInterview(scope, { interviewId });
}

interface LockedInterview {
  status: InterviewOutput["status"];
  positionTitle: string;
  stage: string;
  scheduledAt: Date;
  durationMinutes: number;
  templateId: string | null;
  meetingId: string | null;
  panel: string[];
}

/** The interview's row under FOR UPDATE (changes to one interview queue), with its panel. */
async function lockInterview(tx: HiringTx, workspaceId: string, interviewId: string): Promise<LockedInterview> {
  const [row] = await tx.$queryRaw<Omit<LockedInterview, "panel">[]>`
    SELECT status::text AS status, position_title AS "positionTitle", stage, scheduled_at AS "scheduledAt",
           duration_minutes AS "durationMinutes", template_id AS "templateId", meeting_id AS "meetingId"
      FROM interviews WHERE id = ${interviewId}::uuid AND workspace_id = ${workspaceId}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError("Interview");
  const panel = await tx.interviewPanelist.findMany({ where: { interviewId }, select: { memberId: true } });
  return { ...row, panel: panel.map((p) => p.memberId) };
}

const cancelledAlready = () => new ConflictError("This interview was cancelled; schedule a new one instead");

export async function updateInterview(scope: WorkspaceScope, events: EventContext, input: UpdateInterviewInput): Promise<InterviewOutput> {
  await requireInterview(scope, input.interviewId);
  if (input.panelMemberIds) await requirePanel(scope.db, scope.workspaceId, input.panelMemberIds);
  if (input.templateId) await requireTemplate(scope.db, scope.workspaceId, input.templateId);
  const meetingId = input.meetingId ? await requireLinkableMeeting(scope, input.meetingId) : input.meetingId;
  await scope.db.$transaction(async (tx) => {
    const current = await lockInterview(tx, scope.workspaceId, input.interviewId);
    if (current.status === "cancelled") throw cancelledAlready();
    // Again, under locks (see createInterview): what went since the checks above is NOT_FOUND.
    const panel = input.panelMemberIds ? await requirePanel(tx, scope.workspaceId, input.panelMemberIds) : undefined;
    const templateId = input.templateId ? await requireTemplate(tx, scope.workspaceId, input.templateId) : input.templateId;
    const stage = input.stage === undefined ? undefined : await resolveStage(tx, scope.workspaceId, input.stage);
    // The fields given that differ from the stored ones.
    const fields = { positionTitle: input.positionTitle, stage, status: input.status, templateId, meetingId };
    const data = Object.fromEntries(
      Object.entries(fields).filter(([field, value]) => value !== undefined && value !== current[field as keyof typeof fields]),
    ) as Partial<typeof fields>;
    const changed = Object.keys(data);
    if (data.templateId !== undefined) {
      // The panel's submitted scores are against the old template's categories.
      const submitted = await tx.interviewScorecard.count({ where: { interviewId: input.interviewId, submittedAt: { not: null } } });
      if (submitted > 0) throw new ConflictError("Scorecards were already submitted against this interview's template");
    }
    if (data.meetingId !== undefined && current.meetingId) await releaseMeeting(tx, scope.workspaceId, current.meetingId);
    if (data.meetingId) await linkMeeting(tx, scope.workspaceId, data.meetingId, input.interviewId);
    const schedule = {
      ...(input.scheduledAt !== undefined && input.scheduledAt.getTime() !== current.scheduledAt.getTime()
        ? { scheduledAt: input.scheduledAt }
        : {}),
      ...(input.durationMinutes !== undefined && input.durationMinutes !== current.durationMinutes
        ? { durationMinutes: input.durationMinutes }
        : {}),
    };
    const rescheduled = Object.keys(schedule).length > 0;
    const panelChanged =
      panel !== undefined && (panel.length !== current.panel.length || panel.some((memberId) => !current.panel.includes(memberId)));
    if (panel && panelChanged) await setPanel(tx, scope.workspaceId, input.interviewId, panel);
    if (changed.length === 0 && !rescheduled && !panelChanged) return;
    await tx.interview.update({ where: { id: input.interviewId }, data: { ...data, ...schedule }, select: { id: true } });
    const context = { workspaceId: scope.workspaceId, ...events };
    if (rescheduled || panelChanged) {
      await publishHiringEvent(tx, context, { name: "interview.scheduled", interviewId: input.interviewId, rescheduled: true });
    }
    if (changed.length > 0) {
      await recordAudit(tx, scope.workspaceId, events.meta, {
        action: "interview.updated",
        targetType: "interview",
        targetId: input.interviewId,
        metadata: { fields: changed },
      });
    }
  });
  return getInterview(scope, { interviewId: input.interviewId });
}

/** Cancelling twice is fine (nothing happens the second time); a held interview cannot be. */
export async function cancelInterview(scope: WorkspaceScope, events: EventContext, input: CancelInterviewInput): Promise<InterviewOutput> {
  await requireInterview(scope, input.interviewId);
  await scope.db.$transaction(async (tx) => {
    const current = await lockInterview(tx, scope.workspaceId, input.interviewId);
    if (current.status === "cancelled") return;
    if (current.status !== "scheduled") throw new ConflictError(`This interview is ${current.status.replace("_", "-")}, not scheduled`);
    await tx.interview.update({
      where: { id: input.interviewId },
      data: { status: "cancelled", cancelledAt: new Date(), cancelReason: input.reason || null },
      select: { id: true },
    });
    await publishHiringEvent(
      tx,
      { workspaceId: scope.workspaceId, ...events },
      { name: "interview.cancelled", interviewId: input.interviewId },
    );
  });
  return getInterview(scope, { interviewId: input.interviewId });
}

// ─── Stages ──────────────────────────────────────────────────────────────────

export async function getStages(scope: WorkspaceScope): Promise<{ stages: string[] }> {
  const workspace = await scope.db.workspace.findUnique({ where: { id: scope.workspaceId }, select: { interviewStages: true } });
  if (!workspace) throw new NotFoundError("Workspace");
  return { stages: workspace.interviewStages };
}

/**
 * Replaces the ordered list. A stage may not go while a live interview (not cancelled) or a live
 * candidate (not deleted) is at it: CONFLICT naming it. A change of case only is no removal.
 */
export async function setStages(scope: WorkspaceScope, meta: RequestMeta, input: SetStagesInput): Promise<{ stages: string[] }> {
  return scope.db.$transaction(async (tx) => {
    const before = await lockedStages(tx, scope.workspaceId, "update");
    const kept = new Set(input.stages.map((stage) => stage.toLowerCase()));
    const removed = before.filter((stage) => !kept.has(stage.toLowerCase())).map((stage) => stage.toLowerCase());
    if (removed.length > 0) {
      const [used] = await tx.$queryRaw<{ stage: string; what: string }[]>`
        SELECT stage, 'an interview' AS what FROM interviews
         WHERE workspace_id = ${scope.workspaceId}::uuid AND status <> 'cancelled' AND lower(stage) = ANY(${removed}::text[])
        UNION ALL
        SELECT stage, 'a candidate' AS what FROM candidates
         WHERE workspace_id = ${scope.workspaceId}::uuid AND deleted_at IS NULL AND lower(stage) = ANY(${removed}::text[])
        LIMIT 1`;
      if (used) throw new ConflictError(`The stage "${used.stage}" is still used by ${used.what}; move it to another stage first`);
    }
    await tx.workspace.update({ where: { id: scope.workspaceId }, data: { interviewStages: input.stages }, select: { id: true } });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "interview_stages.updated",
      targetType: "workspace",
      targetId: scope.workspaceId,
      metadata: { from: before, to: input.stages },
    });
    return { stages: input.stages };
  });
}
