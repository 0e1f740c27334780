// settings.ai: the workspace's own model server (an OpenAI-compatible base URL, chat and embedding
// models, an API key stored sealed and only ever shown masked), its monthly token cap, and a
// connection test. Without a server of its own a workspace uses the server's default (env).
import { isUniqueViolation, type Prisma } from "@meetmind/db";
import { baseUrlProblem, normalizeBaseUrl, originOf, testModelServer } from "../ai/endpoint.js";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ValidationError } from "../errors.js";
import type { AppServices } from "../ports.js";
import { maskSecret } from "../shared/secrets.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { effectiveCap } from "./resolver.js";
import type {
  AiSettingsOutput,
  ConnectionTestOutput,
  GetUsageInput,
  TestConnectionInput,
  UpdateAiSettingsInput,
  UsageOutput,
} from "./schemas.js";
import { AI_FEATURES, nextMonthStart, totalTokens, usageInMonth } from "./usage.js";

export type AiSettingsServices = Pick<AppServices, "ai" | "embeddings" | "secrets" | "settings" | "workspaceAi" | "limits">;

/** A connection test waits at most this long (or the model timeout, if shorter). */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

const settingsSelect = {
  baseUrl: true,
  model: true,
  embeddingModel: true,
  apiKeyEncrypted: true,
  apiKeyHint: true,
  monthlyTokenCap: true,
  updatedAt: true,
  updatedBy: { select: { id: true, fullName: true, email: true } },
} satisfies Prisma.WorkspaceAiSettingsSelect;

type SettingsRow = Prisma.WorkspaceAiSettingsGetPayload<{ select: typeof settingsSelect }>;

const capOf = (value: bigint | null | undefined) => (value == null ? null : Number(value));

function present(services: AiSettingsServices, row: SettingsRow | null): AiSettingsOutput {
  const serverCap = services.settings.aiMonthlyTokenCap;
  const server = {
    provider: services.ai.name,
    model: services.ai.model,
    embeddingModel: services.embeddings?.model ?? null,
    monthlyTokenCap: serverCap > 0 ? serverCap : null,
  };
  const own = row?.baseUrl && row.model ? { baseUrl: row.baseUrl, model: row.model } : null;
  const workspaceCap = capOf(row?.monthlyTokenCap);
  return {
    provider: {
      baseUrl: row?.baseUrl ?? null,
      model: row?.model ?? null,
      embeddingModel: row?.embeddingModel ?? null,
      apiKey: row?.apiKeyEncrypted ? (row.apiKeyHint ?? "…") : null,
    },
    monthlyTokenCap: workspaceCap,
    effective: own
      ? {
          source: "workspace",
          provider: "openai",
          model: own.model,
          embeddingModel: row?.embeddingModel ?? null,
          monthlyTokenCap: effectiveCap("workspace", workspaceCap, serverCap),
        }
      : { source: "server", ...server, monthlyTokenCap: effectiveCap("server", workspaceCap, serverCap) },
    serverDefault: server,
    canStoreApiKeys: services.secrets.canSeal,
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
  };
}

async function savedSettings(scope: WorkspaceScope): Promise<SettingsRow | null> {
  return scope.db.workspaceAiSettings.findFirst({ select: settingsSelect });
}

export async function getAiSettings(services: AiSettingsServices, scope: WorkspaceScope): Promise<AiSettingsOutput> {
  return present(services, await savedSettings(scope));
}

async function checkBaseUrl(services: AiSettingsServices, baseUrl: string): Promise<void> {
  const problem = await baseUrlProblem(baseUrl, { allowPrivate: services.settings.allowPrivateAiBaseUrls });
  if (problem) throw new ValidationError(`baseUrl: ${problem}`, "base_url_not_allowed");
}

/** What is stored of a key: sealed, and its masked form. */
function sealKey(services: AiSettingsServices, apiKey: string): { apiKeyEncrypted: string; apiKeyHint: string } {
  if (!services.secrets.canSeal)
    throw new ValidationError(
      "This server cannot store API keys: its operator has not set SECRETS_ENCRYPTION_KEYS",
      "api_key_storage_unavailable",
    );
  return { apiKeyEncrypted: services.secrets.seal(apiKey), apiKeyHint: maskSecret(apiKey) };
}

