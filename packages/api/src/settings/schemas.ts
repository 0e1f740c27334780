import { z } from "zod";
import { BASE_URL_MAX_CHARS } from "../ai/endpoint.js";
import { PROMPT_KINDS, PROMPT_MAX_CHARS } from "../ai/prompts.js";
import { int4Input, type ScopedInput } from "../shared/schemas.js";
import { AI_FEATURES } from "./usage.js";

const workspaceId = z.uuid();

/** Tokens a month; above any real bill, and well inside a JS number and a bigint column. */
export const MAX_MONTHLY_TOKEN_CAP = 1_000_000_000_000;

/** An OpenAI-compatible base URL, e.g. https://api.openai.com/v1 (where and how it may point: ai/endpoint.ts). */
const baseUrl = z
  .string()
  .trim()
  .max(BASE_URL_MAX_CHARS)
  .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));
const modelName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "must not contain spaces");
/** Keys are single tokens (sk-…, a JWT, a hex string…); whitespace around a pasted key is dropped. */
const apiKey = z
  .string()
  .trim()
  .min(1)
  .max(2_000)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");
const monthlyTokenCap = z.number().int().min(1).max(MAX_MONTHLY_TOKEN_CAP);

export const getAiSettingsInput = z.object({ workspaceId });

/**
 * A patch: an omitted field keeps its value. `baseUrl: null` returns to the server's default model
 * (the model, embedding model and key are cleared with it). `apiKey: null` clears the key; a new
 * base URL on another origin needs the key given again (the saved one is only ever sent to the
 * server it was saved for).
 */
export const updateAiSettingsInput = z.object({
  workspaceId,
  baseUrl: baseUrl.nullable().optional(),
  /** The chat model; required with a base URL. */
  model: modelName.optional(),
  /** For Ask Mind's vector retrieval on the workspace's server; null: full-text retrieval only. */
  embeddingModel: modelName.nullable().optional(),
  apiKey: apiKey.nullable().optional(),
  /** Model tokens (in + out, every feature) per calendar month (UTC); null: no cap of the workspace's own. */
  monthlyTokenCap: monthlyTokenCap.nullable().optional(),
});

/** Tests a candidate server (baseUrl given) or the saved one. */
export const testConnectionInput = z.object({
  workspaceId,
  baseUrl: baseUrl.optional(),
  /** Omitted: the saved key (only for the saved server's origin); null: no key. */
  apiKey: apiKey.nullable().optional(),
  /** Whether the server lists this model; default the saved model. */
  model: modelName.optional(),
});

const person = z.object({ id: z.string(), fullName: z.string().nullable(), email: z.string() }).nullable();

export const aiSettingsOutput = z.object({
  /** The workspace's own model server; all null when it uses the server's default. */
  provider: z.object({
    baseUrl: z.string().nullable(),
    model: z.string().nullable(),
    embeddingModel: z.string().nullable(),
    /** Masked, e.g. `sk-…abcd`; the key itself is never returned. */
    apiKey: z.string().nullable(),
  }),
  /** The workspace's own cap; null: none of its own. */
  monthlyTokenCap: z.number().nullable(),
  /** What the workspace's AI features use now. */
  effective: z.object({
    source: z.enum(["workspace", "server"]),
    /** "openai" (an OpenAI-compatible server) or "extractive" (no model). */
    provider: z.string(),
    model: z.string(),
    embeddingModel: z.string().nullable(),
    monthlyTokenCap: z.number().nullable(),
  }),
  /** The server's default (its address and key are the operator's and are not shown). */
  serverDefault: z.object({
    provider: z.string(),
    model: z.string(),
    embeddingModel: z.string().nullable(),
    monthlyTokenCap: z.number().nullable(),
  }),
  /** False on a server without SECRETS_ENCRYPTION_KEYS: it cannot store API keys. */
  canStoreApiKeys: z.boolean(),
  updatedAt: z.date().nullable(),
  updatedBy: person,
});

export const connectionTestOutput = z.object({
  ok: z.boolean(),
  /** Which configuration was tested. */
  tested: z.enum(["candidate", "saved"]),
  latencyMs: z.number().int(),
  models: z.array(z.string()),
  /** Whether the model asked about is in the list; null when no model was named or the test failed. */
  modelListed: z.boolean().nullable(),
  status: z.number().int().nullable(),
  /** The server's error message (or why it could not be reached), never containing the key. */
  error: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Prompts

export const promptKind = z.enum(PROMPT_KINDS);

export const listPromptsInput = z.object({ workspaceId });

export const updatePromptInput = z.object({
  workspaceId,
  kind: promptKind,
  text: z.string().trim().min(20, "must be at least 20 characters").max(PROMPT_MAX_CHARS),
  /** The version the edit was made from: refused (CONFLICT) if another was saved since. */
  baseVersion: int4Input(0).optional(),
});

export const resetPromptInput = z.object({ workspaceId, kind: promptKind, baseVersion: int4Input(0).optional() });

export const promptOutput = z.object({
  kind: promptKind,
  description: z.string(),
  /** The current text (the default's when isDefault). */
  text: z.string(),
  /** 0 until the workspace first saves one; a reset is a version too. */
  version: z.number().int(),
  isDefault: z.boolean(),
  defaultText: z.string(),
  requiredPlaceholders: z.array(z.string()),
  optionalPlaceholders: z.array(z.string()),
  updatedAt: z.date().nullable(),
  updatedBy: person,
});

// ---------------------------------------------------------------------------------------------
// Usage

export const getUsageInput = z.object({
  workspaceId,
  /** `YYYY-MM` (UTC); default this month. */
  month: z
    .string()
    .regex(/^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$/, "must be YYYY-MM")
    .optional(),
});

const featureUsage = z.object({
  feature: z.enum(AI_FEATURES),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  requests: z.number().int(),
});

export const usageOutput = z.object({
  month: z.string(),
  features: z.array(featureUsage),
  totalTokens: z.number().int(),
  /** The cap in force now (see settings.ai.get's effective); null: none. */
  monthlyTokenCap: z.number().nullable(),
  /** Null without a cap. */
  remainingTokens: z.number().nullable(),
  /** When this month's count starts again (the first of next month, UTC). */
  resetsAt: z.date(),
});

export type UpdateAiSettingsInput = ScopedInput<typeof updateAiSettingsInput>;
export type TestConnectionInput = ScopedInput<typeof testConnectionInput>;
export type AiSettingsOutput = z.infer<typeof aiSettingsOutput>;
export type ConnectionTestOutput = z.infer<typeof connectionTestOutput>;
export type UpdatePromptInput = ScopedInput<typeof updatePromptInput>;
export type ResetPromptInput = ScopedInput<typeof resetPromptInput>;
export type PromptOutput = z.infer<typeof promptOutput>;
export type GetUsageInput = ScopedInput<typeof getUsageInput>;
export type UsageOutput = z.infer<typeof usageOutput>;
