// Login sessions and their refresh tokens. A session is one signed-in device; its refresh token is
// opaque, stored hashed, and rotated on every use. Presenting a token that was already rotated
// means it was copied: the whole session is revoked (OAuth 2.0 Security BCP, refresh token reuse).
// Except just after a rotation: a client that sent two refreshes at once (two tabs, a retry after a
// lost answer) presents the same token twice, and within REFRESH_REUSE_GRACE_MS the second gets the
// answer the first got instead of losing the session (Auth0's and GoTrue's "reuse interval").
import { LRUCache } from "lru-cache";
import type { Db, Prisma } from "@meetmind/db";
import { UnauthorizedError } from "../errors.js";
import { generateOpaqueToken, hashToken, openSealedToken, sealToken } from "./tokens.js";

export interface SessionSettings {
  refreshTtlDays: number;
  sessionMaxAgeDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long after a rotation the rotated token still gets the same answer, rather than counting as
 * reuse. Long enough for concurrent requests and a quick retry; short, because anyone holding the
 * old token gets the new one during it.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export interface IssuedSession {
  sessionId: string;
  userId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  /**
   * Set for a rotation: what the access token issued with it is made from, so the same rotation
   * answered twice (the grace window) answers the same access token too.
   */
  access?: { id: string; issuedAt: Date };
}

type Tx = Prisma.TransactionClient;

/** A new refresh token; after a rotation, also sealed under the token it replaces (see the schema). */
async function issueRefreshToken(
  tx: Tx,
  sessionId: string,
  expiresAt: Date,
  predecessor?: { id: string; token: string },
): Promise<{ id: string; token: string }> {
  const token = generateOpaqueToken();
  const row = await tx.refreshToken.create({
    data: {
      sessionId,
      tokenHash: hashToken(token),
      expiresAt,
      sealedForPredecessor: predecessor ? sealToken(predecessor.token, token, predecessor.id) : null,
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

export async function createSession(
  db: Db | Tx,
  settings: SessionSettings,
  input: { userId: string; ip: string | null; userAgent: string | null },
): Promise<IssuedSession> {
  const now = Date.now();
  const absoluteExpiresAt = new Date(now + settings.sessionMaxAgeDays * DAY_MS);
  const expiresAt = new Date(Math.min(now + settings.refreshTtlDays * DAY_MS, absoluteExpiresAt.getTime()));
  const create = async (tx: Tx) => {
    const session = await tx.activeSession.create({
      data: {
        userId: input.userId,
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        expiresAt,
        absoluteExpiresAt,
      },
      select: { id: true },
    });
    const refresh = await issueRefreshToken(tx, session.id, expiresAt);
    return { sessionId: session.id, userId: input.userId, refreshToken: refresh.token, refreshExpiresAt: expiresAt };
  };
  return "$transaction" in db ? db.$transaction(create) : create(db);
}

export class RefreshReuseError extends UnauthorizedError {
  constructor() {
    super("This refresh token was already used; the session has been revoked", "refresh_token_reused");
  }
}

const presentedSelect = {
  id: true,
  rotatedAt: true,
  expiresAt: true,
  replacedBy: { select: { id: true, tokenHash: true, expiresAt: true, rotatedAt: true, sealedForPredecessor: true } },
  session: {
    select: {
      id: true,
      userId: true,
      revokedAt: true,
      expiresAt: true,
      absoluteExpiresAt: true,
      user: { select: { isActive: true } },
    },
  },
} as const;

type PresentedToken = Prisma.RefreshTokenGetPayload<{ select: typeof presentedSelect }>;

function findPresented(db: Db, presented: string): Promise<PresentedToken | null> {
  return db.refreshToken.findUnique({ where: { tokenHash: hashToken(presented) }, select: presentedSelect });
}

function sessionLive(session: PresentedToken["session"], now: Date): boolean {
  return !session.revokedAt && session.user.isActive && session.expiresAt > now && session.absoluteExpiresAt > now;
}

/**
 * The answer already given for a token rotated moments ago, when it is presented again: within the
 * grace window, while the session is live and the new token unused. Only the same session can get
 * it (the new token is that session's), and only by presenting the old token (it opens the seal).
 * Null otherwise: the presentation is reuse.
 */
function repeatRotation(found: PresentedToken, presented: string, now: Date): IssuedSession | null {
  const { rotatedAt, replacedBy: next, session } = found;
  if (!rotatedAt || now.getTime() - rotatedAt.getTime() > REFRESH_REUSE_GRACE_MS) return null;
  // Rotated again since (its seal is cleared then): the old token is two steps behind, which a
  // client racing with itself does not do.
  if (!next || next.rotatedAt || !next.sealedForPredecessor || next.expiresAt <= now || !sessionLive(session, now)) return null;
  const token = openSealedToken(presented, next.sealedForPredecessor, found.id);
  if (token === null || hashToken(token) !== next.tokenHash) return null;
  return {
    sessionId: session.id,
    userId: session.userId,
    refreshToken: token,
    refreshExpiresAt: next.expiresAt,
    access: { id: next.id, issuedAt: rotatedAt },
  };
}

/** A rotated token presented again: the same answer within the grace window, else reuse. */
async function presentedAgain(db: Db, found: PresentedToken, presented: string, now: Date): Promise<IssuedSession> {
  const repeated = repeatRotation(found, presented, now);
  if (repeated) return repeated;
  await revokeSession(db, { sessionId: found.session.id, reason: "refresh_token_reused" });
  throw new RefreshReuseError();
}

/** Exchanges a refresh token for a new one (and the session it belongs to). */
export async function rotateRefreshToken(db: Db, settings: SessionSettings, presented: string): Promise<IssuedSession> {
  const invalid = () => new UnauthorizedError("Invalid or expired refresh token", "invalid_refresh_token");
  const found = await findPresented(db, presented);
  if (!found) throw invalid();
  const { session } = found;
  const now = new Date();
  if (found.rotatedAt) return presentedAgain(db, found, presented, now);
  if (!sessionLive(session, now) || found.expiresAt <= now) throw invalid();

  // Sliding expiry, never past the session's absolute lifetime.
  const expiresAt = new Date(Math.min(now.getTime() + settings.refreshTtlDays * DAY_MS, session.absoluteExpiresAt.getTime()));
  const rotated = await db.$transaction(async (tx) => {
    // Conditional: of two concurrent refreshes with the same token, exactly one wins.
    const claimed = await tx.refreshToken.updateMany({
      where: { id: found.id, rotatedAt: null },
      data: { rotatedAt: now, sealedForPredecessor: null },
    });
    if (claimed.count === 0) return null;
    const next = await issueRefreshToken(tx, session.id, expiresAt, { id: found.id, token: presented });
    await tx.refreshToken.update({ where: { id: found.id }, data: { replacedById: next.id } });
    await tx.activeSession.update({ where: { id: session.id }, data: { expiresAt, lastUsedAt: now } });
    return next;
  });
  if (!rotated) {
    // The other refresh has committed (our update waited for its lock): read what it did.
    const winner = await findPresented(db, presented);
    if (!winner) throw invalid();
    return presentedAgain(db, winner, presented, new Date());
  }
  return {
    sessionId: session.id,
    userId: session.userId,
    refreshToken: rotated.token,
    refreshExpiresAt: expiresAt,
    access: { id: rotated.id, issuedAt: now },
  };
}

/** Revoked sessions are told apart from live ones within this long on every server instance. */
export const SESSION_CACHE_TTL_MS = 2_000;

export interface SessionPrincipal {
  userId: string;
  sessionId: string;
  email: string;
  isAdmin: boolean;
}

/**
 * Checks, for each request, that an access token's session is live and its user active. Cached
 * briefly so a burst of requests costs one query, yet a revoked session stops working within
 * SESSION_CACHE_TTL_MS everywhere (and at once on the instance that revoked it).
 */
export class SessionValidator {
  private readonly cache = new LRUCache<string, SessionPrincipal | false>({ max: 50_000, ttl: SESSION_CACHE_TTL_MS });

  constructor(private readonly db: Db) {}

  async principal(sessionId: string, userId: string): Promise<SessionPrincipal | null> {
    let entry = this.cache.get(sessionId);
    if (entry === undefined) {
      const session = await this.db.activeSession.findUnique({
        where: { id: sessionId },
        select: {
          userId: true,
          revokedAt: true,
          absoluteExpiresAt: true,
          user: { select: { email: true, isAdmin: true, isActive: true } },
        },
      });
      entry =
        session && !session.revokedAt && session.user.isActive && session.absoluteExpiresAt > new Date()
          ? { userId: session.userId, sessionId, email: session.user.email, isAdmin: session.user.isAdmin }
          : false;
      this.cache.set(sessionId, entry);
    }
    return entry && entry.userId === userId ? entry : null;
  }

  forget(sessionIds: string[]): void {
    for (const id of sessionIds) this.cache.delete(id);
  }

  forgetAll(): void {
    this.cache.clear();
  }
}

export async function revokeSession(db: Db | Tx, input: { sessionId: string; userId?: string; reason: string }): Promise<boolean> {
  const result = await db.activeSession.updateMany({
    where: { id: input.sessionId, revokedAt: null, ...(input.userId ? { userId: input.userId } : {}) },
    data: { revokedAt: new Date(), revokedReason: input.reason },
  });
  return result.count > 0;
}

/** Revokes every live session of a user (optionally but one); returns the revoked ids. */
export async function revokeAllSessions(
  db: Db | Tx,
  input: { userId: string; exceptSessionId?: string | null; reason: string },
): Promise<string[]> {
  const where = {
    userId: input.userId,
    revokedAt: null,
    ...(input.exceptSessionId ? { id: { not: input.exceptSessionId } } : {}),
  };
  const sessions = await db.activeSession.findMany({ where, select: { id: true } });
  await db.activeSession.updateMany({
    where: { id: { in: sessions.map((s) => s.id) } },
    data: { revokedAt: new Date(), revokedReason: input.reason },
  });
  return sessions.map((s) => s.id);
}

export async function listSessions(db: Db, input: { userId: string; currentSessionId: string }) {
  const sessions = await db.activeSession.findMany({
    where: { userId: input.userId, revokedAt: null, absoluteExpiresAt: { gt: new Date() }, expiresAt: { gt: new Date() } },
    orderBy: [{ lastUsedAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
  return sessions.map((session) => ({ ...session, current: session.id === input.currentSessionId }));
}
