// Which model a workspace's AI features use: its own OpenAI-compatible server when an admin set one
// (settings.ai.update), else the server's default from the environment; with the workspace's
// current prompts and monthly token cap. Resolved only by requests that are about to call a model
// (asking, summarizing, embedding), never by plain reads, and cached briefly per workspace; an
// update forgets the workspace at once on this instance, others see it within CACHE_TTL_MS.
import { LRUCache } from "lru-cache";
import type { Db } from "@meetmind/db";
import { createOpenAiEmbeddings, type EmbeddingsProvider } from "../ai/embeddings.js";
import { baseUrlProblem } from "../ai/endpoint.js";
import { createOpenAiProvider } from "../ai/openai.js";
import { DEFAULT_PROMPTS, PROMPT_KINDS, type PromptKind, type PromptSet } from "../ai/prompts.js";
import type { AiProvider } from "../ai/provider.js";
import { ServiceUnavailableError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { WorkspaceAi, WorkspaceAiResolver } from "../ports.js";
import type { SecretBox } from "../shared/secrets.js";

export const CACHE_TTL_MS = 15_000;

export interface ResolverDeps {
  db: Db;
  /** The server's default model (or the extractive provider) and embeddings. */
  ai: AiProvider;
  embeddings: EmbeddingsProvider | null;
  /** Null: stored API keys cannot be opened (a workspace with one cannot use its server). */
  secrets: SecretBox | null;
  /** Tokens per month on the server's model; 0 = none. */
  serverMonthlyTokenCap: number;
  allowPrivateBaseUrls: boolean;
  timeoutMs: number;
  log: Logger;
}

/** The prompt kinds as the database spells them. */
export const PROMPT_KIND_OF_LABEL: Record<string, PromptKind> = {
  summary: "summary",
  action_items: "actionItems",
  ask_mind: "askMind",
  interview_summary: "interviewSummary",
};

/** A workspace's current prompt per kind: the text of its highest version, the default after a reset or with none. */
export async function currentPrompts(db: Db, workspaceId: string): Promise<PromptSet> {
  const rows = await db.$queryRaw<{ kind: string; text: string | null }[]>`
    SELECT DISTINCT ON (kind) kind::text AS kind, text
    FROM ai_prompt_versions WHERE workspace_id = ${workspaceId}::uuid
    ORDER BY kind, version DESC`;
  const prompts: PromptSet = { ...DEFAULT_PROMPTS };
  for (const row of rows) {
    const kind = PROMPT_KIND_OF_LABEL[row.kind];
    if (kind && PROMPT_KINDS.includes(kind) && row.text !== null) prompts[kind] = row.text;
  }
  return prompts;
}

/** The cap in force: on the server's model the lower of the server's and the workspace's; on its own, the workspace's. */
export function effectiveCap(source: WorkspaceAi["source"], workspaceCap: number | null, serverCap: number): number | null {
  if (source === "workspace") return workspaceCap;
  const caps = [workspaceCap, serverCap > 0 ? serverCap : null].filter((cap): cap is number => cap !== null);
  return caps.length > 0 ? Math.min(...caps) : null;
}

export function createWorkspaceAiResolver(deps: ResolverDeps): WorkspaceAiResolver {
  const cache = new LRUCache<string, Promise<WorkspaceAi>>({ max: 5_000, ttl: CACHE_TTL_MS });

  async function load(workspaceId: string): Promise<WorkspaceAi> {
    const [settings, prompts] = await Promise.all([
      deps.db.workspaceAiSettings.findUnique({
        where: { workspaceId },
        select: { baseUrl: true, model: true, embeddingModel: true, apiKeyEncrypted: true, monthlyTokenCap: true },
      }),
      currentPrompts(deps.db, workspaceId),
    ]);
    const workspaceCap = settings?.monthlyTokenCap == null ? null : Number(settings.monthlyTokenCap);
    if (!settings?.baseUrl || !settings.model) {
      return {
        source: "server",
        provider: deps.ai,
        embeddings: deps.embeddings,
        monthlyTokenCap: effectiveCap("server", workspaceCap, deps.serverMonthlyTokenCap),
        prompts,
      };
    }
    const unusable = (why: string) =>
      new ServiceUnavailableError(60, `This workspace's model server cannot be used: ${why}. An admin can fix it in the AI settings.`);
    // Checked again here, not only when saved: the host's DNS may point elsewhere since.
    const problem = await baseUrlProblem(settings.baseUrl, { allowPrivate: deps.allowPrivateBaseUrls });
    if (problem) throw unusable(`its base URL ${problem}`);
    let apiKey: string | undefined;
    if (settings.apiKeyEncrypted) {
      try {
        if (!deps.secrets) throw new Error("no secrets key");
        apiKey = deps.secrets.open(settings.apiKeyEncrypted);
      } catch (error) {
        deps.log.error({ err: error, workspaceId }, "a workspace's API key cannot be decrypted");
        throw unusable("its API key cannot be decrypted (the server's encryption keys changed); enter it again");
      }
    }
    const log = deps.log.child({ workspaceId });
    const endpoint = { baseUrl: settings.baseUrl, apiKey, timeoutMs: deps.timeoutMs, redirect: "error" as const, log };
    return {
      source: "workspace",
      provider: createOpenAiProvider({ ...endpoint, model: settings.model }),
      embeddings: settings.embeddingModel ? createOpenAiEmbeddings({ ...endpoint, model: settings.embeddingModel }) : null,
      monthlyTokenCap: effectiveCap("workspace", workspaceCap, deps.serverMonthlyTokenCap),
      prompts,
    };
  }

  return {
    resolve(workspaceId) {
      const cached = cache.get(workspaceId);
      if (cached) return cached;
      const loading = load(workspaceId);
      cache.set(workspaceId, loading);
      // A failure is not remembered: the next request tries again.
      loading.catch(() => {
        if (cache.get(workspaceId) === loading) cache.delete(workspaceId);
      });
      return loading;
    },
    forget(workspaceId) {
      cache.delete(workspaceId);
    },
  };
}
