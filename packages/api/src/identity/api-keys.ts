// Workspace API keys as presented: `Authorization: Bearer mm_<43 base64url characters>`. The token
// is 256 random bits, stored only as its SHA-256 (like refresh tokens), so a database leak leaks no
// usable key, and a fast hash looked up by its unique index is as safe as a slow one. The `mm_`
// prefix tells a key from a JWT (which starts `eyJ`) without touching the JWT path.
//
// Checking a key costs one query, cached briefly like sessions (identity/sessions.ts): a burst of
// requests costs one lookup, and a revoked key stops working at once on the instance that revoked
// it and within API_KEY_CACHE_TTL_MS on every other. What the key may do is decided per procedure
// in trpc.ts (its workspace, its scopes, its creator's current role).
import { LRUCache } from "lru-cache";
import type { ApiKeyScope, Db } from "@meetmind/db";
import { recordAudit } from "../audit/service.js";
import { UnauthorizedError } from "../errors.js";
import { generateOpaqueToken, hashToken } from "./tokens.js";

export const API_KEY_PREFIX = "mm_";
const TOKEN_PATTERN = /^mm_[A-Za-z0-9_-]{43}$/;
/** `mm_` and 8 characters of the secret (48 of its 256 bits): enough to tell keys apart in a list. */
const SHOWN_LENGTH = 11;

export const API_KEY_CACHE_TTL_MS = 2_000;
/** last_used_at is written at most this often per key, not on every request. */
export const LAST_USED_INTERVAL_MS = 60_000;

export interface NewApiKey {
  /** Shown once, to its creator; never stored. */
  token: string;
  prefix: string;
  secretHash: string;
}

export function generateApiKey(): NewApiKey {
  const token = `${API_KEY_PREFIX}${generateOpaqueToken()}`;
  return { token, prefix: token.slice(0, SHOWN_LENGTH), secretHash: hashToken(token) };
}

export function isApiKeyToken(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** Who a live key acts as: its creator's membership of its workspace, within its scopes. */
export interface ApiKeyPrincipal {
  id: string;
  workspaceId: string;
  /** The creator's membership (workspace_members.id); a key never outlives it. */
  memberId: string;
  scopes: ApiKeyScope[];
  /** The creator, as a workspace procedure's ctx.user; never a superuser through a key. */
  user: { id: string; email: string; isAdmin: false };
}

/** Where the key was used from, for the audit entry of its first use. */
export interface KeyUse {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

interface LiveKey {
  principal: ApiKeyPrincipal;
  expiresAtMs: number | null;
  lastUsedAtMs: number | null;
}

export const invalidApiKey = () => new UnauthorizedError("Invalid, expired or revoked API key", "invalid_api_key");

export class ApiKeyValidator {
  private readonly cache = new LRUCache<string, LiveKey | false>({ max: 50_000, ttl: API_KEY_CACHE_TTL_MS });
  private readonly lastUsedIntervalMs: number;

  constructor(
    private readonly db: Db,
    options: { lastUsedIntervalMs?: number } = {},
  ) {
    this.lastUsedIntervalMs = options.lastUsedIntervalMs ?? LAST_USED_INTERVAL_MS;
  }

  /** The key's principal; throws UnauthorizedError for anything but a live key of ours. */
  async verify(token: string, use: KeyUse): Promise<ApiKeyPrincipal> {
    // Malformed tokens cost no query.
    if (!TOKEN_PATTERN.test(token)) throw invalidApiKey();
    const hash = hashToken(token);
    let key = this.cache.get(hash);
    if (key === undefined) {
      key = await this.load(hash);
      this.cache.set(hash, key);
    }
    const now = Date.now();
    // Checked on every use: a cached key must not outlive its expiry.
    if (!key || (key.expiresAtMs !== null && key.expiresAtMs <= now)) throw invalidApiKey();
    if (key.lastUsedAtMs === null || now - key.lastUsedAtMs >= this.lastUsedIntervalMs) await this.touch(key, now, use);
    return key.principal;
  }

  /** After a revocation: this instance refuses the key at once. */
  forget(apiKeyId: string): void {
    for (const [hash, key] of this.cache.entries()) if (key && key.principal.id === apiKeyId) this.cache.delete(hash);
  }

  private async load(secretHash: string): Promise<LiveKey | false> {
    const row = await this.db.apiKey.findUnique({
      where: { secretHash },
      select: {
        id: true,
        workspaceId: true,
        createdByMemberId: true,
        scopes: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
        createdBy: { select: { id: true, email: true, isActive: true } },
      },
    });
    // A key whose creator left the workspace (the membership is gone) or was deactivated is dead.
    if (!row || row.revokedAt || !row.createdByMemberId || !row.createdBy?.isActive) return false;
    return {
      principal: {
        id: row.id,
        workspaceId: row.workspaceId,
        memberId: row.createdByMemberId,
        scopes: row.scopes,
        user: { id: row.createdBy.id, email: row.createdBy.email, isAdmin: false },
      },
      expiresAtMs: row.expiresAt?.getTime() ?? null,
      lastUsedAtMs: row.lastUsedAt?.getTime() ?? null,
    };
  }

  /**
   * Records the use. Conditional updates keep it to one write per interval across instances too;
   * the first use ever is also audited (from where, by which request), in the same transaction.
   */
  private async touch(key: LiveKey, now: number, use: KeyUse): Promise<void> {
    const firstUse = key.lastUsedAtMs === null;
    // Set first, so concurrent requests on this instance do not write as well.
    key.lastUsedAtMs = now;
    const { id, workspaceId, user } = key.principal;
    const at = new Date(now);
    if (firstUse) {
      const claimed = await this.db.$transaction(async (tx) => {
        const { count } = await tx.apiKey.updateMany({ where: { id, lastUsedAt: null }, data: { lastUsedAt: at } });
        if (count === 1) {
          await recordAudit(
            tx,
            workspaceId,
            { actorId: user.id, apiKeyId: id, ...use },
            { action: "api_key.first_used", targetType: "api_key", targetId: id },
          );
        }
        return count === 1;
      });
      if (claimed) return;
    }
    await this.db.apiKey.updateMany({
      where: { id, lastUsedAt: { lte: new Date(now - this.lastUsedIntervalMs) } },
      data: { lastUsedAt: at },
    });
  }
}
