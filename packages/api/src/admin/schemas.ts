import { z } from "zod";
import { fullNameSchema, passwordSchema } from "../passwords/policy.js";
import { emailSchema, publicUser } from "../users/schemas.js";

export const listUsersInput = z
  .object({
    query: z.string().trim().max(200).optional(),
    cursor: z.uuid().optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .prefault({});

export const listUsersOutput = z.object({ items: publicUser.array(), nextCursor: z.string().nullable() });

export const createUserInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  fullName: fullNameSchema.optional(),
  isAdmin: z.boolean().default(false),
});

export const setActiveInput = z.object({ userId: z.uuid(), active: z.boolean() });
export const userIdInput = z.object({ userId: z.uuid() });

export type ListUsersInput = z.infer<typeof listUsersInput>;
export type CreateUserInput = z.infer<typeof createUserInput>;
export type SetActiveInput = z.infer<typeof setActiveInput>;
export type UserIdInput = z.infer<typeof userIdInput>;
