// A fake OpenAI-compatible server for tests: real HTTP on a loopback port, so the provider's fetch,
// streaming, timeouts and retries are exercised over the wire. Each chat completion is answered by
// the next scripted behaviour, else the default one, else the handler; /embeddings and /models
// answer from their own settings.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type FakeBehaviour =
  /**
   * A successful completion whose message content is `content` (objects are sent as JSON text).
   * Streamed, in a few pieces, when the request asked for `stream: true`.
   */
  | { kind: "reply"; content: string | object; usage?: FakeUsage | null; finishReason?: string }
  /** Server-sent events: one chunk per piece, `delayMs` apart, then `[DONE]` (unless `done: false`). */
  | { kind: "stream"; chunks: string[]; delayMs?: number; usage?: FakeUsage | null; done?: boolean }
  /** An error status with an OpenAI-style error body (or `body`), and optional headers (Retry-After). */
  | { kind: "error"; status: number; message?: string; body?: string; headers?: Record<string, string> }
  /** Accepts the request and never answers (until the client gives up). */
  | { kind: "hang" }
  /** 200 with a body that is not a chat completion. */
  | { kind: "malformed"; body: string; contentType?: string }
  /** Drops the connection without answering. */
  | { kind: "drop" };

/** What GET /v1/models answers. */
export type FakeModelsBehaviour =
  | { kind: "list"; ids: string[] }
  | { kind: "error"; status: number; message: string }
  /** Accepts the request and never answers. */
  | { kind: "hang" };

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
  /** Set when the client closed the connection before the answer was complete. */
  aborted: boolean;
}

export interface FakeOpenAI {
  /** Base URL for the provider, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  /** Every request received, oldest first. */
  requests: FakeRequest[];
  /** Scripts the next requests, one behaviour each, in order. */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** The behaviour for requests once the script is used up (default: reply "ok"). */
  setResponse(behaviour: FakeBehaviour): void;
  /** What GET /models answers (default: a list of fake-model and fake-embed). */
  setModels(behaviour: FakeModelsBehaviour): void;
  /** Makes /embeddings answer 503 (true) or work again (false). */
  setEmbeddingsDown(down: boolean): void;
  /** From now on, /embeddings requests wait (so a job stays in flight) until releaseEmbeddings(). */
  holdEmbeddings(): void;
  /** Answers the waiting /embeddings requests, and later ones at once. */
  releaseEmbeddings(): void;
  /** /embeddings requests received and not yet answered. */
  embeddingsWaiting(): number;
  /** Clears the script, the default and the captured requests. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The fake's embeddings: words hashed into 64 dimensions (after a few synonyms are folded
 * together, so that "automobile" lands where "car" does, as a real model would place them),
 * normalised. Deterministic, so tests can reason about similarity.
 */
export const FAKE_SYNONYMS: Record<string, string> = {
  automobile: "car",
  vehicle: "car",
  cars: "car",
  budget: "money",
  funds: "money",
  cost: "money",
};
const FAKE_STOP = new Set([
  "the",
  "a",
  "an",
  "of",
  "to",
  "and",
  "is",
  "are",
  "was",
  "we",
  "i",
  "it",
  "in",
  "on",
  "for",
  "about",
  "what",
  "who",
  "tell",
  "me",
  "did",
  "do",
  "does",
  "that",
  "this",
  "with",
]);

export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (FAKE_STOP.has(raw)) continue;
    const word = FAKE_SYNONYMS[raw] ?? raw;
    let hash = 2166136261;
    for (const char of word) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
    vector[(hash >>> 0) % 64] = (vector[(hash >>> 0) % 64] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

export interface FakeOpenAIOptions {
  /** Decides the answer when nothing is scripted (instead of the default). */
  handler?: (request: FakeRequest) => FakeBehaviour | Promise<FakeBehaviour>;
}

const DEFAULT: FakeBehaviour = { kind: "reply", content: "ok" };

function modelOf(body: unknown): string {
  const model = typeof body === "object" && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === "string" ? model : "fake-model";
}

function wantsStream(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { stream?: unknown }).stream === true;
}

/** Splits text into a few pieces (at least one), so streaming has something to stream. */
function pieces(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g) ?? [text];
  return parts.length > 0 ? parts : [""];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  const script: FakeBehaviour[] = [];
  let fallback: FakeBehaviour | null = null;
  let embeddingsDown = false;
  const DEFAULT_MODELS: FakeModelsBehaviour = { kind: "list", ids: ["fake-model", "fake-embed"] };
  let models: FakeModelsBehaviour = DEFAULT_MODELS;
  let embeddingsGate: Promise<void> = Promise.resolve();
  let openEmbeddings = () => {};
  let embeddingsWaiting = 0;
  let counter = 0;

