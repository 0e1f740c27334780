// Share links: a read-only view of one meeting (its summary, and optionally its transcript) for
// people outside the workspace. Members make, list and revoke them (workspace procedures, through
// the meeting access rule); anyone holding a link's token opens it (a public procedure).
//
// A link is a bearer secret: 256 random bits, shown once, stored as its SHA-256. It always expires,
// may be revoked, and may ask for a password (bcrypt, checked under per-link and per-address rate
// limits). A token that is unknown, revoked or expired, or whose meeting or workspace was deleted,
// gets one answer, NOT_FOUND, so a visitor learns nothing about why.
import { z } from "zod";
import { Prisma, queryRows, scopedDb, type Db } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "../errors.js";
import { generateOpaqueToken, hashToken } from "../identity/tokens.js";
import type { AppServices } from "../ports.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import { meetingAccessOf, requireMeetingAccess } from "../tenancy/meeting-access.js";
import { grantsOf } from "../tenancy/permissions.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import {
  SHARE_LINK_DEFAULT_DAYS,
  type CreatedShareLinkOutput,
  type CreateShareLinkInput,
  type ListShareLinksInput,
  type OpenShareLinkInput,
  type RevokeShareLinkInput,
  type SharedMeetingOutput,
  type ShareLinkOutput,
} from "./schemas.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The web app's page for a link. The API only names it; the page calls `shareLinks.open`. */
export const sharePath = (token: string) => `/share/${token}`;

// ─── Inside the workspace ────────────────────────────────────────────────────

const linkSelect = {
  id: true,
  meetingId: true,
  passwordHash: true,
  includeTranscript: true,
  expiresAt: true,
  revokedAt: true,
  viewCount: true,
  lastViewedAt: true,
  createdAt: true,
  createdBy: { select: { id: true, user: { select: { fullName: true, email: true } } } },
} satisfies Prisma.ShareLinkSelect;

type LinkRow = Prisma.ShareLinkGetPayload<{ select: typeof linkSelect }>;

function presentLink({ passwordHash, createdBy, ...link }: LinkRow, now = new Date()): ShareLinkOutput {
  return {
    ...link,
    status: link.revokedAt ? "revoked" : link.expiresAt <= now ? "expired" : "active",
    hasPassword: passwordHash !== null,
    createdBy: createdBy ? { memberId: createdBy.id, name: createdBy.user.fullName, email: createdBy.user.email } : null,
  };
}

/**
 * Sharing outside the workspace widens who sees the meeting, as visibility and grants do: only
 * those who manage the meeting (its owner, or a workspace admin with edit access) make links. The
 * token is returned this once.
 */
export async function createShareLink(
  scope: WorkspaceScope,
  deps: Pick<AppServices, "passwords" | "settings">,
  meta: RequestMeta,
  input: CreateShareLinkInput,
): Promise<CreatedShareLinkOutput> {
  const access = await requireMeetingAccess(scope, input.meetingId, "edit");
  // Interview data never leaves the panel (tenancy/interview-access.ts).
  if (access.isInterview) {
    throw new ValidationError("An interview's meeting cannot be shared outside the workspace", "interview_meeting");
  }
  if (!access.manage) {
    throw new ForbiddenError("Only the meeting's owner or a workspace admin can share it outside the workspace", "insufficient_access");
  }
  // bcrypt runs on the hasher's worker threads, not the event loop.
  const passwordHash = input.password === undefined ? null : await deps.passwords.hash(input.password);
  const token = generateOpaqueToken();
  const expiresAt = input.expiresAt ?? new Date(Date.now() + SHARE_LINK_DEFAULT_DAYS * DAY_MS);
  const link = await scope.db.$transaction(async (tx) => {
    const created = await tx.shareLink.create({
      data: {
        workspaceId: scope.workspaceId,
        meetingId: input.meetingId,
        createdById: scope.memberId,
        tokenHash: hashToken(token),
        passwordHash,
        includeTranscript: input.includeTranscript,
        expiresAt,
      },
      select: linkSelect,
    });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "share_link.created",
      targetType: "share_link",
      targetId: created.id,
      metadata: {
        meetingId: input.meetingId,
        expiresAt: expiresAt.toISOString(),
        includeTranscript: input.includeTranscript,
        hasPassword: passwordHash !== null,
      },
    });
    return created;
  });
  const path = sharePath(token);
  return { link: presentLink(link), token, path, url: `${deps.settings.appUrl}${path}` };
}

