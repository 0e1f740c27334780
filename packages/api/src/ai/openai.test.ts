import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from "../testing/fake-openai.js";
import { failureOf } from "../testing/outcomes.js";
import { createOpenAiProvider, type OpenAiProviderConfig } from "./openai.js";
import { AiProviderError, meetingSummaryResultSchema, type ChatMessage, type SummaryInput } from "./provider.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await fake?.close();
});

function provider(config: Partial<OpenAiProviderConfig> = {}) {
  return createOpenAiProvider({
    baseUrl: fake.url,
    apiKey: "sk-test-123",
    model: "gpt-test",
    timeoutMs: 2_000,
    maxRetries: 2,
    retryBaseDelayMs: 5,
    ...config,
  });
}

interface SentBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: unknown;
  response_format?: unknown;
  temperature?: number;
}

const body = (request: FakeRequest | undefined) => request?.body as SentBody;
const hello: ChatMessage[] = [{ role: "user", content: "Hello?" }];

const failure = (promise: Promise<unknown>) => failureOf(promise, AiProviderError);

describe("chat", () => {
  it("posts to /chat/completions with the key and model, and parses the answer and usage", async () => {
    fake.enqueue({ kind: "reply", content: "Hi there.", usage: { prompt_tokens: 42, completion_tokens: 7 } });
    const result = await provider().chat(hello, { temperature: 0 });
    expect(result).toEqual({ text: "Hi there.", usage: { promptTokens: 42, completionTokens: 7 } });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-test-123");
    expect(request?.headers["content-type"]).toMatch(/application\/json/);
    expect(body(request)).toMatchObject({ model: "gpt-test", messages: hello, temperature: 0 });
    expect(body(request).stream).toBeUndefined();
  });

  it("sends no Authorization header without a key, and tolerates a trailing slash in the base URL", async () => {
    await provider({ apiKey: undefined, baseUrl: `${fake.url}/` }).chat(hello);
    expect(fake.requests[0]?.path).toBe("/v1/chat/completions");
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("estimates usage when the server reports none", async () => {
    fake.enqueue({ kind: "reply", content: "12345678", usage: null });
    const { usage } = await provider().chat(hello);
    expect(usage.completionTokens).toBe(2);
    expect(usage.promptTokens).toBeGreaterThan(0);
  });

  it("streams: onToken receives the pieces in order, and usage comes from the last chunk", async () => {
    fake.enqueue({
      kind: "stream",
      chunks: ["The ", "meeting ", "went ", "well."],
      delayMs: 10,
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    });
    const tokens: string[] = [];
    const result = await provider().chat(hello, { onToken: (token) => tokens.push(token) });
    expect(tokens).toEqual(["The ", "meeting ", "went ", "well."]);
    expect(result).toEqual({ text: "The meeting went well.", usage: { promptTokens: 9, completionTokens: 4 } });
    expect(body(fake.requests[0])).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("times a stream out per piece, not as a whole", async () => {
    fake.enqueue({ kind: "stream", chunks: ["a", "b", "c", "d", "e", "f"], delayMs: 60 });
    const tokens: string[] = [];
    const result = await provider({ timeoutMs: 200 }).chat(hello, { onToken: (token) => tokens.push(token) });
    expect(result.text).toBe("abcdef"); // ~360 ms in all, never 200 ms without a piece
  });

  it("retries a 500 and succeeds", async () => {
    fake.enqueue({ kind: "error", status: 500 }, { kind: "reply", content: "second time lucky" });
    const result = await provider().chat(hello);
    expect(result.text).toBe("second time lucky");
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a 429, waiting as long as Retry-After says", async () => {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "0.2" } }, { kind: "reply", content: "ok" });
    const started = Date.now();
    await provider().chat(hello);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a dropped connection", async () => {
    fake.enqueue({ kind: "drop" }, { kind: "reply", content: "back" });
    expect((await provider().chat(hello)).text).toBe("back");
    expect(fake.requests).toHaveLength(2);
  });

  it("does not retry a 400, and reports the server's message", async () => {
    fake.enqueue({ kind: "error", status: 400, message: "Invalid value for 'temperature'" });
    const error = await failure(provider().chat(hello));
    expect(error).toMatchObject({ code: "http", status: 400, retryable: false });
    expect(error.message).toContain("Invalid value for 'temperature'");
    expect(fake.requests).toHaveLength(1);
  });

  it("gives up after maxRetries on a persistent 503", async () => {
    fake.setResponse({ kind: "error", status: 503 });
    const error = await failure(provider({ maxRetries: 2 }).chat(hello));
    expect(error).toMatchObject({ code: "http", status: 503, retryable: true });
    expect(fake.requests).toHaveLength(3);
  });

  it("times out a server that never answers, aborting the request", async () => {
    fake.enqueue({ kind: "hang" });
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 150, maxRetries: 0 }).chat(hello));
    expect(error).toMatchObject({ code: "timeout", retryable: true, status: null });
    expect(Date.now() - started).toBeLessThan(1_500);
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
  });

  it("retries after a timeout", async () => {
    fake.enqueue({ kind: "hang" }, { kind: "reply", content: "awake" });
    expect((await provider({ timeoutMs: 150 }).chat(hello)).text).toBe("awake");
    expect(fake.requests).toHaveLength(2);
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
  });

  it("stops at once, without retrying, when the caller aborts", async () => {
    fake.setResponse({ kind: "hang" });
    const controller = new AbortController();
    const pending = provider({ timeoutMs: 5_000 }).chat(hello, { signal: controller.signal });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ code: "aborted", retryable: false });
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true));
    expect(fake.requests).toHaveLength(1);
  });

  it("does not retry a stream that broke after delivering tokens", async () => {
    fake.enqueue({ kind: "stream", chunks: ["partial ", "answer"], done: false });
    const tokens: string[] = [];
    const error = await failure(provider().chat(hello, { onToken: (token) => tokens.push(token) }));
    expect(error).toMatchObject({ code: "network" });
    expect(tokens).toEqual(["partial ", "answer"]);
    expect(fake.requests).toHaveLength(1);
  });

  it("rejects an answer that is not a chat completion", async () => {
    fake.enqueue({ kind: "malformed", body: "<html>proxy error</html>", contentType: "text/html" });
    const error = await failure(provider().chat(hello));
    expect(error).toMatchObject({ code: "invalid_response", retryable: false });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("summarize", () => {
  const input: SummaryInput = {
    title: "Remote control design",
    segments: [
      { id: "s0", position: 0, speaker: "Project Manager", startMs: 0, endMs: 4_000, text: "Let's talk about the remote's buttons." },
      { id: "s1", position: 1, speaker: "Industrial Designer", startMs: 4_200, endMs: 9_000, text: "We decided to use a rubber case." },
      { id: "s2", position: 2, speaker: "Marketing", startMs: 9_200, endMs: 14_000, text: "I'll send the market survey by 2025-03-14." },
      { id: "s3", position: 3, speaker: null, startMs: 14_200, endMs: 16_000, text: "Okay, see you next week." },
    ],
  };

  const good = {
    overview: "The team designed the remote control.",
    keyPoints: ["Buttons were discussed.", "Buttons were discussed.", " "],
    decisions: ["Use a rubber case."],
    topics: [
      { title: "Wrap-up", startPosition: 3, endPosition: 99 },
      { title: "Buttons", startPosition: 0, endPosition: 1 },
      { title: "Nowhere", startPosition: 40, endPosition: 50 },
    ],
    actionItems: [
      { text: "Send the market survey", assigneeName: "Marketing", dueDate: "2025-03-14", sourcePosition: 2 },
      { text: "Book a room", assigneeName: null, dueDate: "next Friday", sourcePosition: 77 },
      { text: "Order samples", assigneeName: "", dueDate: "2025-02-30", sourcePosition: "1" },
    ],
  };

  it("sends numbered segments, asks for JSON, validates and grounds the answer", async () => {
    fake.enqueue({ kind: "reply", content: good });
    const summary = await provider().summarize(input);
    expect(meetingSummaryResultSchema.parse(summary)).toEqual(summary);
    expect(summary).toEqual({
      overview: "The team designed the remote control.",
      keyPoints: ["Buttons were discussed."],
      decisions: ["Use a rubber case."],
      topics: [
        { title: "Buttons", startPosition: 0, endPosition: 1 },
        { title: "Wrap-up", startPosition: 3, endPosition: 3 },
      ],
      actionItems: [
        { text: "Send the market survey", assigneeName: "Marketing", dueDate: "2025-03-14", sourcePosition: 2 },
        { text: "Book a room", assigneeName: null, dueDate: null, sourcePosition: null },
        { text: "Order samples", assigneeName: null, dueDate: null, sourcePosition: 1 },
      ],
    });
    const sent = body(fake.requests[0]);
    expect(sent.response_format).toEqual({ type: "json_object" });
    expect(sent.messages[0]?.role).toBe("system");
    expect(sent.messages[0]?.content).toContain("JSON");
    const user = sent.messages[1]?.content ?? "";
    expect(user).toContain("Remote control design");
    expect(user).toContain("[1] Industrial Designer: We decided to use a rubber case.");
    expect(user).toContain("[3] Unknown: Okay, see you next week.");
  });

  it("accepts JSON wrapped in a Markdown fence", async () => {
    fake.enqueue({ kind: "reply", content: `\`\`\`json\n${JSON.stringify(good)}\n\`\`\`` });
    expect((await provider().summarize(input)).overview).toBe("The team designed the remote control.");
  });

  it("repairs invalid JSON with one more request", async () => {
    fake.enqueue({ kind: "reply", content: "Sure! Here is the summary: {overview: oops" }, { kind: "reply", content: good });
    const summary = await provider().summarize(input);
    expect(summary.decisions).toEqual(["Use a rubber case."]);
    expect(fake.requests).toHaveLength(2);
    const repair = body(fake.requests[1]).messages;
    expect(repair).toHaveLength(4);
    expect(repair[2]).toEqual({ role: "assistant", content: "Sure! Here is the summary: {overview: oops" });
    expect(repair[3]?.role).toBe("user");
    expect(repair[3]?.content).toContain("not valid JSON");
  });

  it("repairs JSON of the wrong shape, naming what is wrong", async () => {
    fake.enqueue({ kind: "reply", content: { summary: "no overview here", topics: "none" } }, { kind: "reply", content: good });
    await provider().summarize(input);
    const repair = body(fake.requests[1]).messages[3]?.content ?? "";
    expect(repair).toContain("overview");
    expect(repair).toContain("topics");
  });

  it("fails with invalid_output when the repair is invalid too", async () => {
    fake.enqueue({ kind: "reply", content: "not json" }, { kind: "reply", content: { overview: "" } });
    const error = await failure(provider().summarize(input));
    expect(error).toMatchObject({ code: "invalid_output", retryable: false });
    expect(fake.requests).toHaveLength(2);
  });

  it("refuses an empty transcript without calling the model", async () => {
    await failure(provider().summarize({ title: "Empty", segments: [] }));
    expect(fake.requests).toHaveLength(0);
  });

  it("summarizes a long transcript in parts and merges them", async () => {
    const segments = Array.from({ length: 60 }, (_, position) => ({
      id: `s${position}`,
      position,
      speaker: position % 2 ? "Alice" : "Bob",
      startMs: position * 1_000,
      endMs: position * 1_000 + 900,
      text: `Turn ${position}: ${"we talked about the budget and the schedule ".repeat(2)}`,
    }));
    const answer = (request: FakeRequest) => {
      const messages = (request.body as SentBody).messages;
      if (messages[0]?.content.startsWith("You merge")) {
        return { kind: "reply" as const, content: { overview: "Merged overview.", keyPoints: ["A", "B"], decisions: ["D"] } };
      }
      const positions = [...(messages[1]?.content ?? "").matchAll(/^\[(\d+)\]/gm)].map((match) => Number(match[1]));
      const first = Math.min(...positions);
      const last = Math.max(...positions);
      return {
        kind: "reply" as const,
        content: {
          overview: `Part ${first}-${last}.`,
          keyPoints: [],
          decisions: [],
          topics: [{ title: "Budget", startPosition: first, endPosition: last }],
          actionItems: [{ text: `Follow up on ${first}`, assigneeName: "Alice", dueDate: null, sourcePosition: first }],
        },
      };
    };
    const local = await startFakeOpenAI({ handler: answer });
    try {
      const summary = await createOpenAiProvider({ baseUrl: local.url, model: "m", maxInputChars: 1_500 }).summarize({
        title: "Long",
        segments,
      });
      const parts = local.requests.length - 1;
      expect(parts).toBeGreaterThan(2);
      expect(summary.overview).toBe("Merged overview.");
      expect(summary.decisions).toEqual(["D"]);
      // Neighbouring parts' "Budget" topics join into one covering the whole transcript.
      expect(summary.topics).toEqual([{ title: "Budget", startPosition: 0, endPosition: 59 }]);
      expect(summary.actionItems).toHaveLength(parts);
      expect(summary.actionItems.map((item) => item.sourcePosition)).toEqual(
        [...summary.actionItems.map((item) => item.sourcePosition)].sort((a, b) => (a ?? 0) - (b ?? 0)),
      );
      for (const request of local.requests) {
        expect(JSON.stringify((request.body as SentBody).messages).length).toBeLessThan(1_500 + 4_000);
      }
    } finally {
      await local.close();
    }
  });
});
