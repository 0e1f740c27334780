// An AiProvider over any OpenAI-compatible chat-completions endpoint (OpenAI, Azure's compatible
// endpoint, vLLM, Ollama, llama.cpp, LiteLLM...), with Node's fetch. Plain and streamed (SSE)
// completions, a timeout per attempt, retries with backoff on 408/429/5xx and network failures
// (never on other 4xx), and summaries asked for as JSON, validated, repaired once if invalid, and
// held to the transcript's positions.
//
// Beside this file, in openai/: wire.ts (the wire format and HTTP errors), stream.ts (reading a
// streamed answer) and summary-prompts.ts (what a summary asks the model and accepts back).
import type { z } from "zod";
import { silentLogger, type Logger } from "../logger.js";
import { backoffDelay } from "../shared/backoff.js";
import { readCompletionStream } from "./openai/stream.js";
import {
  chatJson as chatJsonWith,
  formatSegment,
  MERGE_SYSTEM,
  modelMergeSchema,
  modelSummarySchema,
  partition,
  SUMMARY_SYSTEM,
} from "./openai/summary-prompts.js";
import { completionSchema, httpError, usageFrom } from "./openai/wire.js";
import {
  AiProviderError,
  groundSummary,
  type AiProvider,
  type ChatMessage,
  type ChatOptions,
  type ChatResult,
  type MeetingSummaryResult,
  type SummarizeOptions,
  type SummaryInput,
} from "./provider.js";

export interface OpenAiProviderConfig {
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1; /chat/completions is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; optional for local servers that need none. */
  apiKey?: string | undefined;
  model: string;
  /**
   * Per attempt: how long to wait for a whole plain answer, or for a stream's next piece (a long
   * answer that keeps streaming never times out). Default 60 s.
   */
  timeoutMs?: number;
  /** Retries after the first attempt on retryable failures. Default 2. */
  maxRetries?: number;
  /** First retry delay; doubles each retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Cap on any retry delay, Retry-After included. Default 20 s. */
  maxRetryDelayMs?: number;
  /** Transcript characters sent in one summary request; longer ones are summarized in parts. Default 48,000 (~12k tokens). */
  maxInputChars?: number;
  /** Parts summarized at once for a long transcript. Default 2. */
  partConcurrency?: number;
  temperature?: number;
  /**
   * "error" refuses redirects: a workspace's own server must not bounce requests (and its key) to
   * an address the base URL check did not see. Default "follow".
   */
  redirect?: "follow" | "error";
  /** Provider name recorded with summaries. Default "openai". */
  name?: string;
  log?: Logger;
}

const DEFAULTS = {
  timeoutMs: 60_000,
  maxRetries: 2,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 20_000,
  maxInputChars: 48_000,
  partConcurrency: 2,
  temperature: 0.2,
};

