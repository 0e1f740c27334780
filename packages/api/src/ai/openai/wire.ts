// The OpenAI chat-completions wire format, as far as MeetMind reads it: a completion, a stream
// chunk, token usage, and an HTTP error with its Retry-After.
import { z } from "zod";
import { AiProviderError, type TokenUsage } from "../provider.js";

const MAX_ERROR_BODY = 500;

export const usageSchema = z
  .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
  .nullish();
export type WireUsage = z.infer<typeof usageSchema>;

export const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }), finish_reason: z.string().nullish() })).min(1),
  usage: usageSchema,
});

export const chunkSchema = z.object({
  choices: z
    .array(z.object({ delta: z.object({ content: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() }))
    .nullish(),
  usage: usageSchema,
  error: z.object({ message: z.string().optional() }).nullish(),
});

/** Some servers do not report usage: estimated at ~4 characters a token rather than left at 0. */
const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export function usageFrom(usage: WireUsage, promptChars: number, text: string): TokenUsage {
  return usage
    ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
    : { promptTokens: estimateTokens(promptChars), completionTokens: estimateTokens(text.length) };
}

/** How long the server asks us to wait (Retry-After-Ms, or Retry-After in seconds or as a date). */
function retryAfterMs(headers: Headers): number | null {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** The error for a response that is not 2xx: the server's own message when it sent one; retryable on 408, 429 and 5xx. */
export async function httpError(response: Response): Promise<AiProviderError> {
  let detail = "";
  try {
    const body = await response.text();
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } | string };
      const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message;
      detail = typeof message === "string" ? message : body;
    } catch {
      detail = body;
    }
  } catch {
    // the body is lost; the status says enough
  }
  detail = detail.trim().slice(0, MAX_ERROR_BODY);
  const status = response.status;
  return new AiProviderError(`The model server answered ${status}${detail ? `: ${detail}` : ""}`, {
    code: "http",
    status,
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: retryAfterMs(response.headers),
  });
}
