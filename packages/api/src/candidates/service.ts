// Candidates: the people a workspace interviews. Who sees one is the interview rule
// (tenancy/interview-access.ts): hiring managers (`interviews:manage`) see every candidate, a
// panelist the candidates of the interviews they sit on, nobody else (NOT_FOUND). Creating,
// changing, deleting, restoring and erasing need `interviews:manage` (declared on the procedures).
//
// A candidate's personal data (name, email, phone, links, notes) is never written to the audit log:
// erasure (`eraseCandidate`) must be able to remove every trace of it, and the log is append-only.
import { isUniqueViolation, Prisma, queryRows, type ScopedDb } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { toPage } from "../shared/schemas.js";
import { resolveStageName } from "../shared/stages.js";
import { candidateVisibleSql, interviewVisibleSql, managesInterviews, requireCandidate } from "../tenancy/interview-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import {
  INTERVIEWS_IN_GET,
  type CandidateIdInput,
  type CandidateOutput,
  type CreateCandidateInput,
  type ListCandidatesInput,
  type UpdateCandidateInput,
} from "./schemas.js";

/** A transaction on the workspace-scoped client. */
type Tx = Parameters<Parameters<ScopedDb["$transaction"]>[0]>[0];

const candidateSelect = {
  id: true,
  name: true,
  email: true,
  phone: true,
  links: true,
  positionTitle: true,
  stage: true,
  source: true,
  notes: true,
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
} as const;

/** The SQL columns of CandidateOutput, named as the output names them. */
const COLUMNS = Prisma.sql`c.id, c.name, c.email, c.phone, c.links, c.position_title AS "positionTitle", c.stage, c.source,
  c.notes, c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.deleted_at AS "deletedAt"`;

/** The id is in the message so a client can open the existing candidate instead. */
const emailTaken = (existingId: string) =>
  new ConflictError(`A candidate with this email already exists in this workspace (candidate ${existingId})`, "candidate_email_taken");