/** A meeting's links, newest first, for anyone who sees the meeting; revoked and expired ones too. */
export async function listShareLinks(scope: WorkspaceScope, input: ListShareLinksInput) {
  await requireMeetingAccess(scope, input.meetingId);
  const rows = await scope.db.shareLink.findMany({
    where: { meetingId: input.meetingId },
    orderBy: { id: "desc" },
    select: linkSelect,
    ...pageArgs(input),
  });
  const now = new Date();
  return toPage(
    rows.map((row) => presentLink(row, now)),
    input.limit,
  );
}

/**
 * By the member who made the link, or by one who manages its meeting (owner, or workspace admin
 * with edit access). A link on a meeting the caller cannot see is NOT_FOUND. Revoking twice is fine.
 */
export async function revokeShareLink(scope: WorkspaceScope, meta: RequestMeta, input: RevokeShareLinkInput): Promise<ShareLinkOutput> {
  const link = await scope.db.shareLink.findFirst({ where: { id: input.linkId }, select: { meetingId: true, createdById: true } });
  if (!link) throw new NotFoundError("Share link");
  const access = await requireMeetingAccess(scope, link.meetingId, "view", { notFound: "Share link" });
  if (link.createdById !== scope.memberId && !access.manage) {
    throw new ForbiddenError("Only the member who made this link, or who manages the meeting, can revoke it", "not_link_creator");
  }
  const revoked = await scope.db.$transaction(async (tx) => {
    const changed = await tx.shareLink.updateMany({ where: { id: input.linkId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (changed.count > 0) {
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "share_link.revoked",
        targetType: "share_link",
        targetId: input.linkId,
        metadata: { meetingId: link.meetingId },
      });
    }
    return tx.shareLink.findFirstOrThrow({ where: { id: input.linkId }, select: linkSelect });
  });
  return presentLink(revoked);
}

// ─── The public side ─────────────────────────────────────────────────────────

export type OpenShareLinkDeps = Pick<AppServices, "passwords" | "limits">;

const gone = () => new NotFoundError("Share link");

interface OpenLink {
  id: string;
  workspaceId: string;
  meetingId: string;
  createdById: string | null;
  passwordHash: string | null;
  includeTranscript: boolean;
  expiresAt: Date;
  title: string;
  startsAt: Date | null;
  endsAt: Date | null;
}

/**
 * The link if it opens now: not revoked or expired, on a live meeting of a live workspace that is
 * not an interview's (a meeting linked to an interview after the link was made takes it down).
 */
async function findOpenLink(db: Db, token: string): Promise<OpenLink | null> {
  const [link] = await queryRows<OpenLink>(
    db,
    Prisma.sql`
    SELECT l.id, l.workspace_id AS "workspaceId", l.meeting_id AS "meetingId", l.created_by_id AS "createdById",
           l.password_hash AS "passwordHash",
           l.include_transcript AS "includeTranscript", l.expires_at AS "expiresAt", m.title,
           coalesce(m.actual_start, m.scheduled_start) AS "startsAt",
           CASE WHEN m.actual_start IS NOT NULL THEN m.actual_end ELSE m.scheduled_end END AS "endsAt"
      FROM share_links l
      JOIN meetings m ON m.id = l.meeting_id AND m.workspace_id = l.workspace_id AND m.deleted_at IS NULL AND NOT m.is_interview
      JOIN workspaces w ON w.id = l.workspace_id AND w.deleted_at IS NULL
     WHERE l.token_hash = ${hashToken(token)} AND l.revoked_at IS NULL AND l.expires_at > now()`,
  );
  return link ?? null;
}

/**
 * A link lives by the access rule too: it opens only while the member who made it could still make
 * it (manages the meeting). A creator who left, lost their grant, or was demoted takes their links
 * with them, without anyone having to find and revoke them.
 */
async function creatorStillShares(db: Db, link: OpenLink & { createdById: string | null }): Promise<boolean> {
  if (!link.createdById) return false;
  const creator = await db.workspaceMember.findFirst({
    where: { id: link.createdById, workspaceId: link.workspaceId },
    select: { id: true, userId: true, role: true, grantedPermissions: true },
  });
  if (!creator) return false;
  const scope = {
    db: scopedDb(db, link.workspaceId),
    workspaceId: link.workspaceId,
    userId: creator.userId,
    memberId: creator.id,
    role: creator.role,
    grants: grantsOf(creator.grantedPermissions),
  };
  return (await meetingAccessOf(scope, link.meetingId))?.manage === true;
}

/**
 * Takes one attempt from the link's and the address's limits before bcrypt runs (both stores
 * count atomically, so parallel guesses cannot all get through), gives it back when the password
 * is right. A wrong one keeps it: 10 per link per 15 minutes (then the link locks for 15 minutes,
 * for everyone), 30 per address.
 */
async function checkPassword(
  deps: OpenShareLinkDeps,
  link: OpenLink & { passwordHash: string },
  password: string | undefined,
  ip: string | null,
) {
  if (password === undefined) throw new UnauthorizedError("This link needs a password", "share_password_required");
  try {
    if (ip) await deps.limits.consume("sharePasswordIp", ip);
    try {
      await deps.limits.consume("sharePassword", link.id);
    } catch (error) {
      if (ip) await deps.limits.refund("sharePasswordIp", ip);
      throw error;
    }
  } catch (error) {
    if (error instanceof RateLimitedError) throw new RateLimitedError(error.retryAfterSeconds, "Too many wrong passwords; try again later");
    throw error;
  }
  let ok: boolean;
  try {
    ok = await deps.passwords.verify(password, link.passwordHash);
  } catch (error) {
    // No verdict (the hasher failed): the attempt does not count.
    await Promise.allSettled([deps.limits.refund("sharePassword", link.id), ip ? deps.limits.refund("sharePasswordIp", ip) : undefined]);
    throw error;
  }
  if (!ok) throw new UnauthorizedError("Wrong password for this link", "share_password_invalid");
  // Refunded, not reset: many people may know a link's password, and one of them getting it right
  // must not wipe out the count of someone else's guesses.
  await Promise.all([deps.limits.refund("sharePassword", link.id), ip ? deps.limits.refund("sharePasswordIp", ip) : undefined]);
}

/** One view, counted in one statement (so parallel opens all count); false if the link closed meanwhile. */
async function countView(db: Db, linkId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ viewCount: number }[]>(Prisma.sql`
    UPDATE share_links SET view_count = view_count + 1, last_viewed_at = now(), updated_at = now()
     WHERE id = ${linkId}::uuid AND revoked_at IS NULL AND expires_at > now()
    RETURNING view_count AS "viewCount"`);
  return rows.length > 0;
}

