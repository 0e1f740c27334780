// Sign-up, sign-in, sessions and password recovery. Plain functions over the database; the router
// turns their results into cookies and responses.
import { isUniqueViolation, type Db } from "@meetmind/db";
import { ConflictError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "../errors.js";
import type { AppServices } from "../ports.js";
import { publicUserSelect, toPublicUser } from "../users/select.js";
import type { PublicUser } from "../users/schemas.js";
import type { EmailOnlyInput, LoginInput, ResetPasswordInput, RevokeSessionInput, SignupInput, TokenInput } from "./schemas.js";
import { queueAuthEmail, sendVerification, type AuthEmailKind, type LinkTerms } from "./emails.js";
import { createSession, revokeAllSessions, revokeSession, rotateRefreshToken, type IssuedSession } from "../identity/sessions.js";
import { hashToken } from "../identity/tokens.js";

export type AuthDeps = Pick<AppServices, "settings" | "tokens" | "passwords" | "limits" | "sessions" | "emailQueued" | "jobsQueued">;

/** What the request tells beside its input: the service records it and limits by it. */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface AuthResult {
  user: PublicUser;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

const HOUR_MS = 60 * 60 * 1000;

async function authResult(db: Db, deps: AuthDeps, session: IssuedSession): Promise<AuthResult> {
  const [user, access] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: session.userId }, select: publicUserSelect }),
    deps.tokens.sign({ userId: session.userId, sessionId: session.sessionId }, session.access),
  ]);
  return {
    user: toPublicUser(user),
    sessionId: session.sessionId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: session.refreshExpiresAt,
  };
}

function linkTerms(deps: AuthDeps, kind: AuthEmailKind): LinkTerms {
  const { settings } = deps;
  const ttlMs = kind === "verify_email" ? settings.verificationTtlHours * HOUR_MS : settings.resetTtlMinutes * 60_000;
  return { appUrl: settings.appUrl, ttlMs };
}

export async function signup(db: Db, deps: AuthDeps, input: SignupInput & RequestInfo): Promise<AuthResult> {
  if (input.ip) await deps.limits.consume("signupIp", input.ip);
  // Hashed before the existence check, so a taken address answers no faster than a free one.
  const passwordHash = await deps.passwords.hash(input.password);
  let session: IssuedSession;
  try {
    session = await db.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
        throw new ConflictError("An account with this email already exists", "email_taken");
      }
      const user = await tx.user.create({
        data: { email: input.email, passwordHash, fullName: input.fullName ?? null },
        select: { id: true, email: true, fullName: true },
      });
      await sendVerification(tx, linkTerms(deps, "verify_email"), user);
      return createSession(tx, deps.settings.session, { userId: user.id, ip: input.ip, userAgent: input.userAgent });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An account with this email already exists", "email_taken");
    throw error;
  }
  deps.emailQueued();
  return authResult(db, deps, session);
}

export async function verifyEmail(db: Db, input: TokenInput): Promise<{ email: string }> {
  const token = await db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { id: true, userId: true, email: true, usedAt: true, expiresAt: true },
  });
  if (!token) throw new ValidationError("This verification link is not valid", "invalid_token");
  if (token.usedAt) throw new ValidationError("This verification link was already used", "token_used");
  if (token.expiresAt <= new Date()) throw new ValidationError("This verification link has expired; request a new one", "token_expired");
  await db.$transaction(async (tx) => {
    const claimed = await tx.emailVerificationToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: new Date() } });
    if (claimed.count === 0) throw new ValidationError("This verification link was already used", "token_used");
    // Only verifies the address the link was sent to, should the user have changed it since.
    await tx.user.updateMany({ where: { id: token.userId, email: token.email }, data: { emailVerifiedAt: new Date() } });
  });
  return { email: token.email };
}

/**
 * Same answer, after the same work, whether or not the address has an account: nothing to learn
 * from it. The job (auth/emails.ts) decides whether anything is sent.
 */
export async function resendVerification(db: Db, deps: AuthDeps, input: EmailOnlyInput & RequestInfo): Promise<void> {
  if (input.ip) await deps.limits.consume("emailActionIp", input.ip);
  await deps.limits.consume("emailAction", `verify:${input.email}`);
  await queueAuthEmail(db, { kind: "verify_email", email: input.email, ...linkTerms(deps, "verify_email") });
  deps.jobsQueued();
}

/**
 * Takes one attempt from the account's and the address's sign-in limits before the password is
 * checked. Both stores count atomically, so of N parallel attempts at most the limit get as far as
 * bcrypt and the rest are refused here; counting after the check would let all N through.
 */
async function reserveLoginAttempt(deps: AuthDeps, accountKey: string, ip: string | null): Promise<void> {
  try {
    if (ip) await deps.limits.consume("loginIp", ip);
    try {
      await deps.limits.consume("loginAccount", accountKey);
    } catch (error) {
      // Refused before any password check: nothing for the address to answer for.
      if (ip) await deps.limits.refund("loginIp", ip);
      throw error;
    }
  } catch (error) {
    if (error instanceof RateLimitedError) {
      throw new RateLimitedError(error.retryAfterSeconds, "Too many failed sign-in attempts; try again later");
    }
    throw error;
  }
}

