import type { Db } from "@meetmind/db";
import { revokeAllSessions } from "../identity/sessions.js";
import { ConflictError, NotFoundError, UnauthorizedError } from "../errors.js";
import type { AppServices } from "../ports.js";
import { publicUserSelect, toPublicUser } from "./select.js";
import type { ChangePasswordInput, DeleteAccountInput, PublicUser, UpdatePreferencesInput, UpdateProfileInput } from "./schemas.js";

type Deps = Pick<AppServices, "passwords" | "sessions" | "limits">;

export async function getMe(db: Db, input: { userId: string }): Promise<PublicUser> {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: publicUserSelect });
  if (!user) throw new NotFoundError("User");
  return toPublicUser(user);
}

export async function updateProfile(db: Db, input: UpdateProfileInput & { userId: string }): Promise<PublicUser> {
  const { userId, ...changes } = input;
  const user = await db.user.update({ where: { id: userId }, data: changes, select: publicUserSelect });
  return toPublicUser(user);
}

const preferencesSelect = { colorMode: true, pinnedItemIds: true } as const;

export async function getPreferences(db: Db, input: { userId: string }) {
  const preferences = await db.userPreferences.findUnique({ where: { userId: input.userId }, select: preferencesSelect });
  return preferences ?? { colorMode: null, pinnedItemIds: [] };
}

export async function updatePreferences(db: Db, input: UpdatePreferencesInput & { userId: string }) {
  const { userId, ...changes } = input;
  return db.userPreferences.upsert({
    where: { userId },
    create: { userId, ...changes },
    update: changes,
    select: preferencesSelect,
  });
}

async function checkPassword(db: Db, deps: Deps, userId: string, password: string): Promise<void> {
  // Guessing the current password is guessing a login: the same per-account limit applies.
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new NotFoundError("User");
  if (!(await deps.passwords.verify(password, user.passwordHash))) {
    await deps.limits.consume("loginAccount", user.email);
    throw new UnauthorizedError("The current password is wrong", "invalid_credentials");
  }
}

export async function changePassword(
  db: Db,
  deps: Deps,
  input: ChangePasswordInput & { userId: string; sessionId: string | null },
): Promise<void> {
  await checkPassword(db, deps, input.userId, input.currentPassword);
  const passwordHash = await deps.passwords.hash(input.newPassword);
  const revoked = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash } });
    // Whoever else holds a session may be the reason for the change: they are signed out.
    return revokeAllSessions(tx, { userId: input.userId, exceptSessionId: input.sessionId, reason: "password_changed" });
  });
  deps.sessions.forget(revoked);
}

/** Workspaces in which this user is the only owner: they cannot leave them ownerless. */
export async function soleOwnedWorkspaces(db: Db, userId: string): Promise<string[]> {
  const owned = await db.workspaceMember.findMany({
    where: { userId, role: "owner", workspace: { deletedAt: null } },
    select: { workspaceId: true },
  });
  if (owned.length === 0) return [];
  const owners = await db.workspaceMember.groupBy({
    by: ["workspaceId"],
    where: { workspaceId: { in: owned.map((m) => m.workspaceId) }, role: "owner" },
    _count: { _all: true },
  });
  return owners.filter((group) => group._count._all === 1).map((group) => group.workspaceId);
}

/** Deletes the user row: cascades remove sessions, tokens, memberships and preferences; shared
 * content they authored stays, with its author set to null. */
export async function deleteUser(db: Db, deps: Pick<AppServices, "sessions">, input: { userId: string }): Promise<void> {
  const sole = await soleOwnedWorkspaces(db, input.userId);
  if (sole.length > 0) {
    throw new ConflictError(
      "This account is the last owner of a workspace: transfer ownership or delete the workspace first",
      "last_owner",
    );
  }
  const revoked = await db.$transaction(async (tx) => {
    const sessions = await revokeAllSessions(tx, { userId: input.userId, reason: "account_deleted" });
    await tx.user.delete({ where: { id: input.userId } });
    return sessions;
  });
  deps.sessions.forget(revoked);
}

export async function deleteAccount(db: Db, deps: Deps, input: DeleteAccountInput & { userId: string }): Promise<void> {
  await checkPassword(db, deps, input.userId, input.password);
  await deleteUser(db, deps, { userId: input.userId });
}
