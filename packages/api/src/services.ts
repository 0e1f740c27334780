// The long-lived collaborators procedures use, built once per process from the configuration.
import type { Env } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createOpenAiEmbeddings, type EmbeddingsProvider } from "./ai/embeddings.js";
import { createExtractiveProvider } from "./ai/extractive.js";
import { createOpenAiProvider } from "./ai/openai.js";
import type { AiProvider } from "./ai/provider.js";
import { createAccessTokens, type AccessTokens } from "./auth/tokens.js";
import { SessionValidator, type SessionSettings } from "./auth/sessions.js";
import type { Logger } from "./logger.js";
import { createPasswordHasher, type PasswordHasher } from "./passwords/hasher.js";
import { createRateLimiter, type RateLimiter } from "./ratelimit/limits.js";

export interface AppSettings {
  /** Base URL of the web app, for links in emails. */
  appUrl: string;
  /** Origins allowed to make cookie-authenticated mutations (CSRF). */
  allowedOrigins: string[];
  secureCookies: boolean;
  session: SessionSettings;
  accessTokenTtlSeconds: number;
  verificationTtlHours: number;
  resetTtlMinutes: number;
  /** Model tokens per workspace per calendar month (UTC) for Ask Mind; 0 = no limit. */
  askMindMonthlyTokenBudget: number;
  /** Cosine similarity below which a vector match is not relevant. */
  embeddingsMinSimilarity: number;
}

export interface AppServices {
  settings: AppSettings;
  tokens: AccessTokens;
  passwords: PasswordHasher;
  limits: RateLimiter;
  sessions: SessionValidator;
  /** Summaries and Ask Mind answers: an OpenAI-compatible model, or the extractive fallback. */
  ai: AiProvider;
  /** Embeddings for Ask Mind's vector retrieval; null when not configured (full text only). */
  embeddings: EmbeddingsProvider | null;
  /** Called after an email is queued, so delivery need not wait for its next poll. */
  emailQueued(): void;
  /** Called after a background job is queued, so this instance's worker picks it up at once. */
  jobsQueued(): void;
}

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
  };
}

/** The configured model, or the extractive provider when none is configured. */
export function aiProviderFromEnv(env: Env, log: Logger): AiProvider {
  if (!env.LLM_BASE_URL) return createExtractiveProvider();
  return createOpenAiProvider({ baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL, timeoutMs: env.LLM_TIMEOUT_MS, log });
}

/** The configured embeddings model, or null. */
export function embeddingsFromEnv(env: Env, log: Logger): EmbeddingsProvider | null {
  const baseUrl = env.EMBEDDINGS_BASE_URL ?? env.LLM_BASE_URL;
  if (!env.EMBEDDINGS_MODEL || !baseUrl) return null;
  return createOpenAiEmbeddings({ baseUrl, apiKey: env.EMBEDDINGS_API_KEY ?? env.LLM_API_KEY, model: env.EMBEDDINGS_MODEL, timeoutMs: env.LLM_TIMEOUT_MS, log });
}

export interface CreateServicesOptions {
  env: Env;
  db: Db;
  log: Logger;
  emailQueued?: () => void;
  jobsQueued?: () => void;
}

export async function createServices(options: CreateServicesOptions): Promise<AppServices & { close(): Promise<void> }> {
  const { env, db, log } = options;
  const passwords = createPasswordHasher({ cost: env.BCRYPT_COST, workers: env.PASSWORD_WORKERS });
  const limits = createRateLimiter({ log, ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}) });
  if (!(await limits.ready())) log.warn("Redis is unreachable: rate limits are per instance until it is back");
  return {
    settings: settingsFromEnv(env),
    tokens: await createAccessTokens(env),
    passwords,
    limits,
    sessions: new SessionValidator(db),
    ai: aiProviderFromEnv(env, log),
    embeddings: embeddingsFromEnv(env, log),
    emailQueued: options.emailQueued ?? (() => {}),
    jobsQueued: options.jobsQueued ?? (() => {}),
    async close() {
      await Promise.all([passwords.close(), limits.close()]);
    },
  };
}
