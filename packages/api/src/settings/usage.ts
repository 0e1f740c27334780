// Usage metering: the tokens each workspace's model requests used, per calendar month (UTC) and
// feature, from the counts the model server reports (`usage`; estimated when a server reports none,
// see ai/openai/wire.ts). Counters are incremented in one statement (INSERT … ON CONFLICT DO
// UPDATE), so concurrent requests never lose an increment.
//
// The monthly cap is checked before a feature calls a model: at or over it, the feature answers
// TOO_MANY_REQUESTS (`ai_quota_exceeded`, with Retry-After until the month turns). It is a soft cap:
// requests admitted under it may finish over it. The extractive (offline) mode calls no model, uses
// no tokens and is never refused.
import type { Db, ScopedDb } from "@meetmind/db";
import { RateLimitedError } from "../errors.js";

/** Raw statements name the workspace themselves: any client will do. */
type Client = Pick<Db, "$queryRaw" | "$executeRaw"> | Pick<ScopedDb, "$queryRaw" | "$executeRaw">;

export const AI_FEATURES = ["summaries", "askMind", "interviewSummaries"] as const;
export type AiFeature = (typeof AI_FEATURES)[number];

/** The database enum's labels. */
const FEATURE_LABEL: Record<AiFeature, string> = { summaries: "summaries", askMind: "ask_mind", interviewSummaries: "interview_summaries" };

export interface MeteredUsage {
  tokensIn: number;
  tokensOut: number;
  /** Model requests. */
  requests: number;
}

export const noUsage = (): MeteredUsage => ({ tokensIn: 0, tokensOut: 0, requests: 0 });

/** Adds one model request's tokens (as a provider reports them) to a running total. */
export function addUsage(total: MeteredUsage, usage: { promptTokens: number; completionTokens: number }): void {
  total.tokensIn += usage.promptTokens;
  total.tokensOut += usage.completionTokens;
  total.requests += 1;
}

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Adds to the workspace's counter for this month and feature. Nothing to add, nothing written. */
export async function recordUsage(
  db: Client,
  workspaceId: string,
  feature: AiFeature,
  usage: MeteredUsage,
  now = new Date(),
): Promise<void> {
  if (usage.tokensIn === 0 && usage.tokensOut === 0 && usage.requests === 0) return;
  await db.$executeRaw`
    INSERT INTO ai_usage_counters (id, workspace_id, month, feature, tokens_in, tokens_out, requests, updated_at)
    VALUES (gen_random_uuid(), ${workspaceId}::uuid, ${isoDay(monthStart(now))}::date, ${FEATURE_LABEL[feature]}::ai_feature,
            ${usage.tokensIn}::bigint, ${usage.tokensOut}::bigint, ${usage.requests}::int, now())
    ON CONFLICT (workspace_id, month, feature) DO UPDATE SET
      tokens_in = ai_usage_counters.tokens_in + EXCLUDED.tokens_in,
      tokens_out = ai_usage_counters.tokens_out + EXCLUDED.tokens_out,
      requests = ai_usage_counters.requests + EXCLUDED.requests,
      updated_at = now()`;
}

/** The workspace's usage in the month of `at`, per feature (zero for features that used nothing). */
export async function usageInMonth(db: Client, workspaceId: string, at: Date): Promise<Record<AiFeature, MeteredUsage>> {
  const rows = await db.$queryRaw<{ feature: string; tokensIn: bigint; tokensOut: bigint; requests: number }[]>`
    SELECT feature::text AS feature, tokens_in AS "tokensIn", tokens_out AS "tokensOut", requests
    FROM ai_usage_counters WHERE workspace_id = ${workspaceId}::uuid AND month = ${isoDay(monthStart(at))}::date`;
  const usage = Object.fromEntries(AI_FEATURES.map((feature) => [feature, noUsage()])) as Record<AiFeature, MeteredUsage>;
  for (const row of rows) {
    const feature = AI_FEATURES.find((name) => FEATURE_LABEL[name] === row.feature);
    if (feature) usage[feature] = { tokensIn: Number(row.tokensIn), tokensOut: Number(row.tokensOut), requests: row.requests };
  }
  return usage;
}

export const totalTokens = (usage: Record<AiFeature, MeteredUsage>) =>
  AI_FEATURES.reduce((sum, feature) => sum + usage[feature].tokensIn + usage[feature].tokensOut, 0);

export interface Allowance {
  /** The workspace's cap on all features; null: none. */
  monthlyTokenCap: number | null;
  /** A cap on one feature's tokens (Ask Mind's ASKMIND_MONTHLY_TOKEN_BUDGET), refused with its own code. */
  feature?: { name: AiFeature; budget: number; appCode: "askmind_budget_exceeded"; message: string };
}

/**
 * Refuses a model request when this month's usage has reached the workspace's cap (or the
 * feature's budget). One indexed read of at most a few rows; none at all when nothing is capped.
 */
export async function checkAllowance(db: Client, workspaceId: string, allowance: Allowance, now = new Date()): Promise<void> {
  const featureBudget = allowance.feature && allowance.feature.budget > 0 ? allowance.feature : undefined;
  if (allowance.monthlyTokenCap === null && !featureBudget) return;
  const usage = await usageInMonth(db, workspaceId, now);
  const resets = nextMonthStart(now);
  const retryAfter = Math.max(1, Math.ceil((resets.getTime() - now.getTime()) / 1000));
  const used = totalTokens(usage);
  if (allowance.monthlyTokenCap !== null && used >= allowance.monthlyTokenCap) {
    throw new RateLimitedError(
      retryAfter,
      `This workspace has used its AI allowance for the month (${used} of ${allowance.monthlyTokenCap} tokens); ` +
        `it resets on ${isoDay(resets)} (UTC). The extractive (offline) mode still works.`,
      "ai_quota_exceeded",
    );
  }
  if (featureBudget) {
    const spent = usage[featureBudget.name].tokensIn + usage[featureBudget.name].tokensOut;
    if (spent >= featureBudget.budget) throw new RateLimitedError(retryAfter, featureBudget.message, featureBudget.appCode);
  }
}
