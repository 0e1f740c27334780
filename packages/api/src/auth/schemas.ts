import { z } from "zod";
import { fullNameSchema, passwordSchema } from "../passwords/policy.js";
import { emailSchema, publicUser } from "../users/schemas.js";

const opaqueToken = z.string().min(16).max(256);

export const signupInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  fullName: fullNameSchema.optional(),
});

export const loginInput = z.object({
  email: emailSchema,
  // Not the policy: old passwords must still work; only a sane size limit.
  password: z.string().min(1).max(1024),
});

export const emailOnlyInput = z.object({ email: emailSchema });
export const tokenInput = z.object({ token: opaqueToken });
export const resetPasswordInput = z.object({ token: opaqueToken, newPassword: passwordSchema });
/** The refresh token comes from the body or, for browsers, from its httpOnly cookie. */
export const refreshInput = z.object({ refreshToken: opaqueToken.optional() }).optional();
export const revokeSessionInput = z.object({ sessionId: z.uuid() });

export type SignupInput = z.infer<typeof signupInput>;
export type LoginInput = z.infer<typeof loginInput>;
export type EmailOnlyInput = z.infer<typeof emailOnlyInput>;
export type TokenInput = z.infer<typeof tokenInput>;
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;
export type RevokeSessionInput = z.infer<typeof revokeSessionInput>;

export const authResult = z.object({
  user: publicUser,
  accessToken: z.string(),
  accessTokenExpiresAt: z.date(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.date(),
});

export const sessionOutput = z.object({
  id: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.date(),
  lastUsedAt: z.date(),
  expiresAt: z.date(),
  current: z.boolean(),
});
