// Streamed completions: server-sent events (`data: {chunk}` lines, `data: [DONE]` at the end) read
// into the answer's text, each piece handed on as it arrives.
import { AiProviderError } from "../provider.js";
import { chunkSchema, type WireUsage } from "./wire.js";

/** Reads server-sent events: calls onData with each event's data, until the stream ends or onData returns false. */
async function readEvents(body: ReadableStream<Uint8Array>, onChunk: () => void, onData: (data: string) => boolean): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  const dispatch = (): boolean => {
    if (data.length === 0) return true;
    const event = data.join("\n");
    data = [];
    return onData(event);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk();
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "") {
          if (!dispatch()) return;
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
        // comments (":"), event:, id: and retry: lines carry nothing we use
      }
    }
    buffer += decoder.decode();
    if (buffer.startsWith("data:")) data.push(buffer.slice(5).replace(/^ /, ""));
    dispatch();
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * Reads a completion stream: each piece of text goes to onToken as it arrives, onActivity is called
 * for every chunk received (the caller's timeout counts from the last one). Fails on an event that
 * is not a chunk, on an error the server reports mid-stream, and on a stream that ends before the
 * completion does. `status` is the HTTP status, for the errors.
 */
export async function readCompletionStream(
  body: ReadableStream<Uint8Array>,
  status: number,
  onActivity: () => void,
  onToken: (piece: string) => void,
): Promise<{ text: string; usage: WireUsage }> {
  let text = "";
  let usage: WireUsage = null;
  let finished = false;
  await readEvents(body, onActivity, (data) => {
    if (data.trim() === "[DONE]") {
      finished = true;
      return false;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw new AiProviderError("The model server sent a stream event that is not JSON", { code: "invalid_response", status });
    }
    const chunk = chunkSchema.safeParse(json);
    if (!chunk.success) throw new AiProviderError("The model server sent an unexpected stream event", { code: "invalid_response", status });
    if (chunk.data.error) {
      throw new AiProviderError(`The model server failed mid-stream: ${chunk.data.error.message ?? "unknown error"}`, {
        code: "http",
        status,
        retryable: true,
      });
    }
    for (const choice of chunk.data.choices ?? []) {
      const piece = choice.delta?.content;
      if (piece) {
        text += piece;
        onToken(piece);
      }
      if (choice.finish_reason) finished = true;
    }
    if (chunk.data.usage) usage = chunk.data.usage;
    return true;
  });
  if (!finished) throw new AiProviderError("The model server's stream ended early", { code: "network", retryable: true });
  return { text, usage };
}
