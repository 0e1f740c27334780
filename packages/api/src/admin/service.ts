import { isUniqueViolation, type Db } from "@meetmind/db";
import { revokeAllSessions } from "../identity/sessions.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { passwordSchema } from "../passwords/policy.js";
import type { AppServices } from "../ports.js";
import { publicUserSelect, toPublicUser } from "../users/select.js";
import type { PublicUser } from "../users/schemas.js";
import { deleteUser } from "../users/service.js";
import type { CreateUserInput, ListUsersInput, SetActiveInput, UserIdInput } from "./schemas.js";

type Deps = Pick<AppServices, "passwords" | "sessions">;

export async function listUsers(db: Db, input: ListUsersInput) {
  const rows = await db.user.findMany({
    where: input.query
      ? {
          OR: [{ email: { contains: input.query, mode: "insensitive" } }, { fullName: { contains: input.query, mode: "insensitive" } }],
        }
      : {},
    // UUIDv7 ids sort by creation time: newest first, and a stable cursor.
    orderBy: { id: "desc" },
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: publicUserSelect,
  });
  const page = rows.slice(0, input.limit);
  return { items: page.map(toPublicUser), nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Creates a verified user (an admin vouches for the address). */
export async function createUser(db: Db, deps: Deps, input: CreateUserInput): Promise<PublicUser> {
  const passwordHash = await deps.passwords.hash(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, passwordHash, fullName: input.fullName ?? null, isAdmin: input.isAdmin, emailVerifiedAt: new Date() },
      select: publicUserSelect,
    });
    return toPublicUser(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An account with this email already exists", "email_taken");
    throw error;
  }
}

export async function setActive(db: Db, deps: Deps, input: SetActiveInput & { actorId: string }): Promise<PublicUser> {
  if (input.userId === input.actorId && !input.active) throw new ValidationError("You cannot deactivate yourself", "cannot_target_self");
  const existing = await db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!existing) throw new NotFoundError("User");
  const { user, revoked } = await db.$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { isActive: input.active, deactivatedAt: input.active ? null : new Date() },
      select: publicUserSelect,
    });
    const revoked = input.active ? [] : await revokeAllSessions(tx, { userId: input.userId, reason: "deactivated" });
    return { user, revoked };
  });
  deps.sessions.forget(revoked);
  return toPublicUser(user);
}

export async function removeUser(db: Db, deps: Deps, input: UserIdInput & { actorId: string }): Promise<void> {
  if (input.userId === input.actorId) throw new ValidationError("Use users.deleteAccount to delete yourself", "cannot_target_self");
  const existing = await db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!existing) throw new NotFoundError("User");
  await deleteUser(db, deps, { userId: input.userId });
}

/** Creates the superuser, or promotes and re-passwords an existing account (bootstrap and CLI). */
export async function ensureSuperuser(db: Db, deps: Deps, input: { email: string; password: string }): Promise<{ created: boolean }> {
  const policy = passwordSchema.safeParse(input.password);
  if (!policy.success) {
    throw new ValidationError(
      `The superuser's password is too weak: ${policy.error.issues.map((i) => i.message).join("; ")}`,
      "weak_password",
    );
  }
  const passwordHash = await deps.passwords.hash(input.password);
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    await db.user.update({ where: { id: existing.id }, data: { isAdmin: true, isActive: true, passwordHash } });
    return { created: false };
  }
  await db.user.create({ data: { email: input.email, passwordHash, isAdmin: true, emailVerifiedAt: new Date() } });
  return { created: true };
}