export async function login(db: Db, deps: AuthDeps, input: LoginInput & RequestInfo): Promise<AuthResult> {
  const accountKey = input.email;
  await reserveLoginAttempt(deps, accountKey, input.ip);
  let user: { id: string; passwordHash: string | null; isActive: boolean } | null;
  let ok: boolean;
  try {
    user = await db.user.findUnique({
      where: { email: input.email },
      select: { id: true, passwordHash: true, isActive: true },
    });
    // Unknown users are compared against a dummy hash: same work, same answer, same timing.
    ok = await deps.passwords.verify(input.password, user?.passwordHash ?? null);
  } catch (error) {
    // No verdict on the password (say, the database is down): retrying must not lock the account.
    await Promise.allSettled([
      deps.limits.refund("loginAccount", accountKey),
      input.ip ? deps.limits.refund("loginIp", input.ip) : undefined,
    ]);
    throw error;
  }
  // A failure keeps the attempt it reserved.
  if (!user || !ok) throw new UnauthorizedError("Invalid email or password", "invalid_credentials");
  // The limits count failures: the right password gives the address its attempt back and starts
  // the account's count over.
  await Promise.all([deps.limits.reset("loginAccount", accountKey), input.ip ? deps.limits.refund("loginIp", input.ip) : undefined]);
  if (!user.isActive) throw new UnauthorizedError("This account is deactivated", "account_deactivated");
  const session = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    return createSession(tx, deps.settings.session, { userId: user.id, ip: input.ip, userAgent: input.userAgent });
  });
  return authResult(db, deps, session);
}

export async function refresh(db: Db, deps: AuthDeps, input: { refreshToken: string }): Promise<AuthResult> {
  try {
    const session = await rotateRefreshToken(db, deps.settings.session, input.refreshToken);
    return await authResult(db, deps, session);
  } catch (error) {
    // A reuse revoked a session: make that take effect on this instance at once.
    deps.sessions.forgetAll();
    throw error;
  }
}

/** Ends the session named by the access token, or by the refresh token when that is all we have. */
export async function logout(db: Db, deps: AuthDeps, input: { sessionId: string | null; refreshToken: string | null }): Promise<void> {
  let sessionId = input.sessionId;
  if (!sessionId && input.refreshToken) {
    const token = await db.refreshToken.findUnique({ where: { tokenHash: hashToken(input.refreshToken) }, select: { sessionId: true } });
    sessionId = token?.sessionId ?? null;
  }
  if (!sessionId) return;
  await revokeSession(db, { sessionId, reason: "logout" });
  deps.sessions.forget([sessionId]);
}

/** Signs one of my own devices out; someone else's session looks like no session at all. */
export async function revokeOwnSession(db: Db, deps: AuthDeps, input: RevokeSessionInput & { userId: string }): Promise<void> {
  const revoked = await revokeSession(db, { sessionId: input.sessionId, userId: input.userId, reason: "revoked_by_user" });
  if (!revoked) throw new NotFoundError("Session");
  deps.sessions.forget([input.sessionId]);
}

export async function logoutAll(db: Db, deps: AuthDeps, input: { userId: string }): Promise<void> {
  deps.sessions.forget(await revokeAllSessions(db, { userId: input.userId, reason: "logout_all" }));
}

/** As resendVerification: the same work for every address, the account's part in a job. */
export async function requestPasswordReset(db: Db, deps: AuthDeps, input: EmailOnlyInput & RequestInfo): Promise<void> {
  if (input.ip) await deps.limits.consume("emailActionIp", input.ip);
  await deps.limits.consume("emailAction", `reset:${input.email}`);
  await queueAuthEmail(db, { kind: "password_reset", email: input.email, ...linkTerms(deps, "password_reset") });
  deps.jobsQueued();
}

export async function resetPassword(db: Db, deps: AuthDeps, input: ResetPasswordInput): Promise<void> {
  const token = await db.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { id: true, userId: true, usedAt: true, expiresAt: true },
  });
  if (!token) throw new ValidationError("This reset link is not valid", "invalid_token");
  if (token.usedAt) throw new ValidationError("This reset link was already used", "token_used");
  if (token.expiresAt <= new Date()) throw new ValidationError("This reset link has expired; request a new one", "token_expired");
  const passwordHash = await deps.passwords.hash(input.newPassword);
  const revoked = await db.$transaction(async (tx) => {
    const claimed = await tx.passwordResetToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: new Date() } });
    if (claimed.count === 0) throw new ValidationError("This reset link was already used", "token_used");
    // Receiving the email proves the address, so a reset also verifies it.
    const user = await tx.user.update({
      where: { id: token.userId },
      data: { passwordHash },
      select: { emailVerifiedAt: true },
    });
    if (!user.emailVerifiedAt) await tx.user.update({ where: { id: token.userId }, data: { emailVerifiedAt: new Date() } });
    return revokeAllSessions(tx, { userId: token.userId, reason: "password_reset" });
  });
  deps.sessions.forget(revoked);
}