/** Topics as the summary job stores them; only the fields outsiders get (no segment ids). */
const storedTopics = z.array(
  z.object({
    title: z.string(),
    startPosition: z.number().int(),
    endPosition: z.number().int(),
    startMs: z.number().int().nullable(),
    endMs: z.number().int().nullable(),
  }),
);

const strings = (value: Prisma.JsonValue): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === "string") : []);

/** The latest summary that succeeded, with its action items by name only. */
async function readSummary(db: Db, link: OpenLink): Promise<SharedMeetingOutput["summary"]> {
  const summary = await db.meetingSummary.findFirst({
    where: { workspaceId: link.workspaceId, meetingId: link.meetingId, isCurrent: true, status: "done" },
    orderBy: { version: "desc" },
    select: {
      overview: true,
      keyPoints: true,
      decisions: true,
      topics: true,
      completedAt: true,
      actionItems: {
        orderBy: { id: "asc" },
        select: {
          text: true,
          assigneeName: true,
          dueDate: true,
          status: true,
          assignee: { select: { user: { select: { fullName: true } } } },
        },
      },
    },
  });
  if (!summary) return null;
  const topics = storedTopics.safeParse(summary.topics);
  return {
    overview: summary.overview,
    keyPoints: strings(summary.keyPoints),
    decisions: strings(summary.decisions),
    topics: topics.success ? topics.data : [],
    actionItems: summary.actionItems.map((item) => ({
      text: item.text,
      // A member's name, never their email: an unnamed member shows as the transcript's name for them, or no one.
      assignee: item.assignee?.user.fullName ?? item.assigneeName,
      dueDate: item.dueDate,
      status: item.status,
    })),
    generatedAt: summary.completedAt,
  };
}