/** The live candidate holding `email`, other than `exceptId`. */
async function holderOf(db: Pick<ScopedDb, "candidate">, email: string, exceptId?: string): Promise<string | null> {
  const row = await db.candidate.findFirst({
    where: { email, deletedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  return row?.id ?? null;
}

async function refuseTakenEmail(db: Pick<ScopedDb, "candidate">, email: string | null | undefined, exceptId?: string): Promise<void> {
  if (!email) return;
  const holder = await holderOf(db, email, exceptId);
  if (holder) throw emailTaken(holder);
}

/**
 * Runs a write that may meet the live-email unique index: a concurrent create of the same email
 * passes the check above and fails here, and answers the same CONFLICT naming the winner.
 */
async function withEmailConflict<T>(scope: WorkspaceScope, email: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (email && isUniqueViolation(error)) {
      const holder = await holderOf(scope.db, email);
      if (holder) throw emailTaken(holder);
    }
    throw error;
  }
}

/**
 * A stage must be one of the workspace's ordered list (workspaces.interview_stages), in any case;
 * it is stored as the list spells it, as interviews store theirs (shared/stages.ts).
 */
async function checkStage(
  db: Pick<ScopedDb, "workspace">,
  workspaceId: string,
  stage: string | null | undefined,
): Promise<string | null | undefined> {
  if (stage === null || stage === undefined) return stage;
  const workspace = await db.workspace.findFirst({ where: { id: workspaceId }, select: { interviewStages: true } });
  return resolveStageName(workspace?.interviewStages ?? [], stage);
}

export async function createCandidate(scope: WorkspaceScope, meta: RequestMeta, input: CreateCandidateInput): Promise<CandidateOutput> {
  const stage = await checkStage(scope.db, scope.workspaceId, input.stage);
  await refuseTakenEmail(scope.db, input.email);
  return withEmailConflict(scope, input.email, () =>
    scope.db.$transaction(async (tx) => {
      const created = await tx.candidate.create({
        data: {
          workspaceId: scope.workspaceId,
          createdById: scope.userId,
          name: input.name,
          email: input.email ?? null,
          phone: input.phone ?? null,
          links: input.links ?? [],
          positionTitle: input.positionTitle ?? null,
          stage: stage ?? null,
          source: input.source ?? null,
          notes: input.notes ?? null,
        },
        select: candidateSelect,
      });
      await recordAudit(tx, scope.workspaceId, meta, { action: "candidate.created", targetType: "candidate", targetId: created.id });
      return created;
    }),
  );
}

export async function getCandidate(scope: WorkspaceScope, input: CandidateIdInput) {
  const { id } = await requireCandidate(scope, input.candidateId);
  const candidate = await scope.db.candidate.findFirst({ where: { id }, select: candidateSelect });
  if (!candidate) throw new NotFoundError("Candidate");
  const interviews = await queryRows<{
    id: string;
    positionTitle: string;
    stage: string;
    scheduledAt: Date;
    status: "scheduled" | "completed" | "cancelled" | "no_show";
  }>(
    scope.db,
    Prisma.sql`
    SELECT i.id, i.position_title AS "positionTitle", i.stage, i.scheduled_at AS "scheduledAt", i.status::text AS status
      FROM interviews i
     WHERE i.workspace_id = ${scope.workspaceId}::uuid AND i.candidate_id = ${id}::uuid
       AND ${interviewVisibleSql("i", scope)}
     ORDER BY i.scheduled_at, i.id
     LIMIT ${INTERVIEWS_IN_GET}`,
  );
  return { ...candidate, interviews };
}

/** `%` and `_` in a query are the characters themselves, not LIKE wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Newest first, by (created_at, id) (an index on (workspace_id, created_at, id)); the cursor is the
 * last candidate shown. One statement that names the workspace itself and joins the access rule.
 */
export async function listCandidates(scope: WorkspaceScope, input: ListCandidatesInput) {
  // Deleted candidates are the managers' bin (restore and erase need `interviews:manage`): a panelist
  // has no business browsing them, even those of their own interviews.
  if (input.deleted && !managesInterviews(scope)) {
    throw new ForbiddenError("Only hiring managers can list deleted candidates", "insufficient_role");
  }
  const conditions = [
    Prisma.sql`c.workspace_id = ${scope.workspaceId}::uuid`,
    input.deleted ? Prisma.sql`c.deleted_at IS NOT NULL` : Prisma.sql`c.deleted_at IS NULL`,
    candidateVisibleSql("c", scope),
  ];
  // Positions and stages compare regardless of case, as scorecard templates' positions do.
  if (input.positionTitle) conditions.push(Prisma.sql`lower(c.position_title) = lower(${input.positionTitle})`);
  if (input.stage) conditions.push(Prisma.sql`lower(c.stage) = lower(${input.stage})`);
  if (input.query) {
    const pattern = likePattern(input.query);
    conditions.push(Prisma.sql`(c.name ILIKE ${pattern} OR c.email ILIKE ${pattern})`);
  }
  if (input.cursor) {
    // One that is gone, never was ours, or that the caller may not see cannot place the page; the
    // last answers as a nonexistent one does, so a cursor cannot probe which candidates exist.
    const [visible] = await queryRows<{ id: string }>(
      scope.db,
      Prisma.sql`SELECT c.id FROM candidates c
       WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.id = ${input.cursor}::uuid AND ${candidateVisibleSql("c", scope)}`,
    );
    if (!visible) throw new ValidationError("This cursor is not valid", "invalid_cursor");
    conditions.push(Prisma.sql`(c.created_at, c.id) < (SELECT k.created_at, k.id FROM candidates k
       WHERE k.workspace_id = ${scope.workspaceId}::uuid AND k.id = ${input.cursor}::uuid)`);
  }
  const rows = await queryRows<CandidateOutput>(
    scope.db,
    Prisma.sql`
    SELECT ${COLUMNS} FROM candidates c
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT ${input.limit + 1}`,
  );
  return toPage(rows, input.limit);
}

export async function updateCandidate(scope: WorkspaceScope, meta: RequestMeta, input: UpdateCandidateInput): Promise<CandidateOutput> {
  const { candidateId, ...given } = input;
  const { id } = await requireCandidate(scope, candidateId);
  const changes = { ...given, stage: await checkStage(scope.db, scope.workspaceId, given.stage) };
  await refuseTakenEmail(scope.db, changes.email, id);
  // Only the fields given: undefined leaves a field as it is, null clears it.
  const data = Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Prisma.CandidateUpdateManyMutationInput;
  return withEmailConflict(scope, changes.email, () =>
    scope.db.$transaction(async (tx) => {
      // Deleted since the check above: NOT_FOUND, as it would have been a moment earlier.
      const { count } = await tx.candidate.updateMany({ where: { id, deletedAt: null }, data });
      const updated = count === 1 ? await tx.candidate.findFirst({ where: { id }, select: candidateSelect }) : null;
      if (!updated) throw new NotFoundError("Candidate");
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "candidate.updated",
        targetType: "candidate",
        targetId: id,
        // Which fields changed, never their values (erasure).
        metadata: { changed: Object.keys(data) },
      });
      return updated;
    }),
  );
}

