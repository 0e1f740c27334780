// Real services for tests: cheap bcrypt, limits in memory (or Redis) under a per-test prefix.
import { randomBytes } from "node:crypto";
import { parseEnv } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createExtractiveProvider } from "../ai/extractive.js";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { AiProvider } from "../ai/provider.js";
import { createAccessTokens } from "../auth/tokens.js";
import { SessionValidator } from "../auth/sessions.js";
import { silentLogger } from "../logger.js";
import { createPasswordHasher } from "../passwords/hasher.js";
import { createRateLimiter, type LimitOverrides } from "../ratelimit/limits.js";
import { settingsFromEnv, type AppServices } from "../services.js";

export interface TestServicesOptions {
  settings?: Record<string, string>;
  limits?: LimitOverrides;
  redisUrl?: string;
  emailQueued?: () => void;
  jobsQueued?: () => void;
  /** Default: the extractive provider (no model). */
  ai?: AiProvider;
  /** Default: none (full-text retrieval only). */
  embeddings?: EmbeddingsProvider;
}

export async function createTestServices(db: Db, options: TestServicesOptions = {}): Promise<AppServices & { close(): Promise<void> }> {
  const env = parseEnv({ NODE_ENV: "test", BCRYPT_COST: "4", PASSWORD_WORKERS: "2", ...options.settings });
  const passwords = createPasswordHasher({ cost: env.BCRYPT_COST, workers: env.PASSWORD_WORKERS });
  const limits = createRateLimiter({
    log: silentLogger,
    keyPrefix: `test-${randomBytes(6).toString("hex")}`,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
  });
  return {
    settings: settingsFromEnv(env),
    tokens: await createAccessTokens(env),
    passwords,
    limits,
    sessions: new SessionValidator(db),
    ai: options.ai ?? createExtractiveProvider(),
    embeddings: options.embeddings ?? null,
    emailQueued: options.emailQueued ?? (() => {}),
    jobsQueued: options.jobsQueued ?? (() => {}),
    async close() {
      await Promise.all([passwords.close(), limits.close()]);
    },
  };
}
