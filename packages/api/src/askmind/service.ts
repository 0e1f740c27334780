// Ask Mind threads: sessions with a scope, their messages, and suggested prompts. Asking itself
// (retrieval, answering, streaming) is in answer.ts.
import { Prisma, queryRows } from "@meetmind/db";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import { meetingVisibleSql, requireMeetingsVisible, visibleMeetingIds } from "../tenancy/meeting-access.js";
import { can } from "../tenancy/permissions.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import {
  askMindScope,
  type AskMindScope,
  type Citation,
  type CreateSessionInput,
  type ListMessagesInput,
  type ListSessionsInput,
  type MessageOutput,
  type RenameSessionInput,
  type SessionIdInput,
  type ShareSessionInput,
} from "./schemas.js";

const personSelect = { select: { id: true, fullName: true, email: true } } as const;

const sessionSelect = {
  id: true,
  title: true,
  scope: true,
  sharedWithWorkspace: true,
  createdById: true,
  createdBy: personSelect,
  lastMessageAt: true,
  createdAt: true,
} satisfies Prisma.AskMindSessionSelect;

type SessionRow = Prisma.AskMindSessionGetPayload<{ select: typeof sessionSelect }>;

/** The meetings a scope names (none for a workspace scope, which retrieval filters per reader). */
const namedMeetings = (askScope: AskMindScope): string[] =>
  askScope.kind === "meeting" ? [askScope.meetingId] : askScope.kind === "meetings" ? askScope.meetingIds : [];

/** Scopes are stored as JSON; dates travel as ISO strings there. */
function scopeToJson(scope: AskMindScope): Prisma.InputJsonValue {
  if (scope.kind !== "workspace") return scope;
  const { from, to, ...rest } = scope;
  return { ...rest, ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };
}

export function scopeFromJson(value: Prisma.JsonValue): AskMindScope {
  const raw = (value ?? {}) as Record<string, unknown>;
  const date = (key: string) => (typeof raw[key] === "string" ? { [key]: new Date(raw[key]) } : {});
  return askMindScope.parse({ ...raw, ...date("from"), ...date("to") });
}

function presentSession(scope: WorkspaceScope, { sharedWithWorkspace, createdById, scope: stored, ...session }: SessionRow) {
  return { ...session, scope: scopeFromJson(stored), shared: sharedWithWorkspace, mine: createdById === scope.userId };
}

/**
 * Meetings and members a scope names must exist here, and the meetings be visible to the caller;
 * anything else is NOT_FOUND, like any foreign id.
 */
export async function checkScope(scope: WorkspaceScope, askScope: AskMindScope): Promise<void> {
  await requireMeetingsVisible(scope, namedMeetings(askScope));
  if (askScope.kind === "workspace" && askScope.participantId) {
    if (!(await scope.db.workspaceMember.findFirst({ where: { id: askScope.participantId }, select: { id: true } })))
      throw new NotFoundError("Member");
  }
}

/**
 * A session shared with the workspace shows its title, scope and questions to every reader, so it
 * may not name an interview's meeting: who sees those follows the interview's panel, not the
 * workspace. (A deleted meeting counts too: it may be restored.)
 */
async function refuseSharingInterview(scope: WorkspaceScope, askScope: AskMindScope): Promise<void> {
  const meetingIds = namedMeetings(askScope);
  if (meetingIds.length === 0) return;
  const interview = await scope.db.meeting.findFirst({ where: { id: { in: meetingIds }, isInterview: true }, select: { id: true } });
  if (interview) throw new ValidationError("A session on an interview's meeting cannot be shared with the workspace", "interview_meeting");
}

export async function createSession(scope: WorkspaceScope, input: CreateSessionInput) {
  await checkScope(scope, input.scope);
  if (input.shared) await refuseSharingInterview(scope, input.scope);
  const session = await scope.db.askMindSession.create({
    data: {
      workspaceId: scope.workspaceId,
      createdById: scope.userId,
      title: input.title ?? null,
      scope: scopeToJson(input.scope),
      sharedWithWorkspace: input.shared,
    },
    select: sessionSelect,
  });
  return presentSession(scope, session);
}

// Who may read a session, as SQL over an `ask_mind_sessions` row aliased `s`, so that the paginated
// list stays one statement. Its creator always may. Anyone else only if it is shared and they may
// see every meeting its scope names (meetingVisibleSql over each, deleted or not, as restore sees
// them; a meeting no longer there hides it): its title and questions speak of those meetings, and
// a reader who could not open one must not learn of it (nor of an interview, whose meeting follows
// the interview's panel). Workspace-scoped sessions name no meeting: their answers are withheld per
// reader instead (withholdUnseen).