export async function deleteCandidate(scope: WorkspaceScope, meta: RequestMeta, input: CandidateIdInput): Promise<void> {
  const { id } = await requireCandidate(scope, input.candidateId);
  await scope.db.$transaction(async (tx) => {
    const { count } = await tx.candidate.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date() } });
    if (count === 0) throw new NotFoundError("Candidate");
    await recordAudit(tx, scope.workspaceId, meta, { action: "candidate.deleted", targetType: "candidate", targetId: id });
  });
}

export async function restoreCandidate(scope: WorkspaceScope, meta: RequestMeta, input: CandidateIdInput): Promise<CandidateOutput> {
  const { id } = await requireCandidate(scope, input.candidateId, { deleted: true });
  const candidate = await scope.db.candidate.findFirst({ where: { id }, select: { email: true } });
  // While it was deleted, someone else may have been created with its email.
  await refuseTakenEmail(scope.db, candidate?.email, id);
  return withEmailConflict(scope, candidate?.email, () =>
    scope.db.$transaction(async (tx) => {
      const { count } = await tx.candidate.updateMany({ where: { id, deletedAt: { not: null } }, data: { deletedAt: null } });
      if (count === 0) throw new NotFoundError("Candidate");
      await recordAudit(tx, scope.workspaceId, meta, { action: "candidate.restored", targetType: "candidate", targetId: id });
      const restored = await tx.candidate.findFirst({ where: { id }, select: candidateSelect });
      if (!restored) throw new NotFoundError("Candidate");
      return restored;
    }),
  );
}

// ─── Erasure (GDPR art. 17) ──────────────────────────────────────────────────────────────────────

/** How long one erasure may hold its transaction: the cascades of a long interview are many rows. */
const ERASE_TIMEOUT_MS = 60_000;

/** A name as a case-insensitive whole-word regex: "Al" must not erase every message saying "also". */
function wordPattern(text: string): string {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // \m and \M (word start, word end) only match beside a word character.
  const start = /^[\p{L}\p{N}_]/u.test(text) ? "\\m" : "";
  const end = /[\p{L}\p{N}_]$/u.test(text) ? "\\M" : "";
  return `${start}${escaped}${end}`;
}

/** Name tokens long enough to mean the candidate in a conversation already about them ("Zephyrine"). */
const MIN_TOKEN_LETTERS = 3;

/** The candidate's name tokens of 3+ letters as one case-insensitive whole-word regex; null when none. */
function nameTokensPattern(name: string): string | null {
  const tokens = [...new Set(name.split(/[^\p{L}\p{N}_]+/u).filter((token) => [...token.matchAll(/\p{L}/gu)].length >= MIN_TOKEN_LETTERS))];
  if (tokens.length === 0) return null;
  return `\\m(${tokens.map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\\M`;
}

/**
 * Erases a candidate, live or soft-deleted, in one transaction:
 * - the candidate row;
 * - their interviews' meetings (`is_interview`), and with them (cascades) transcripts, segments,
 *   embeddings, meeting summaries, action items, comments, participants, grants and share links;
 * - their interview summaries (evidence quotes their words);
 * - scorecards keep their numbers and recommendations only: notes and comments go, in the current
 *   scorecard and in every stored version; the interviews keep position, stage, dates and panel,
 *   with `candidate_erased_at` set (and no cancel reason: free text about them);
 * - Ask Mind: every answer built from those meetings (cited or only retrieved) and the question it
 *   answered, every message naming the candidate (whole-word name, or email) with its pair, the
 *   sessions scoped to one of those meetings; session titles naming them are cleared. In a session
 *   that touched those meetings (cited them, had them in context, or was scoped to one), a single
 *   name token is enough ("How did Zephyrine do?"): there it can only mean the candidate.
 * The audit row holds the candidate's id and counts, nothing of what was erased.
 */