  async function stream(
    res: ServerResponse,
    request: FakeRequest,
    chunks: string[],
    settings: { delayMs: number; usage: FakeUsage | null | undefined; done: boolean; finishReason: string },
  ): Promise<void> {
    const id = `chatcmpl-fake-${++counter}`;
    const model = modelOf(request.body);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (data: object | string) => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
    send({
      id,
      object: "chat.completion.chunk",
      model,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    for (const chunk of chunks) {
      if (settings.delayMs > 0) await sleep(settings.delayMs);
      if (request.aborted) return;
      send({ id, object: "chat.completion.chunk", model, choices: [{ index: 0, delta: { content: chunk }, finish_reason: null }] });
    }
    if (!settings.done) {
      res.end();
      return;
    }
    send({ id, object: "chat.completion.chunk", model, choices: [{ index: 0, delta: {}, finish_reason: settings.finishReason }] });
    if (settings.usage) {
      const usage = { ...settings.usage, total_tokens: settings.usage.prompt_tokens + settings.usage.completion_tokens };
      send({ id, object: "chat.completion.chunk", model, choices: [], usage });
    }
    send("[DONE]");
    res.end();
  }

  async function answer(res: ServerResponse, request: FakeRequest, behaviour: FakeBehaviour): Promise<void> {
    switch (behaviour.kind) {
      case "reply": {
        const content = typeof behaviour.content === "string" ? behaviour.content : JSON.stringify(behaviour.content);
        const usage = behaviour.usage === undefined ? { prompt_tokens: 10, completion_tokens: 5 } : behaviour.usage;
        const finishReason = behaviour.finishReason ?? "stop";
        if (wantsStream(request.body)) {
          await stream(res, request, pieces(content), { delayMs: 0, usage, done: true, finishReason });
          return;
        }
        const body = {
          id: `chatcmpl-fake-${++counter}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: modelOf(request.body),
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
          ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
        };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
        return;
      }
      case "stream":
        await stream(res, request, behaviour.chunks, {
          delayMs: behaviour.delayMs ?? 0,
          usage: behaviour.usage,
          done: behaviour.done ?? true,
          finishReason: "stop",
        });
        return;
      case "error": {
        const body =
          behaviour.body ??
          JSON.stringify({ error: { message: behaviour.message ?? `fake error ${behaviour.status}`, type: "fake_error", code: null } });
        res.writeHead(behaviour.status, { "content-type": "application/json", ...behaviour.headers }).end(body);
        return;
      }
      case "hang":
        return; // the response stays open until the client or close() ends it
      case "malformed":
        res.writeHead(200, { "content-type": behaviour.contentType ?? "application/json" }).end(behaviour.body);
        return;
      case "drop":
        res.socket?.destroy();
        return;
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text
      }
      const request: FakeRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, aborted: false };
      requests.push(request);
      res.on("close", () => {
        if (!res.writableFinished) request.aborted = true;
      });
      if (req.method === "POST" && request.path === "/v1/embeddings") {
        if (embeddingsDown) {
          res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "embeddings are down" } }));
          return;
        }
        const input = (body as { input?: unknown }).input;
        const texts = Array.isArray(input) ? input.map(String) : [String(input)];
        const data = texts.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) }));
        embeddingsWaiting++;
        void embeddingsGate.then(() => {
          embeddingsWaiting--;
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data, model: modelOf(body) }));
        });
        return;
      }
      if (req.method === "GET" && request.path === "/v1/models") {
        if (models.kind === "hang") return;
        if (models.kind === "error") {
          const error = { error: { message: models.message, type: "fake_error", code: null } };
          res.writeHead(models.status, { "content-type": "application/json" }).end(JSON.stringify(error));
          return;
        }
        const data = models.ids.map((id) => ({ id, object: "model", created: 0, owned_by: "fake" }));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data }));
        return;
      }
      if (req.method !== "POST" || request.path !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const scripted = script.shift();
      const decide = scripted
        ? Promise.resolve(scripted)
        : fallback
          ? Promise.resolve(fallback)
          : options.handler
            ? Promise.resolve(options.handler(request))
            : Promise.resolve(DEFAULT);
      decide
        .then((behaviour) => answer(res, request, behaviour))
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: String(error) } }));
        });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue(...behaviours) {
      script.push(...behaviours);
    },
    setResponse(behaviour) {
      fallback = behaviour;
    },
    setModels(behaviour) {
      models = behaviour;
    },
    setEmbeddingsDown(down) {
      embeddingsDown = down;
    },
    holdEmbeddings() {
      embeddingsGate = new Promise<void>((resolve) => (openEmbeddings = resolve));
    },
    releaseEmbeddings() {
      openEmbeddings();
      embeddingsGate = Promise.resolve();
    },
    embeddingsWaiting: () => embeddingsWaiting,
    reset() {
      script.splice(0);
      requests.splice(0);
      fallback = null;
      models = DEFAULT_MODELS;
      embeddingsDown = false;
      openEmbeddings();
      embeddingsGate = Promise.resolve();
    },
    close() {
      openEmbeddings();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
