// The collaborators procedures and services receive: what the composition root (app/services.ts)
// builds once per process. Domains depend on these interfaces, never on the code that builds them,
// so nothing below the root imports it; a service takes the slice it needs (`Pick<AppServices, …>`).
import type { Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "./ai/embeddings.js";
import type { AiProvider } from "./ai/provider.js";
import type { ApiKeyValidator } from "./identity/api-keys.js";
import type { SessionSettings, SessionValidator } from "./identity/sessions.js";
import type { AccessTokens } from "./identity/tokens.js";
import type { MembershipCache } from "./tenancy/memberships.js";
import type { PasswordHasher } from "./passwords/hasher.js";
import type { RateLimiter } from "./ratelimit/limits.js";

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
  /** Workspace memberships, cached briefly; forget a workspace's after changing its members. */
  memberships: MembershipCache;
  /** Workspace API keys (`mm_…`), checked per request and cached briefly; forget one on revocation. */
  apiKeys: ApiKeyValidator;
  /** Summaries and Ask Mind answers: an OpenAI-compatible model, or the extractive fallback. */
  ai: AiProvider;
  /** Embeddings for Ask Mind's vector retrieval; null when not configured (full text only). */
  embeddings: EmbeddingsProvider | null;
  /** Called after an email is queued, so delivery need not wait for its next poll. */
  emailQueued(): void;
  /** Called after a background job is queued, so this instance's worker picks it up at once. */
  jobsQueued(): void;
  /**
   * Called (with the client of the write, so it can join its transaction) when a transcript
   * version becomes current. The root wires it to Ask Mind's embeddings when they are configured;
   * null otherwise. Transcripts thus never import the features that index them.
   */
  transcriptCurrent: ((db: Db, transcriptId: string) => Promise<void>) | null;
}