export async function eraseCandidate(scope: WorkspaceScope, meta: RequestMeta, input: CandidateIdInput) {
  return scope.db.$transaction(
    async (tx) => {
      const candidate = (
        await tx.$queryRaw<{ id: string; name: string; email: string | null }[]>(Prisma.sql`
        SELECT c.id, c.name, c.email FROM candidates c
         WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.id = ${input.candidateId}::uuid
           AND ${candidateVisibleSql("c", scope)}
           FOR UPDATE`)
      )[0];
      if (!candidate) throw new NotFoundError("Candidate");

      // Two statements, in this order. A first transcript import makes the interview's meeting under
      // the interview's row lock; if it commits while we wait for that lock, a locking SELECT that
      // also joined meetings would see the new meeting_id but still read meetings from the snapshot
      // it started with (READ COMMITTED re-checks only the locked row), so it would miss the new
      // meeting and leave the candidate's transcript behind. The meetings are therefore read after
      // the lock is held, by a statement whose snapshot includes whatever committed before it.
      const interviewIds = (
        await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT id FROM interviews
         WHERE workspace_id = ${scope.workspaceId}::uuid AND candidate_id = ${candidate.id}::uuid
           FOR UPDATE`)
      ).map((interview) => interview.id);
      const meetingIds = (
        await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT DISTINCT m.id FROM interviews i
          JOIN meetings m ON m.id = i.meeting_id AND m.workspace_id = i.workspace_id AND m.is_interview
         WHERE i.workspace_id = ${scope.workspaceId}::uuid AND i.id = ANY(${interviewIds}::uuid[])`)
      ).map((meeting) => meeting.id);

      const askMindMessages = await eraseAskMindTraces(tx, scope.workspaceId, meetingIds, candidate);
      const erased = await eraseInterviewContent(tx, scope.workspaceId, interviewIds, meetingIds);
      await tx.$executeRaw(Prisma.sql`
        DELETE FROM candidates WHERE workspace_id = ${scope.workspaceId}::uuid AND id = ${candidate.id}::uuid`);

      const counts = { interviews: interviewIds.length, meetings: erased.meetings, askMindMessages };
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "candidate.erased",
        targetType: "candidate",
        targetId: candidate.id,
        metadata: counts,
      });
      return { ok: true as const, ...counts };
    },
    { timeout: ERASE_TIMEOUT_MS },
  );
}

/** Ask Mind's part of an erasure; answers how many messages it deleted. */
async function eraseAskMindTraces(
  tx: Tx,
  workspaceId: string,
  meetingIds: string[],
  candidate: { name: string; email: string | null },
): Promise<number> {
  const meetings = Prisma.sql`${meetingIds}::uuid[]`;
  const namePattern = wordPattern(candidate.name);
  const emailPattern = candidate.email ? likePattern(candidate.email) : null;
  const names = (column: Prisma.Sql) =>
    emailPattern ? Prisma.sql`(${column} ~* ${namePattern} OR ${column} ILIKE ${emailPattern})` : Prisma.sql`${column} ~* ${namePattern}`;

  const aboutErasedMeeting = Prisma.sql`s.scope->>'kind' = 'meeting' AND s.scope->>'meetingId' = ANY(${meetingIds}::text[])`;
  const drawsOnErasedMeeting = Prisma.sql`((m.context_meeting_ids && ${meetings})
    OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(m.citations::jsonb) = 'array' THEN m.citations::jsonb ELSE '[]'::jsonb END) e
                WHERE e->>'meetingId' = ANY(${meetingIds}::text[])))`;

  // The sessions that touched an erased meeting, read before any of their messages go.
  const touched = (
    await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT s.id FROM ask_mind_sessions s
     WHERE s.workspace_id = ${workspaceId}::uuid
       AND (${aboutErasedMeeting}
            OR EXISTS (SELECT 1 FROM ask_mind_messages m WHERE m.session_id = s.id AND m.workspace_id = s.workspace_id AND ${drawsOnErasedMeeting}))`)
  ).map((session) => session.id);
  const tokens = nameTokensPattern(candidate.name);
  const inTouchedSession = (session: Prisma.Sql, column: Prisma.Sql) =>
    tokens && touched.length > 0 ? Prisma.sql`(${session} = ANY(${touched}::uuid[]) AND ${column} ~* ${tokens})` : Prisma.sql`FALSE`;

  // A hit: an answer drawn from an erased meeting, any message naming the candidate, any message of
  // a session about an erased meeting, any message of a touched session saying one name token. Each hit's
  // pair goes with it: an answer's question (the latest question before it in the session) and a
  // question's answer (the first answer after it).
  const deleted = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    WITH hit AS (
      SELECT m.id, m.session_id, m.role, m.created_at FROM ask_mind_messages m
       WHERE m.workspace_id = ${workspaceId}::uuid
         AND (${drawsOnErasedMeeting}
              OR ${names(Prisma.sql`m.content`)}
              OR ${inTouchedSession(Prisma.sql`m.session_id`, Prisma.sql`m.content`)}
              OR m.session_id IN (SELECT s.id FROM ask_mind_sessions s WHERE s.workspace_id = m.workspace_id AND ${aboutErasedMeeting}))
    ), pair AS (
      SELECT q.id FROM hit h CROSS JOIN LATERAL (
        SELECT q.id FROM ask_mind_messages q
         WHERE q.session_id = h.session_id AND q.role = 'user' AND (q.created_at, q.id) < (h.created_at, h.id)
         ORDER BY q.created_at DESC, q.id DESC LIMIT 1) q
       WHERE h.role = 'assistant'
      UNION
      SELECT a.id FROM hit h CROSS JOIN LATERAL (
        SELECT a.id FROM ask_mind_messages a
         WHERE a.session_id = h.session_id AND a.role = 'assistant' AND (a.created_at, a.id) > (h.created_at, h.id)
         ORDER BY a.created_at, a.id LIMIT 1) a
       WHERE h.role = 'user'
    )
    DELETE FROM ask_mind_messages d
     WHERE d.workspace_id = ${workspaceId}::uuid AND d.id IN (SELECT id FROM hit UNION SELECT id FROM pair)
    RETURNING d.id`);

  // A session about one erased meeting has nothing left to be about (its messages were hits).
  await tx.$executeRaw(Prisma.sql`
    DELETE FROM ask_mind_sessions s WHERE s.workspace_id = ${workspaceId}::uuid AND ${aboutErasedMeeting}`);
  await tx.$executeRaw(Prisma.sql`
    UPDATE ask_mind_sessions s SET title = NULL, updated_at = now()
     WHERE s.workspace_id = ${workspaceId}::uuid AND s.title IS NOT NULL
       AND (${names(Prisma.sql`s.title`)} OR ${inTouchedSession(Prisma.sql`s.id`, Prisma.sql`s.title`)})`);
  return deleted.length;
}