/** The meeting ids a stored scope names, as rows `sm(id)`. The scope was validated when stored. */
const scopeMeetingsSql = Prisma.sql`jsonb_array_elements_text(CASE s.scope->>'kind'
    WHEN 'meeting' THEN jsonb_build_array(s.scope->'meetingId')
    WHEN 'meetings' THEN s.scope->'meetingIds'
    ELSE '[]'::jsonb END) AS sm(id)`;

/** Shared, and every meeting it names is one the caller may see. */
const sharedReadableSql = (scope: WorkspaceScope) => Prisma.sql`(s.shared_with_workspace AND NOT EXISTS (
    SELECT 1 FROM ${scopeMeetingsSql}
     WHERE NOT EXISTS (SELECT 1 FROM meetings m
                        WHERE m.id = sm.id::uuid AND m.workspace_id = s.workspace_id AND ${meetingVisibleSql("m", scope)})))`;

/** Every session statement names the workspace itself: raw SQL bypasses the scoped client. */
const liveIn = (scope: WorkspaceScope) => Prisma.sql`s.workspace_id = ${scope.workspaceId}::uuid AND s.deleted_at IS NULL`;
const mineSql = (scope: WorkspaceScope) => Prisma.sql`s.created_by_id = ${scope.userId}::uuid`;

/** Sessions the caller may read: their own, and shared ones on meetings they may all see. */
const readableSql = (scope: WorkspaceScope) => Prisma.sql`(${mineSql(scope)} OR ${sharedReadableSql(scope)})`;

interface SessionSqlRow extends Omit<SessionRow, "createdBy"> {
  creatorId: string | null;
  creatorName: string | null;
  creatorEmail: string | null;
}

/** Sessions matching `conditions`, as `sessionSelect` reads them, in list order. */
async function readSessions(scope: WorkspaceScope, conditions: Prisma.Sql[], limit: number): Promise<SessionRow[]> {
  const rows = await queryRows<SessionSqlRow>(
    scope.db,
    Prisma.sql`
    SELECT s.id, s.title, s.scope, s.shared_with_workspace AS "sharedWithWorkspace", s.created_by_id AS "createdById",
           s.last_message_at AS "lastMessageAt", s.created_at AS "createdAt",
           u.id AS "creatorId", u.full_name AS "creatorName", u.email AS "creatorEmail"
      FROM ask_mind_sessions s LEFT JOIN users u ON u.id = s.created_by_id
     WHERE ${Prisma.join([liveIn(scope), ...conditions], " AND ")}
     -- Most recently active first; new sessions (no messages yet) by creation, ids break ties.
     ORDER BY s.last_message_at DESC NULLS LAST, s.id DESC
     LIMIT ${limit}`,
  );
  return rows.map(({ creatorId, creatorName, creatorEmail, ...row }) => ({
    ...row,
    // users.email is required, so never null while the creator exists.
    createdBy: creatorId === null ? null : { id: creatorId, fullName: creatorName, email: creatorEmail ?? "" },
  }));
}

