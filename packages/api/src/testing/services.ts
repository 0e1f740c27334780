// Real services for tests: cheap bcrypt, limits in memory (or Redis) under a per-test prefix.
import { randomBytes } from "node:crypto";
import { parseEnv } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createExtractiveProvider } from "../ai/extractive.js";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { AiProvider } from "../ai/provider.js";
import { createServices } from "../app/services.js";
import { silentLogger } from "../logger.js";
import type { AppServices } from "../ports.js";
import type { LimitOverrides } from "../ratelimit/limits.js";

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
  // The same composition as the server's, from a test env: only the providers and limits differ.
  const env = parseEnv({ NODE_ENV: "test", BCRYPT_COST: "4", PASSWORD_WORKERS: "2", ...options.settings });
  return createServices({
    env,
    db,
    log: silentLogger,
    ai: options.ai ?? createExtractiveProvider(),
    embeddings: options.embeddings ?? null,
    limits: {
      keyPrefix: `test-${randomBytes(6).toString("hex")}`,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    },
    ...(options.emailQueued ? { emailQueued: options.emailQueued } : {}),
    ...(options.jobsQueued ? { jobsQueued: options.jobsQueued } : {}),
  });
}
