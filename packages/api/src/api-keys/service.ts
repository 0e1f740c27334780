// Creating, listing and revoking a workspace's API keys (admins). How a key is checked when it is
// used lives in identity/api-keys.ts and trpc.ts; this is only its management.
import type { Prisma } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { generateApiKey } from "../identity/api-keys.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { CreateApiKeyInput, ListApiKeysInput, RevokeApiKeyInput } from "./schemas.js";

/** Keys a workspace may have that are neither revoked nor expired: a bound, not a quota to plan by. */
export const MAX_LIVE_KEYS = 100;

const keySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  createdByMemberId: true,
  createdBy: { select: { id: true, email: true, fullName: true, isActive: true } },
} as const satisfies Prisma.ApiKeySelect;

type KeyRow = Prisma.ApiKeyGetPayload<{ select: typeof keySelect }>;

function present(row: KeyRow, now = new Date()) {
  const { createdByMemberId, createdBy, ...key } = row;
  const status = key.revokedAt
    ? ("revoked" as const)
    : key.expiresAt && key.expiresAt <= now
      ? ("expired" as const)
      : !createdByMemberId || !createdBy?.isActive
        ? ("inactive" as const)
        : ("active" as const);
  return {
    ...key,
    status,
    createdBy: createdBy ? { userId: createdBy.id, email: createdBy.email, fullName: createdBy.fullName } : null,
  };
}

/** A new key acting as the caller's membership; the token is in this answer only. */
export async function createApiKey(scope: WorkspaceScope, meta: RequestMeta, input: CreateApiKeyInput) {
  const { token, prefix, secretHash } = generateApiKey();
  const key = await scope.db.$transaction(async (tx) => {
    const now = new Date();
    const live = await tx.apiKey.count({ where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
    if (live >= MAX_LIVE_KEYS) {
      throw new ConflictError(`A workspace has at most ${MAX_LIVE_KEYS} live API keys: revoke one first`, "too_many_api_keys");
    }
    const row = await tx.apiKey.create({
      data: {
        workspaceId: scope.workspaceId,
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt ?? null,
        prefix,
        secretHash,
        createdByMemberId: scope.memberId,
        createdById: scope.userId,
      },
      select: keySelect,
    });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      metadata: { name: row.name, prefix, scopes: row.scopes, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    return present(row, now);
  });
  return { key, token };
}

/** Newest first; never the hash, let alone the token. */
export async function listApiKeys(scope: WorkspaceScope, input: ListApiKeysInput) {
  const rows = await scope.db.apiKey.findMany({ orderBy: { id: "desc" }, ...pageArgs(input), select: keySelect });
  const now = new Date();
  return toPage(
    rows.map((row) => present(row, now)),
    input.limit,
  );
}

/** Revokes a key for good. Revoking a revoked key changes nothing. */
export async function revokeApiKey(scope: WorkspaceScope, meta: RequestMeta, input: RevokeApiKeyInput): Promise<void> {
  const key = await scope.db.apiKey.findFirst({ where: { id: input.apiKeyId }, select: { id: true, name: true, prefix: true } });
  if (!key) throw new NotFoundError("API key");
  await scope.db.$transaction(async (tx) => {
    // Conditional: of two revocations at once, one records it.
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return;
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: key.id,
      metadata: { name: key.name, prefix: key.prefix },
    });
  });
}
