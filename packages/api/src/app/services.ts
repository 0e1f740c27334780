// The composition root's services: builds, once per process from the configuration, the
// collaborators (ports.ts) that procedures and services receive.
import type { Env } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createOpenAiEmbeddings, type EmbeddingsProvider } from "../ai/embeddings.js";
import { createExtractiveProvider } from "../ai/extractive.js";
import { createOpenAiProvider } from "../ai/openai.js";
import type { AiProvider } from "../ai/provider.js";
import { queueEmbeddings, queueMissingEmbeddings } from "../askmind/vector.js";
import { ApiKeyValidator } from "../identity/api-keys.js";
import { SessionValidator } from "../identity/sessions.js";
import { createAccessTokens } from "../identity/tokens.js";
import type { Logger } from "../logger.js";
import { createPasswordHasher } from "../passwords/hasher.js";
import { createWorkspaceAiResolver } from "../settings/resolver.js";
import { createSecretBox } from "../shared/secrets.js";
import type { AppServices, AppSettings, WorkspaceAiResolver } from "../ports.js";
import { MembershipCache } from "../tenancy/memberships.js";
import { createRateLimiter, type RateLimiterOptions } from "../ratelimit/limits.js";

export function settingsFromEnv(env: Env): AppSettings {
  return {
    appUrl: env.APP_URL.replace(/\/$/, ""),
    allowedOrigins: [...env.CORS_ORIGINS, new URL(env.APP_URL).origin],
    secureCookies: env.NODE_ENV === "production",
    session: { refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS, sessionMaxAgeDays: env.SESSION_MAX_AGE_DAYS },
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    verificationTtlHours: env.EMAIL_VERIFICATION_TTL_HOURS,
    resetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
    askMindMonthlyTokenBudget: env.ASKMIND_MONTHLY_TOKEN_BUDGET,
    embeddingsMinSimilarity: env.EMBEDDINGS_MIN_SIMILARITY,
    aiMonthlyTokenCap: env.AI_MONTHLY_TOKEN_CAP,
    allowPrivateAiBaseUrls: env.AI_ALLOW_PRIVATE_BASE_URLS,
    llmTimeoutMs: env.LLM_TIMEOUT_MS,
  };
}

/** The configured model, or the extractive provider when none is configured. */
export function aiProviderFromEnv(env: Env, log: Logger): AiProvider {
  if (!env.LLM_BASE_URL) return createExtractiveProvider();
  return createOpenAiProvider({
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    log,
  });
}

/** The configured embeddings model, or null. */
export function embeddingsFromEnv(env: Env, log: Logger): EmbeddingsProvider | null {
  const baseUrl = env.EMBEDDINGS_BASE_URL ?? env.LLM_BASE_URL;
  if (!env.EMBEDDINGS_MODEL || !baseUrl) return null;
  return createOpenAiEmbeddings({
    baseUrl,
    apiKey: env.EMBEDDINGS_API_KEY ?? env.LLM_API_KEY,
    model: env.EMBEDDINGS_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    log,
  });
}

/**
 * What a transcript becoming current sets off: (re)embedding its segments, when its workspace
 * embeds (with its own embeddings model, or the server's).
 */
export function transcriptListener(workspaceAi: WorkspaceAiResolver): AppServices["transcriptCurrent"] {
  return async (db, transcriptId) => {
    const transcript = await db.transcript.findUnique({ where: { id: transcriptId }, select: { workspaceId: true } });
    if (!transcript) return;
    // A workspace whose model server cannot be resolved now is queued all the same: the job resolves again.
    const embeds = await workspaceAi.resolve(transcript.workspaceId).then(
      (ai) => ai.embeddings !== null,
      () => true,
    );
    if (embeds) await queueEmbeddings(db, transcriptId);
  };
}

/** After a workspace's model server changes: embed its transcripts that have no vectors from its (new) embeddings model. */
export function aiSettingsListener(db: Db, workspaceAi: WorkspaceAiResolver, jobsQueued: () => void): AppServices["aiSettingsChanged"] {
  return async (workspaceId) => {
    const { embeddings } = await workspaceAi.resolve(workspaceId);
    if (embeddings && (await queueMissingEmbeddings(db, embeddings.model, workspaceId)) > 0) jobsQueued();
  };
}

export interface CreateServicesOptions {
  env: Env;
  db: Db;
  log: Logger;
  emailQueued?: () => void;
  jobsQueued?: () => void;
  /** Instead of the model the env configures (tests: the loopback fake, or the extractive provider). */
  ai?: AiProvider;
  /** Instead of the embeddings the env configures; null turns them off. */
  embeddings?: EmbeddingsProvider | null;
  /** Rate-limiter options beyond the env's Redis URL (tests: a key prefix, tighter limits). */
  limits?: Omit<RateLimiterOptions, "log">;
}

export async function createServices(options: CreateServicesOptions): Promise<AppServices & { close(): Promise<void> }> {
  const { env, db, log } = options;
  const passwords = createPasswordHasher({ cost: env.BCRYPT_COST, workers: env.PASSWORD_WORKERS });
  const limits = createRateLimiter({
    log,
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...options.limits,
    limits: { apiKey: { points: env.API_KEY_RATE_LIMIT_PER_MINUTE }, ...options.limits?.limits },
  });
  if (!(await limits.ready())) log.warn("Redis is unreachable: rate limits are per instance until it is back");
  const embeddings = options.embeddings !== undefined ? options.embeddings : embeddingsFromEnv(env, log);
  const settings = settingsFromEnv(env);
  const ai = options.ai ?? aiProviderFromEnv(env, log);
  const secrets = createSecretBox(env.SECRETS_ENCRYPTION_KEYS);
  const jobsQueued = options.jobsQueued ?? (() => {});
  const workspaceAi = createWorkspaceAiResolver({
    db,
    ai,
    embeddings,
    secrets,
    serverMonthlyTokenCap: settings.aiMonthlyTokenCap,
    allowPrivateBaseUrls: settings.allowPrivateAiBaseUrls,
    timeoutMs: settings.llmTimeoutMs,
    log,
  });
  return {
    settings,
    tokens: await createAccessTokens(env),
    passwords,
    limits,
    sessions: new SessionValidator(db),
    memberships: new MembershipCache(db),
    apiKeys: new ApiKeyValidator(db),
    ai,
    embeddings,
    workspaceAi,
    secrets,
    emailQueued: options.emailQueued ?? (() => {}),
    jobsQueued,
    transcriptCurrent: transcriptListener(workspaceAi),
    aiSettingsChanged: aiSettingsListener(db, workspaceAi, jobsQueued),
    async close() {
      await Promise.all([passwords.close(), limits.close()]);
    },
  };
}