export async function listSessions(scope: WorkspaceScope, input: ListSessionsInput) {
  const conditions = [
    input.filter === "mine"
      ? mineSql(scope)
      : input.filter === "shared"
        ? Prisma.sql`s.created_by_id IS DISTINCT FROM ${scope.userId}::uuid AND ${sharedReadableSql(scope)}`
        : readableSql(scope),
  ];
  if (input.cursor) {
    // Keyset: after the cursor's row in (last_message_at DESC NULLS LAST, id DESC); an unknown cursor ends the list.
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM ask_mind_sessions c
       WHERE c.id = ${input.cursor}::uuid AND c.workspace_id = s.workspace_id
         AND CASE
               WHEN c.last_message_at IS NULL THEN s.last_message_at IS NULL AND s.id < c.id
               ELSE s.last_message_at < c.last_message_at OR s.last_message_at IS NULL
                 OR (s.last_message_at = c.last_message_at AND s.id < c.id)
             END)`);
  }
  const page = toPage(await readSessions(scope, conditions, input.limit + 1), input.limit);
  return { items: page.items.map((row) => presentSession(scope, row)), nextCursor: page.nextCursor };
}

/** A session the caller may read, or NOT_FOUND (other people's private sessions, or shared ones on meetings they may not see, do not exist for them). */
export async function requireSession(scope: WorkspaceScope, sessionId: string) {
  const [session] = await readSessions(scope, [Prisma.sql`s.id = ${sessionId}::uuid`, readableSql(scope)], 1);
  if (!session) throw new NotFoundError("Session");
  return session;
}

/** Only the creator asks in, renames and shares a session; admins may also delete shared ones. */
export async function requireOwnSession(scope: WorkspaceScope, sessionId: string, options: { adminMay?: boolean } = {}) {
  const session = await requireSession(scope, sessionId);
  const adminAllowed = options.adminMay === true && can(scope.role, "askmind:manage");
  if (session.createdById !== scope.userId && !adminAllowed)
    throw new ForbiddenError("Only the person who started this session can do this");
  return session;
}

export async function getSession(scope: WorkspaceScope, input: SessionIdInput) {
  return presentSession(scope, await requireSession(scope, input.sessionId));
}

export async function renameSession(scope: WorkspaceScope, input: RenameSessionInput) {
  const session = await requireOwnSession(scope, input.sessionId);
  return presentSession(
    scope,
    await scope.db.askMindSession.update({ where: { id: session.id }, data: { title: input.title }, select: sessionSelect }),
  );
}

export async function shareSession(scope: WorkspaceScope, input: ShareSessionInput) {
  const session = await requireOwnSession(scope, input.sessionId);
  if (input.shared) await refuseSharingInterview(scope, scopeFromJson(session.scope));
  return presentSession(
    scope,
    await scope.db.askMindSession.update({ where: { id: session.id }, data: { sharedWithWorkspace: input.shared }, select: sessionSelect }),
  );
}

/** Soft delete: the session and its messages disappear from every list and lookup. */
export async function deleteSession(scope: WorkspaceScope, input: SessionIdInput): Promise<void> {
  const session = await requireOwnSession(scope, input.sessionId, { adminMay: true });
  await scope.db.askMindSession.update({ where: { id: session.id }, data: { deletedAt: new Date() } });
}

export const messageSelect = {
  id: true,
  sessionId: true,
  role: true,
  content: true,
  citations: true,
  contextMeetingIds: true,
  status: true,
  error: true,
  model: true,
  promptTokens: true,
  completionTokens: true,
  createdAt: true,
} satisfies Prisma.AskMindMessageSelect;

export type MessageRow = Prisma.AskMindMessageGetPayload<{ select: typeof messageSelect }>;

export function presentMessage({ citations, contextMeetingIds: _, ...message }: MessageRow): MessageOutput {
  // Written only by answer.ts, in this shape.
  return { ...message, citations: Array.isArray(citations) ? (citations as unknown as Citation[]) : [] };
}

export const WITHHELD_ANSWER = "This answer draws on meetings you do not have access to.";

/** The meetings an answer was built from: its whole context, and (for answers stored before that was kept) its citations. */
const meetingsBehind = (row: Pick<MessageRow, "citations" | "contextMeetingIds">) => [
  ...row.contextMeetingIds,
  ...(Array.isArray(row.citations) ? (row.citations as unknown as Citation[]).map((citation) => citation.meetingId) : []),
];

/**
 * Which of these answers the caller may read now: those built only from meetings they may see.
 * An answer is read under the access rule of now and of the reader: a shared session's reader, or
 * an asker who has since lost access, does not get an answer built from a meeting they may not see
 * (cited or only paraphrased), and it does not feed a follow-up's rewrite either.
 */
export async function readableAnswers(scope: WorkspaceScope, rows: Pick<MessageRow, "id" | "citations" | "contextMeetingIds">[]) {
  const behind = rows.map((row) => ({ id: row.id, meetings: meetingsBehind(row) }));
  const visible = await visibleMeetingIds(
    scope,
    behind.flatMap((row) => row.meetings),
  );
  return new Set(behind.filter((row) => row.meetings.every((id) => visible.has(id.toLowerCase()))).map((row) => row.id));
}

/** Messages as the caller may read them: an answer they may not read says so instead. */
export async function withholdUnseen(scope: WorkspaceScope, rows: MessageRow[]): Promise<MessageOutput[]> {
  const readable = await readableAnswers(scope, rows);
  return rows.map((row) =>
    readable.has(row.id) ? presentMessage(row) : { ...presentMessage(row), content: WITHHELD_ANSWER, citations: [] },
  );
}

/** The thread in order, oldest first. */
export async function listMessages(scope: WorkspaceScope, input: ListMessagesInput) {
  const session = await requireSession(scope, input.sessionId);
  const rows = await scope.db.askMindMessage.findMany({
    where: { sessionId: session.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    ...pageArgs(input),
    select: messageSelect,
  });
  const page = toPage(rows, input.limit);
  return { items: await withholdUnseen(scope, page.items), nextCursor: page.nextCursor };
}
