// Ask Mind threads: sessions with a scope, their messages, and suggested prompts. Asking itself
// (retrieval, answering, streaming) is in answer.ts.
import type { Prisma } from "@meetmind/db";
import { ForbiddenError, NotFoundError } from "../errors.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import { requireMeetingsVisible, visibleMeetingIds } from "../tenancy/meeting-access.js";
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
  const meetingIds = askScope.kind === "meeting" ? [askScope.meetingId] : askScope.kind === "meetings" ? askScope.meetingIds : [];
  await requireMeetingsVisible(scope, meetingIds);
  if (askScope.kind === "workspace" && askScope.participantId) {
    if (!(await scope.db.workspaceMember.findFirst({ where: { id: askScope.participantId }, select: { id: true } })))
      throw new NotFoundError("Member");
  }
}

export async function createSession(scope: WorkspaceScope, input: CreateSessionInput) {
  await checkScope(scope, input.scope);
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

/** Sessions the caller may read: their own, and those shared with the workspace. */
const visibleTo = (scope: WorkspaceScope): Prisma.AskMindSessionWhereInput => ({
  deletedAt: null,
  OR: [{ createdById: scope.userId }, { sharedWithWorkspace: true }],
});

export async function listSessions(scope: WorkspaceScope, input: ListSessionsInput) {
  const where: Prisma.AskMindSessionWhereInput =
    input.filter === "mine"
      ? { deletedAt: null, createdById: scope.userId }
      : input.filter === "shared"
        ? { deletedAt: null, sharedWithWorkspace: true, NOT: { createdById: scope.userId } }
        : visibleTo(scope);
  const rows = await scope.db.askMindSession.findMany({
    where,
    // Most recently active first; new sessions (no messages yet) by creation, ids break ties.
    orderBy: [{ lastMessageAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
    ...pageArgs(input),
    select: sessionSelect,
  });
  const page = toPage(rows, input.limit);
  return { items: page.items.map((row) => presentSession(scope, row)), nextCursor: page.nextCursor };
}

/** A session the caller may read, or NOT_FOUND (other people's private sessions do not exist for them). */
export async function requireSession(scope: WorkspaceScope, sessionId: string) {
  const session = await scope.db.askMindSession.findFirst({ where: { id: sessionId, ...visibleTo(scope) }, select: sessionSelect });
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