function abortable(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortedError(signal: AbortSignal | undefined): AiProviderError {
  return new AiProviderError("The request was cancelled", { code: "aborted", cause: signal?.reason });
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------

export function createOpenAiProvider(config: OpenAiProviderConfig): AiProvider {
  const settings = {
    timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
    retryBaseDelayMs: config.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
    maxRetryDelayMs: config.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
    maxInputChars: config.maxInputChars ?? DEFAULTS.maxInputChars,
    partConcurrency: config.partConcurrency ?? DEFAULTS.partConcurrency,
    temperature: config.temperature ?? DEFAULTS.temperature,
  };
  if (settings.timeoutMs <= 0 || settings.maxRetries < 0 || settings.maxInputChars < 1_000 || settings.partConcurrency < 1) {
    throw new Error("invalid OpenAI provider settings");
  }
  const endpoint = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const log = (config.log ?? silentLogger).child({ component: "ai", provider: config.name ?? "openai", model: config.model });
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  /** One HTTP attempt. `state.emitted` records whether any token reached the caller (then no retry). */
  async function attempt(body: Record<string, unknown>, options: ChatOptions, state: { emitted: boolean }): Promise<ChatResult> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error("timeout"));
      }, settings.timeoutMs);
    };
    const onCallerAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    arm();
    const promptChars = JSON.stringify(body.messages).length;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
        redirect: config.redirect ?? "follow",
      });
      if (!response.ok) throw await httpError(response);

      if (!options.onToken) {
        const parsed = completionSchema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) {
          throw new AiProviderError("The model server's answer is not a chat completion", {
            code: "invalid_response",
            status: response.status,
          });
        }
        const text = parsed.data.choices[0]?.message.content ?? "";
        return { text, usage: usageFrom(parsed.data.usage, promptChars, text) };
      }

      const onToken = options.onToken;
      if (!response.body)
        throw new AiProviderError("The model server sent no stream", { code: "invalid_response", status: response.status });
      const { text, usage } = await readCompletionStream(response.body, response.status, arm, (piece) => {
        state.emitted = true;
        onToken(piece);
      });
      return { text, usage: usageFrom(usage, promptChars, text) };
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(options.signal);
      if (timedOut) {
        throw new AiProviderError(`The model server did not answer within ${settings.timeoutMs} ms`, {
          code: "timeout",
          retryable: true,
          cause: error,
        });
      }
      if (error instanceof AiProviderError) throw error;
      throw new AiProviderError(`Could not reach the model server: ${error instanceof Error ? error.message : String(error)}`, {
        code: "network",
        retryable: true,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onCallerAbort);
      // Whatever happened, no connection stays open for this attempt.
      if (!controller.signal.aborted) controller.abort(new Error("done"));
    }
  }

  function retryDelay(retry: number, error: AiProviderError): number {
    const jittered = backoffDelay({ baseMs: settings.retryBaseDelayMs, capMs: settings.maxRetryDelayMs }, retry);
    return Math.min(settings.maxRetryDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
  }

  async function chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const body: Record<string, unknown> = {
      model: config.model,
      messages,
      temperature: options.temperature ?? settings.temperature,
      ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
      ...(options.json ? { response_format: { type: "json_object" } } : {}),
      ...(options.onToken ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    const state = { emitted: false };
    for (let retry = 0; ; retry++) {
      if (options.signal?.aborted) throw abortedError(options.signal);
      try {
        return await attempt(body, options, state);
      } catch (error) {
        const failure = error instanceof AiProviderError ? error : new AiProviderError(String(error), { code: "network", cause: error });
        // A stream that already delivered tokens cannot be replayed without repeating them.
        if (!failure.retryable || retry >= settings.maxRetries || state.emitted) throw failure;
        const wait = retryDelay(retry, failure);
        log.warn({ err: failure, status: failure.status, retry: retry + 1, waitMs: Math.round(wait) }, "model request failed; retrying");
        await abortable(wait, options.signal);
      }
    }
  }

  /** Asks for JSON matching `schema`; one repair round on invalid JSON or shape, then invalid_output. */
  function chatJson<T>(messages: ChatMessage[], schema: z.ZodType<T>, options: SummarizeOptions): Promise<T> {
    return chatJsonWith(chat, messages, schema, {
      signal: options.signal,
      onUsage: options.onUsage,
      onRepair: (round, problem) => log.warn({ round, problem }, "model reply was not the requested JSON"),
    });
  }

  async function summarizePart(title: string, lines: string[], part: { index: number; count: number } | null, options: SummarizeOptions) {
    const where = part ? `This is part ${part.index + 1} of ${part.count} of the transcript; summarize this part only.\n` : "";
    const user = `Meeting title: ${title.trim() || "(untitled)"}\n${where}Transcript:\n${lines.join("\n")}`;
    return chatJson(
      [
        { role: "system", content: options.systemPrompt ?? SUMMARY_SYSTEM },
        { role: "user", content: user },
      ],
      modelSummarySchema,
      options,
    );
  }

  async function summarize(input: SummaryInput, options: SummarizeOptions = {}): Promise<MeetingSummaryResult> {
    const segments = input.segments.filter((segment) => segment.text.trim());
    if (segments.length === 0) {
      throw new AiProviderError("The transcript is empty: there is nothing to summarize", { code: "invalid_output" });
    }
    const parts = partition(segments.map(formatSegment), settings.maxInputChars);
    if (parts.length === 1) {
      return groundSummary(await summarizePart(input.title, parts[0] ?? [], null, options), segments);
    }

    // Map-reduce: each part is summarized with its own positions (so topics and action items stay
    // grounded and are simply concatenated); the overviews, key points and decisions are merged.
    log.info({ parts: parts.length, segments: segments.length }, "summarizing a long transcript in parts");
    const partials = await mapLimit(parts, settings.partConcurrency, (lines, index) =>
      summarizePart(input.title, lines, { index, count: parts.length }, options),
    );
    const notes = partials.map((partial, index) => ({
      part: index + 1,
      overview: partial.overview,
      keyPoints: partial.keyPoints,
      decisions: partial.decisions,
    }));
    const merged = await chatJson(
      [
        { role: "system", content: MERGE_SYSTEM },
        {
          role: "user",
          content: `Meeting title: ${input.title.trim() || "(untitled)"}\nNotes on each part, in order:\n${JSON.stringify(notes, null, 1)}`,
        },
      ],
      modelMergeSchema,
      options,
    );
    const topics = partials.flatMap((partial) => partial.topics);
    return groundSummary(
      {
        ...merged,
        // A topic running across a part boundary comes back as two: join neighbours with one title.
        topics: topics.reduce<typeof topics>((joined, topic) => {
          const previous = joined.at(-1);
          if (previous && previous.title.toLowerCase() === topic.title.toLowerCase())
            previous.endPosition = Math.max(previous.endPosition, topic.endPosition);
          else joined.push({ ...topic });
          return joined;
        }, []),
        actionItems: partials.flatMap((partial) => partial.actionItems),
      },
      segments,
    );
  }

  return {
    name: config.name ?? "openai",
    model: config.model,
    summarize,
    chat,
  };
}
