// Text embeddings from any OpenAI-compatible /embeddings endpoint, for Ask Mind's vector retrieval.
// Optional: without EMBEDDINGS_MODEL, retrieval is full-text only.
import { z } from "zod";
import { silentLogger, type Logger } from "../logger.js";
import { AiProviderError } from "./provider.js";

export interface EmbeddingsProvider {
  /** Stored with every embedding: vectors of different models are never compared. */
  readonly model: string;
  /** One vector per text, in order. */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

export interface OpenAiEmbeddingsConfig {
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  timeoutMs?: number;
  /** As for the chat provider (openai.ts): "error" for a workspace's own server. Default "follow". */
  redirect?: "follow" | "error";
  log?: Logger;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()).min(1) })),
});

/** Texts sent in one request; callers may pass more, they are sent in batches. */
export const EMBEDDINGS_BATCH = 64;
/** Embedding models take a few thousand tokens at most; longer turns are cut. */
const MAX_TEXT_CHARS = 8_000;

export function createOpenAiEmbeddings(config: OpenAiEmbeddingsConfig): EmbeddingsProvider {
  const endpoint = `${config.baseUrl.replace(/\/+$/, "")}/embeddings`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const log = (config.log ?? silentLogger).child({ component: "embeddings", model: config.model });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  async function batch(texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: config.model, input: texts.map((text) => text.slice(0, MAX_TEXT_CHARS) || " ") }),
        signal: combined,
        redirect: config.redirect ?? "follow",
      });
    } catch (error) {
      if (timeout.aborted)
        throw new AiProviderError("The embeddings server did not answer in time", { code: "timeout", retryable: true, cause: error });
      if (signal?.aborted) throw new AiProviderError("Cancelled", { code: "aborted", cause: error });
      throw new AiProviderError("The embeddings server could not be reached", { code: "network", retryable: true, cause: error });
    }
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500;
      log.warn({ status: response.status }, "embeddings request failed");
      throw new AiProviderError(`The embeddings server answered HTTP ${response.status}`, {
        code: "http",
        status: response.status,
        retryable,
      });
    }
    const parsed = responseSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success || parsed.data.data.length !== texts.length) {
      throw new AiProviderError("The embeddings server's answer is not a list of embeddings", {
        code: "invalid_response",
        status: response.status,
      });
    }
    return [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  }

  return {
    model: config.model,
    async embed(texts, options = {}) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += EMBEDDINGS_BATCH) {
        vectors.push(...(await batch(texts.slice(start, start + EMBEDDINGS_BATCH), options.signal)));
      }
      return vectors;
    },
  };
}