/** The interviews' part of an erasure: summaries, scorecard words, the meetings. */
async function eraseInterviewContent(
  tx: Tx,
  workspaceId: string,
  interviewIds: string[],
  meetingIds: string[],
): Promise<{ meetings: number }> {
  const interviews = Prisma.sql`${interviewIds}::uuid[]`;
  const ws = Prisma.sql`${workspaceId}::uuid`;
  await tx.$executeRaw(Prisma.sql`DELETE FROM interview_summaries WHERE workspace_id = ${ws} AND interview_id = ANY(${interviews})`);

  const scorecards = Prisma.sql`(SELECT sc.id FROM interview_scorecards sc WHERE sc.workspace_id = ${ws} AND sc.interview_id = ANY(${interviews}))`;
  await tx.$executeRaw(Prisma.sql`
    UPDATE interview_scorecards SET notes = NULL, updated_at = now()
     WHERE workspace_id = ${ws} AND interview_id = ANY(${interviews}) AND notes IS NOT NULL`);
  await tx.$executeRaw(Prisma.sql`
    UPDATE scorecard_scores SET comment = NULL, updated_at = now()
     WHERE workspace_id = ${ws} AND scorecard_id IN ${scorecards} AND comment IS NOT NULL`);
  // Stored versions: [{ categoryId, score, comment }]; every comment nulled, the numbers kept.
  await tx.$executeRaw(Prisma.sql`
    UPDATE scorecard_versions v
       SET notes = NULL,
           scores = CASE WHEN jsonb_typeof(v.scores::jsonb) = 'array'
                         THEN (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN e || '{"comment": null}'::jsonb ELSE e END ORDER BY n), '[]'::jsonb)
                                 FROM jsonb_array_elements(v.scores::jsonb) WITH ORDINALITY AS x(e, n))
                         ELSE '[]'::jsonb END,
           updated_at = now()
     WHERE v.workspace_id = ${ws} AND v.scorecard_id IN ${scorecards}`);

  await tx.$executeRaw(Prisma.sql`
    UPDATE interviews
       SET candidate_id = NULL, candidate_erased_at = now(), cancel_reason = NULL,
           meeting_id = CASE WHEN meeting_id = ANY(${meetingIds}::uuid[]) THEN NULL ELSE meeting_id END,
           updated_at = now()
     WHERE workspace_id = ${ws} AND id = ANY(${interviews})`);
  const meetings = await tx.$executeRaw(Prisma.sql`
    DELETE FROM meetings WHERE workspace_id = ${ws} AND id = ANY(${meetingIds}::uuid[]) AND is_interview`);
  return { meetings };
}