/** The row an update leads to, checked whole (a patch may be fine field by field and not together). */
async function nextSettings(services: AiSettingsServices, current: SettingsRow | null, input: UpdateAiSettingsInput) {
  const baseUrl =
    input.baseUrl === undefined ? (current?.baseUrl ?? null) : input.baseUrl === null ? null : normalizeBaseUrl(input.baseUrl);
  const monthlyTokenCap =
    input.monthlyTokenCap === undefined
      ? (current?.monthlyTokenCap ?? null)
      : input.monthlyTokenCap === null
        ? null
        : BigInt(input.monthlyTokenCap);
  if (baseUrl === null) {
    if (input.model !== undefined || typeof input.embeddingModel === "string" || typeof input.apiKey === "string")
      throw new ValidationError("model, embeddingModel and apiKey need a baseUrl (the workspace's own model server)");
    // Back to the server's default: nothing of the workspace's own server is kept.
    return { baseUrl, model: null, embeddingModel: null, apiKeyEncrypted: null, apiKeyHint: null, monthlyTokenCap };
  }
  const model = input.model ?? current?.model;
  if (!model) throw new ValidationError("model: is required with a baseUrl");
  const embeddingModel = input.embeddingModel === undefined ? (current?.embeddingModel ?? null) : input.embeddingModel;
  const sameServer = current?.baseUrl ? originOf(current.baseUrl) === originOf(baseUrl) : false;
  if (baseUrl !== current?.baseUrl) await checkBaseUrl(services, baseUrl);
  let key: { apiKeyEncrypted: string | null; apiKeyHint: string | null };
  if (typeof input.apiKey === "string") key = sealKey(services, input.apiKey);
  else if (input.apiKey === null) key = { apiKeyEncrypted: null, apiKeyHint: null };
  else if (sameServer || !current?.apiKeyEncrypted)
    key = { apiKeyEncrypted: current?.apiKeyEncrypted ?? null, apiKeyHint: current?.apiKeyHint ?? null };
  else
    throw new ValidationError(
      "apiKey: give the key again (or null for none) when moving to another server: the saved key is only sent to the server it was saved for",
      "api_key_required",
    );
  return { baseUrl, model, embeddingModel, ...key, monthlyTokenCap };
}

export async function updateAiSettings(
  services: AiSettingsServices,
  scope: WorkspaceScope,
  meta: RequestMeta,
  input: UpdateAiSettingsInput,
): Promise<AiSettingsOutput> {
  const current = await savedSettings(scope);
  const next = await nextSettings(services, current, input);
  const data = { ...next, updatedById: scope.userId };
  const write = () =>
    scope.db.$transaction(async (tx) => {
      const row = await tx.workspaceAiSettings.upsert({
        where: { workspaceId: scope.workspaceId },
        create: { workspaceId: scope.workspaceId, ...data },
        update: data,
        select: settingsSelect,
      });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "ai_settings.updated",
        targetType: "workspace",
        targetId: scope.workspaceId,
        // What changed, never the key.
        metadata: {
          fields: Object.keys(input).filter((key) => key !== "workspaceId"),
          baseUrl: next.baseUrl,
          model: next.model,
          apiKeyChanged: input.apiKey !== undefined || next.apiKeyEncrypted !== (current?.apiKeyEncrypted ?? null),
        },
      });
      return row;
    });
  let row: SettingsRow;
  try {
    row = await write();
  } catch (error) {
    // Two first saves raced to create the row: the loser updates the winner's.
    if (!isUniqueViolation(error)) throw error;
    row = await write();
  }
  services.workspaceAi.forget(scope.workspaceId);
  return present(services, row);
}

/**
 * GET {baseUrl}/models with the key: a candidate server (input.baseUrl) before saving it, or the
 * saved one. Reports latency and the listed models, or the server's status and message; never the
 * key. Rate limited per workspace: each test is a request from the server to an address an admin chose.
 */
export async function testConnection(
  services: AiSettingsServices,
  scope: WorkspaceScope,
  input: TestConnectionInput,
): Promise<ConnectionTestOutput> {
  const saved = await savedSettings(scope);
  const baseUrl = input.baseUrl === undefined ? saved?.baseUrl : normalizeBaseUrl(input.baseUrl);
  if (!baseUrl)
    throw new ValidationError("This workspace uses the server's default model: give a baseUrl to test a model server of its own");
  const savedServer = saved?.baseUrl ? originOf(saved.baseUrl) === originOf(baseUrl) : false;
  await checkBaseUrl(services, baseUrl);
  await services.limits.consume("aiConnectionTest", scope.workspaceId);
  const tested = input.baseUrl === undefined ? "saved" : "candidate";
  const model = input.model ?? (savedServer ? saved?.model : undefined) ?? null;
  let apiKey: string | null = input.apiKey ?? null;
  if (input.apiKey === undefined && savedServer && saved?.apiKeyEncrypted) {
    try {
      apiKey = services.secrets.open(saved.apiKeyEncrypted);
    } catch {
      return {
        ok: false,
        tested,
        latencyMs: 0,
        models: [],
        modelListed: null,
        status: null,
        error: "The saved API key cannot be decrypted (the server's encryption keys changed): enter it again",
      };
    }
  }
  const result = await testModelServer({
    baseUrl,
    apiKey,
    timeoutMs: Math.min(CONNECTION_TEST_TIMEOUT_MS, services.settings.llmTimeoutMs),
  });
  return { ...result, tested, modelListed: result.ok && model ? result.models.includes(model) : null };
}

/** A month's model tokens per feature, against the cap in force now. Readable by every member: each can meet the cap. */
export async function getUsage(services: AiSettingsServices, scope: WorkspaceScope, input: GetUsageInput): Promise<UsageOutput> {
  const at = input.month ? new Date(`${input.month}-01T00:00:00.000Z`) : new Date();
  const [usage, settings] = await Promise.all([usageInMonth(scope.db, scope.workspaceId, at), savedSettings(scope)]);
  const { monthlyTokenCap } = present(services, settings).effective;
  const total = totalTokens(usage);
  return {
    month: at.toISOString().slice(0, 7),
    features: AI_FEATURES.map((feature) => ({ feature, ...usage[feature] })),
    totalTokens: total,
    monthlyTokenCap,
    remainingTokens: monthlyTokenCap === null ? null : Math.max(0, monthlyTokenCap - total),
    resetsAt: nextMonthStart(at),
  };
}
