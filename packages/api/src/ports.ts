// The collaborators procedures and services receive: what the composition root (app/services.ts)
// builds once per process. Domains depend on these interfaces, never on the code that builds them,
// so nothing below the root imports it; a service takes the slice it needs (`Pick<AppServices, …>`).
import type { Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "./ai/embeddings.js";
import type { PromptSet } from "./ai/prompts.js";
import type { AiProvider } from "./ai/provider.js";
import type { ApiKeyValidator } from "./identity/api-keys.js";
import type { SessionSettings, SessionValidator } from "./identity/sessions.js";
import type { AccessTokens } from "./identity/tokens.js";
import type { MembershipCache } from "./tenancy/memberships.js";
import type { PasswordHasher } from "./passwords/hasher.js";
import type { RateLimiter } from "./ratelimit/limits.js";
import type { SecretBox } from "./shared/secrets.js";

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
  /** Tokens per workspace per month (UTC) on the server's model; 0 = no limit. Workspaces may set lower. */
  aiMonthlyTokenCap: number;
  /** Whether a workspace's own model server may be on a private or loopback address. */
  allowPrivateAiBaseUrls: boolean;
  /** Per model request, for a workspace's own model server as for the server's. */
  llmTimeoutMs: number;
}

/** The model a workspace's AI features use, as resolved for it (settings/resolver.ts). */
export interface WorkspaceAi {
  /** "workspace": its own model server; "server": the server's default (a model, or the extractive mode). */
  source: "workspace" | "server";
  provider: AiProvider;
  /** Null: Ask Mind retrieval is full text only. */
  embeddings: EmbeddingsProvider | null;
  /** Model tokens per calendar month (UTC), every feature; null: no cap. */
  monthlyTokenCap: number | null;
  /** The workspace's current system prompt per kind (its own version, else the default). */
  prompts: PromptSet;
}

export interface WorkspaceAiResolver {
  /** Cached briefly: a change made on another server instance shows within the cache's lifetime. */
  resolve(workspaceId: string): Promise<WorkspaceAi>;
  /** Forgets a workspace's resolution after its settings or prompts change. */
  forget(workspaceId: string): void;
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
  /**
   * The server's default model for summaries and Ask Mind answers (an OpenAI-compatible model, or the
   * extractive fallback). Features ask `workspaceAi` for a workspace's: its own server, else this.
   */
  ai: AiProvider;
  /** Embeddings for Ask Mind's vector retrieval; null when not configured (full text only). */
  embeddings: EmbeddingsProvider | null;
  /** Per workspace: its own model server, else `ai` and `embeddings`; with its prompts and token cap. */
  workspaceAi: WorkspaceAiResolver;
  /** Seals and opens secrets stored in the database (workspace API keys). */
  secrets: SecretBox;
  /** Called after an email is queued, so delivery need not wait for its next poll. */
  emailQueued(): void;
  /** Called after a background job is queued, so this instance's worker picks it up at once. */
  jobsQueued(): void;
  /**
   * Called (with the client of the write, so it can join its transaction) when a transcript
   * version becomes current. The root wires it to Ask Mind's embeddings (queued when the
   * transcript's workspace embeds, with its own model or the server's). Transcripts thus never import the features that index them.
   */
  transcriptCurrent: ((db: Db, transcriptId: string) => Promise<void>) | null;
  /**
   * Called after a workspace's model server or embeddings model changed; the root wires it to
   * embedding the workspace's transcripts with the new embeddings model (settings sits below Ask Mind).
   */
  aiSettingsChanged: ((workspaceId: string) => Promise<void>) | null;
}