/** A page of the current transcript: text, times and speaker names; no ids, no original texts. */
async function readTranscript(db: Db, link: OpenLink, page: { cursor?: number | undefined; limit: number }) {
  const transcript = await db.transcript.findFirst({
    where: { workspaceId: link.workspaceId, meetingId: link.meetingId, isCurrent: true, status: "ready" },
    select: { id: true, language: true, durationMs: true, segmentCount: true },
  });
  if (!transcript) return null;
  const where = { workspaceId: link.workspaceId, transcriptId: transcript.id };
  const [rows, counted] = await Promise.all([
    db.transcriptSegment.findMany({
      where: { ...where, ...(page.cursor === undefined ? {} : { position: { gt: page.cursor } }) },
      orderBy: { position: "asc" },
      take: page.limit + 1,
      select: {
        position: true,
        speakerLabel: true,
        startMs: true,
        endMs: true,
        text: true,
        speakerMember: { select: { user: { select: { fullName: true } } } },
        speakerParticipant: { select: { name: true } },
      },
    }),
    // Versions stored before counts were recorded: their rows are the count.
    transcript.segmentCount ?? db.transcriptSegment.count({ where }),
  ]);
  const segments = rows.slice(0, page.limit).map(({ speakerMember, speakerParticipant, speakerLabel, ...segment }) => ({
    ...segment,
    speaker: speakerMember?.user.fullName ?? speakerParticipant?.name ?? speakerLabel,
  }));
  return {
    language: transcript.language,
    durationMs: transcript.durationMs,
    segmentCount: counted,
    segments,
    nextCursor: rows.length > page.limit ? (segments.at(-1)?.position ?? null) : null,
  };
}

/**
 * What a visitor with the token sees. The first page (no `cursor`) counts as a view; later pages of
 * the transcript do not, but they need the token (and password) all the same.
 */
export async function openShareLink(
  db: Db,
  deps: OpenShareLinkDeps,
  input: OpenShareLinkInput & { ip: string | null },
): Promise<SharedMeetingOutput> {
  // Expiry is judged by the database's clock, in both statements.
  const link = await findOpenLink(db, input.token);
  if (!link || !(await creatorStillShares(db, link))) throw gone();
  if (link.passwordHash !== null) await checkPassword(deps, { ...link, passwordHash: link.passwordHash }, input.password, input.ip);
  if (input.cursor === undefined && !(await countView(db, link.id))) throw gone();
  const [summary, transcript] = await Promise.all([
    readSummary(db, link),
    link.includeTranscript ? readTranscript(db, link, input) : Promise.resolve(null),
  ]);
  return {
    meeting: { title: link.title, startsAt: link.startsAt, endsAt: link.endsAt },
    summary,
    includesTranscript: link.includeTranscript,
    transcript,
    expiresAt: link.expiresAt,
  };
}
