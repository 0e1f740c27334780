import type { Prisma } from "@meetmind/db";
import type { PublicUser } from "./schemas.js";

/** The columns behind PublicUser: every user read that reaches a client goes through this. */
export const publicUserSelect = {
  id: true,
  email: true,
  fullName: true,
  timezone: true,
  locale: true,
  avatarUrl: true,
  emailVerifiedAt: true,
  isAdmin: true,
  isActive: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

type SelectedUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

export function toPublicUser({ emailVerifiedAt, ...user }: SelectedUser): PublicUser {
  return { ...user, emailVerified: emailVerifiedAt !== null };
}
