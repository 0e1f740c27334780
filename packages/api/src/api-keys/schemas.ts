import { z } from "zod";
import { dateInput, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";

export const apiKeyScopeSchema = z.enum(["read", "write", "ask"]);

const workspaceId = z.uuid();

export const createApiKeyInput = z.object({
  workspaceId,
  name: z.string().trim().min(1, "Name is required").max(100),
  scopes: apiKeyScopeSchema
    .array()
    .min(1, "At least one scope")
    .max(3)
    .refine((scopes) => new Set(scopes).size === scopes.length, "Each scope at most once"),
  /** Absent: the key lives until revoked (or until its creator leaves the workspace). */
  expiresAt: dateInput()
    .refine((date) => date.getTime() > Date.now(), "must be in the future")
    .optional(),
});
export const listApiKeysInput = z.object({ workspaceId, ...pageInput });
export const revokeApiKeyInput = z.object({ workspaceId, apiKeyId: z.uuid() });

export type CreateApiKeyInput = ScopedInput<typeof createApiKeyInput>;
export type ListApiKeysInput = ScopedInput<typeof listApiKeysInput>;
export type RevokeApiKeyInput = ScopedInput<typeof revokeApiKeyInput>;

export const apiKeyOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters (`mm_` and 8 more), to tell keys apart. */
  prefix: z.string(),
  scopes: apiKeyScopeSchema.array(),
  /**
   * `inactive`: its creator is no longer a member of the workspace (for good) or their account is
   * deactivated (until it is reactivated).
   */
  status: z.enum(["active", "expired", "revoked", "inactive"]),
  createdBy: z.object({ userId: z.string(), email: z.string(), fullName: z.string().nullable() }).nullable(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const apiKeyPage = pageOf(apiKeyOutput);

/** The one answer that carries the token: it is shown once and never stored. */
export const createdApiKeyOutput = z.object({ key: apiKeyOutput, token: z.string() });
