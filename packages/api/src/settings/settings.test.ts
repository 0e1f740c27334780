// settings.ai, settings.prompts and settings.usage, end to end: through the router, against real
// Postgres, with the loopback fake OpenAI-compatible server as the workspace's model server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createOpenAiProvider } from "../ai/openai.js";
import { ACTION_ITEM_SHAPE, CITATION_FORMAT, DEFAULT_PROMPTS, SUMMARY_JSON_SHAPE, askMindSystemPrompt } from "../ai/prompts.js";
import { createJobHandlers } from "../app/jobs.js";
import { appRouter } from "../app/router.js";
import type { AskEvent } from "../askmind/schemas.js";
import { createContextInner, type AuthUser } from "../context.js";
import { startJobWorker } from "../jobs/worker.js";
import { silentLogger } from "../logger.js";
import type { AppServices } from "../ports.js";
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from "../testing/fake-openai.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { errorOf as domainErrorOf } from "../testing/outcomes.js";
import { createTestServices, type TestServicesOptions } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { nextMonthStart } from "./usage.js";

type Services = AppServices & { close(): Promise<void> };

let database: TestDatabase;
let db: Db;
let fake: FakeOpenAI;
let fingerprints: DatabaseFingerprint;
/** The server's default is the extractive mode (no LLM_BASE_URL). */
let svc: Services;
const opened: Services[] = [];

async function services(options: TestServicesOptions = {}): Promise<Services> {
  const made = await createTestServices(db, options);
  opened.push(made);
  return made;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fake = await startFakeOpenAI();
  fingerprints = await databaseFingerprint(database.url);
  svc = await services({ settings: { LLM_TIMEOUT_MS: "2000" } });
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await fingerprints?.close();
  await fake?.close();
  await database?.close();
});
beforeEach(() => fake.reset());

const as = (user: AuthUser, with_: Services = svc) => createCallerFactory(appRouter)(createContextInner({ db, services: with_, user }));

const KEY = "sk-live-0123456789abcdefWXYZ";

/** The tRPC code and appCode, as a client sees it: a refused zod schema is `invalid_input`. */
async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; appCode?: string } | undefined> {
  const outcome = await domainErrorOf(promise);
  if (!outcome) return outcome;
  return { code: outcome.code, appCode: outcome.appCode ?? (outcome.code === "BAD_REQUEST" ? "invalid_input" : undefined) };
}

/** A workspace of its own per test, so settings, prompts and usage never leak between tests. */
const world = (label: string) => createWorkspaceWorld(db, label);

async function expectNothingWritten(call: () => Promise<unknown>): Promise<{ code?: string; appCode?: string } | undefined> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome, "the call was expected to be refused").toBeDefined();
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
  return outcome;
}

async function collect(stream: AsyncIterable<AskEvent>) {
  const events: AskEvent[] = [];
  for await (const event of stream) events.push(event);
  const last = events.at(-1);
  if (last?.type !== "final") throw new Error("the stream did not end with the final message");
  return last.message;
}

const chatRequests = () => fake.requests.filter((r) => r.path === "/v1/chat/completions");
const systemOf = (request: FakeRequest | undefined) =>
  (request?.body as { messages: { role: string; content: string }[] } | undefined)?.messages.find((m) => m.role === "system")?.content;

/** Points the workspace at the fake, with a key. */
async function useFake(w: WorkspaceWorld, extra: Record<string, unknown> = {}, with_ = svc) {
  return as(w.admin, with_).settings.ai.update({ workspaceId: w.workspaceId, baseUrl: fake.url, model: "ws-model", apiKey: KEY, ...extra });
}

async function ask(w: WorkspaceWorld, question: string, options: { mode?: "auto" | "extractive"; with_?: Services } = {}) {
  const caller = as(w.member, options.with_);
  const session = await caller.askMind.sessions.create({ workspaceId: w.workspaceId, scope: { kind: "meeting", meetingId: w.meeting.id } });
  return collect(
    await caller.askMind.ask({
      workspaceId: w.workspaceId,
      sessionId: session.id,
      question,
      ...(options.mode ? { mode: options.mode } : {}),
    }),
  );
}

async function runJobs(with_: Services = svc) {
  const jobs = startJobWorker({
    db,
    log: silentLogger,
    handlers: createJobHandlers({ db, ai: with_.ai, embeddings: null, workspaceAi: with_.workspaceAi, log: silentLogger }),
    pollIntervalMs: 0,
    backoff: () => 0,
  });
  await jobs.runDue();
  await jobs.stop();
}

const summaryReply = {
  overview: "The team agreed to settle the roadmap budget.",
  keyPoints: ["The budget needs agreement."],
  decisions: [],
  topics: [{ title: "Budget", startPosition: 0, endPosition: 0 }],
  actionItems: [{ text: "Agree on the roadmap budget", assigneeName: "Speaker 1", dueDate: null, sourcePosition: 0 }],
};

describe("settings.ai", () => {
  it("starts on the server's default, stores the key sealed and only ever shows it masked", async () => {
    const w = await world("key");
    const admin = as(w.admin);
    expect(await admin.settings.ai.get({ workspaceId: w.workspaceId })).toMatchObject({
      provider: { baseUrl: null, model: null, embeddingModel: null, apiKey: null },
      monthlyTokenCap: null,
      effective: { source: "server", provider: "extractive", model: "extractive-v1", monthlyTokenCap: null },
      serverDefault: { provider: "extractive", embeddingModel: null, monthlyTokenCap: null },
      canStoreApiKeys: true,
      updatedAt: null,
      updatedBy: null,
    });

    const saved = await useFake(w, { embeddingModel: "ws-embed", monthlyTokenCap: 5_000 });
    expect(saved).toMatchObject({
      provider: { baseUrl: fake.url, model: "ws-model", embeddingModel: "ws-embed", apiKey: "sk-…WXYZ" },
      monthlyTokenCap: 5_000,
      effective: { source: "workspace", provider: "openai", model: "ws-model", embeddingModel: "ws-embed", monthlyTokenCap: 5_000 },
      updatedBy: { id: w.admin.id },
    });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    expect(JSON.stringify(await admin.settings.ai.get({ workspaceId: w.workspaceId }))).not.toContain(KEY);

    // At rest: sealed under the dev key's id, never the key or a hash-free copy of it.
    const row = await db.workspaceAiSettings.findUniqueOrThrow({ where: { workspaceId: w.workspaceId } });
    expect(row.apiKeyEncrypted).toMatch(/^v1\.dev\.[\w-]+\.[\w-]+$/);
    expect(JSON.stringify(row, (_, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain(KEY);
    expect(svc.secrets.open(row.apiKeyEncrypted ?? "")).toBe(KEY);
    // The audit trail says what changed, without the key.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { workspaceId: w.workspaceId, action: "ai_settings.updated" } });
    expect(audit.metadata).toMatchObject({ model: "ws-model", apiKeyChanged: true });
    expect(JSON.stringify(audit)).not.toContain(KEY);

    // Omitted: kept. Another path on the same server: kept. Null: cleared.
    expect((await admin.settings.ai.update({ workspaceId: w.workspaceId, model: "ws-model-2" })).provider).toMatchObject({
      model: "ws-model-2",
      apiKey: "sk-…WXYZ",
    });
    expect(
      (await admin.settings.ai.update({ workspaceId: w.workspaceId, baseUrl: `${fake.url}/` })).provider.apiKey,
      "a trailing slash is the same server",
    ).toBe("sk-…WXYZ");
    const cleared = await admin.settings.ai.update({ workspaceId: w.workspaceId, apiKey: null });
    expect(cleared.provider.apiKey).toBeNull();
    expect((await db.workspaceAiSettings.findUniqueOrThrow({ where: { workspaceId: w.workspaceId } })).apiKeyEncrypted).toBeNull();

    // Back to the server's default: the workspace's server is forgotten whole; its cap stays.
    const back = await admin.settings.ai.update({ workspaceId: w.workspaceId, baseUrl: null });
    expect(back).toMatchObject({
      provider: { baseUrl: null, model: null, embeddingModel: null, apiKey: null },
      monthlyTokenCap: 5_000,
      effective: { source: "server", provider: "extractive", monthlyTokenCap: 5_000 },
    });
  });

  it("never sends the saved key to another server: moving needs the key again", async () => {
    const w = await world("move");
    await useFake(w);
    const before = await fingerprints.take();
    expect(await errorOf(as(w.owner).settings.ai.update({ workspaceId: w.workspaceId, baseUrl: "http://127.0.0.1:9/v1" }))).toEqual({
      code: "BAD_REQUEST",
      appCode: "api_key_required",
    });
    expect(await fingerprints.take()).toBe(before);
    // A candidate on another server is tested without the saved key.
    fake.reset();
    const other = `${fake.url.replace("127.0.0.1", "localhost")}`;
    const tested = await as(w.owner).settings.ai.testConnection({ workspaceId: w.workspaceId, baseUrl: other });
    expect(tested).toMatchObject({ ok: true, tested: "candidate" });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    // With the key given again it moves.
    expect(
      (await as(w.owner).settings.ai.update({ workspaceId: w.workspaceId, baseUrl: other, apiKey: "sk-other-key-0000000000000" })).provider,
    ).toMatchObject({ baseUrl: other, apiKey: "sk-…0000" });
  });

  it("refuses bad input with a clear 400 and writes nothing", async () => {
    const w = await world("bad");
    await useFake(w);
    const admin = as(w.admin);
    const ws = { workspaceId: w.workspaceId };
    const cases: [string, () => Promise<unknown>, string][] = [
      ["ftp URL", () => admin.settings.ai.update({ ...ws, baseUrl: "ftp://example.com/v1" }), "invalid_input"],
      ["not a URL", () => admin.settings.ai.update({ ...ws, baseUrl: "openai" }), "invalid_input"],
      ["overlong URL", () => admin.settings.ai.update({ ...ws, baseUrl: `https://example.com/${"a".repeat(600)}` }), "invalid_input"],
      [
        "credentials in the URL",
        () => admin.settings.ai.update({ ...ws, baseUrl: "https://user:pw@example.com/v1", apiKey: null }),
        "base_url_not_allowed",
      ],
      ["a query", () => admin.settings.ai.update({ ...ws, baseUrl: "https://example.com/v1?x=1", apiKey: null }), "base_url_not_allowed"],
      ["model with spaces", () => admin.settings.ai.update({ ...ws, model: "gpt 4" }), "invalid_input"],
      ["empty model", () => admin.settings.ai.update({ ...ws, model: "" }), "invalid_input"],
      ["key with spaces", () => admin.settings.ai.update({ ...ws, apiKey: "sk one two" }), "invalid_input"],
      ["overlong key", () => admin.settings.ai.update({ ...ws, apiKey: "k".repeat(2_001) }), "invalid_input"],
      ["zero cap", () => admin.settings.ai.update({ ...ws, monthlyTokenCap: 0 }), "invalid_input"],
      ["fractional cap", () => admin.settings.ai.update({ ...ws, monthlyTokenCap: 1.5 }), "invalid_input"],
      ["huge cap", () => admin.settings.ai.update({ ...ws, monthlyTokenCap: 1e13 }), "invalid_input"],
      ["a model without a server", () => admin.settings.ai.update({ ...ws, baseUrl: null, model: "x" }), "validation_failed"],
      ["test of a bad URL", () => admin.settings.ai.testConnection({ ...ws, baseUrl: "file:///etc/passwd" }), "invalid_input"],
    ];
    for (const [label, call, appCode] of cases) {
      expect({ label, outcome: await expectNothingWritten(call) }).toEqual({ label, outcome: { code: "BAD_REQUEST", appCode } });
    }
    const fresh = await world("fresh");
    expect(
      await expectNothingWritten(() => as(fresh.owner).settings.ai.update({ workspaceId: fresh.workspaceId, baseUrl: fake.url })),
      "a server needs a model",
    ).toEqual({ code: "BAD_REQUEST", appCode: "validation_failed" });
    expect(await expectNothingWritten(() => as(fresh.owner).settings.ai.testConnection({ workspaceId: fresh.workspaceId }))).toEqual({
      code: "BAD_REQUEST",
      appCode: "validation_failed",
    });
  });

  it("refuses private and loopback model servers unless the operator allows them", async () => {
    const strict = await services({ settings: { AI_ALLOW_PRIVATE_BASE_URLS: "false" } });
    const w = await world("ssrf");
    for (const baseUrl of [
      "http://127.0.0.1:11434/v1",
      "http://localhost:11434/v1",
      "http://169.254.169.254/latest",
      "http://10.0.0.8/v1",
      "http://[::1]:8080/v1",
      "http://[::ffff:127.0.0.1]/v1",
      "https://nowhere.invalid/v1",
    ]) {
      expect({ baseUrl, outcome: await expectNothingWritten(() => useFake(w, { baseUrl }, strict)) }).toEqual({
        baseUrl,
        outcome: { code: "BAD_REQUEST", appCode: "base_url_not_allowed" },
      });
      expect(await errorOf(as(w.admin, strict).settings.ai.testConnection({ workspaceId: w.workspaceId, baseUrl, apiKey: KEY }))).toEqual({
        code: "BAD_REQUEST",
        appCode: "base_url_not_allowed",
      });
    }
    expect(fake.requests).toEqual([]);
    // A setting saved while it was allowed is not used once it is not.
    await useFake(w);
    expect(await errorOf(ask(w, "What about the roadmap budget?", { with_: strict }))).toEqual({
      code: "SERVICE_UNAVAILABLE",
      appCode: "service_unavailable",
    });
    expect(chatRequests()).toEqual([]);
  });

  it("cannot store a key on a server without an encryption key, and cannot use one sealed under a key it no longer has", async () => {
    const production = await services({
      settings: { NODE_ENV: "production", JWT_SECRET: "p".repeat(40), AI_ALLOW_PRIVATE_BASE_URLS: "true" },
    });
    const w = await world("nokey");
    expect((await as(w.admin, production).settings.ai.get({ workspaceId: w.workspaceId })).canStoreApiKeys).toBe(false);
    expect(await expectNothingWritten(() => useFake(w, {}, production))).toEqual({
      code: "BAD_REQUEST",
      appCode: "api_key_storage_unavailable",
    });
    // Without a key it can still use a server of its own.
    expect((await useFake(w, { apiKey: null }, production)).effective.source).toBe("workspace");

    // Rotation: a new key first, the old one still listed, opens what the old one sealed.
    const newKey = Buffer.alloc(32, 7).toString("base64");
    const devKey = Buffer.from("dev-only-insecure-secrets-key-32").toString("base64");
    const rotated = await services({ settings: { SECRETS_ENCRYPTION_KEYS: `k2:${newKey},dev:${devKey}` } });
    const r = await world("rotate");
    await useFake(r);
    fake.enqueue({ kind: "reply", content: "The budget [1]." });
    expect((await ask(r, "What about the roadmap budget?", { with_: rotated })).status).toBe("done");
    expect(chatRequests()[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    // Saving the key again seals it with the current key.
    await useFake(r, {}, rotated);
    expect((await db.workspaceAiSettings.findUniqueOrThrow({ where: { workspaceId: r.workspaceId } })).apiKeyEncrypted).toMatch(
      /^v1\.k2\./,
    );

    // Without the key that sealed it: the feature says so, and the test reports it without a request.
    const forgotten = await services({ settings: { SECRETS_ENCRYPTION_KEYS: `k3:${Buffer.alloc(32, 9).toString("base64")}` } });
    fake.reset();
    const refusal = await ask(r, "What about the roadmap budget?", { with_: forgotten }).catch((error: Error) => error.message);
    expect(refusal).toMatch(/API key cannot be decrypted/);
    expect(await as(r.admin, forgotten).settings.ai.testConnection({ workspaceId: r.workspaceId })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot be decrypted/),
    });
    expect(fake.requests).toEqual([]);
  });

  it("tests a candidate or the saved server: latency and models, or the server's error without the key", async () => {
    const quick = await services({ settings: { LLM_TIMEOUT_MS: "1000" }, limits: { aiConnectionTest: { points: 6 } } });
    const w = await world("test");
    const admin = as(w.admin, quick);
    const ws = { workspaceId: w.workspaceId };

    fake.setModels({ kind: "list", ids: ["zeta", "ws-model", "alpha"] });
    const candidate = await admin.settings.ai.testConnection({ ...ws, baseUrl: fake.url, apiKey: KEY, model: "ws-model" });
    expect(candidate).toEqual({
      ok: true,
      tested: "candidate",
      latencyMs: expect.any(Number),
      models: ["alpha", "ws-model", "zeta"],
      modelListed: true,
      status: 200,
      error: null,
    });
    expect(fake.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([["GET", "/v1/models", `Bearer ${KEY}`]]);
    // A test saves nothing.
    expect(await db.workspaceAiSettings.count({ where: { workspaceId: w.workspaceId } })).toBe(0);

    await useFake(w, { model: "missing-model" }, quick);
    fake.reset();
    fake.setModels({ kind: "error", status: 401, message: `Incorrect API key provided: ${KEY}. Find your key at ...` });
    const saved = await admin.settings.ai.testConnection(ws);
    expect(saved).toMatchObject({ ok: false, tested: "saved", status: 401, models: [], modelListed: null });
    expect(saved.error).toBe("Incorrect API key provided: [redacted]. Find your key at ...");
    expect(fake.requests[0]?.headers.authorization, "the saved key is used for the saved server").toBe(`Bearer ${KEY}`);

    fake.setModels({ kind: "list", ids: ["ws-model"] });
    expect(await admin.settings.ai.testConnection(ws)).toMatchObject({ ok: true, modelListed: false });

    fake.setModels({ kind: "hang" });
    expect(await admin.settings.ai.testConnection(ws)).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringMatching(/within 1000 ms/),
    });

    const refused = await admin.settings.ai.testConnection({ ...ws, baseUrl: "http://127.0.0.1:9/v1", apiKey: null });
    expect(refused).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^Could not reach the model server/) });

    fake.setModels({ kind: "list", ids: [] });
    await admin.settings.ai.testConnection(ws);
    // Each test is a request from the server to an admin-chosen address: limited per workspace.
    expect(await errorOf(admin.settings.ai.testConnection(ws))).toEqual({ code: "TOO_MANY_REQUESTS", appCode: "rate_limited" });
  });
});

describe("the workspace's model and prompts are what the features use", () => {
  it("Ask Mind and summaries call the workspace's server with its key, model and current prompts; other workspaces keep theirs", async () => {
    const w = await world("use");
    const bystander = await world("bystander");
    await useFake(w);

    fake.enqueue({
      kind: "reply",
      content: "The roadmap budget needs agreement [1].",
      usage: { prompt_tokens: 120, completion_tokens: 30 },
    });
    const first = await ask(w, "What about the roadmap budget?");
    expect(first).toMatchObject({ status: "done", model: "ws-model", citations: [{ marker: 1 }] });
    const [request] = chatRequests();
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect((request?.body as { model: string }).model).toBe("ws-model");
    expect(systemOf(request)).toBe(askMindSystemPrompt(DEFAULT_PROMPTS));

    // A new prompt applies to the next question at once (the update forgets the cached one).
    const admin = as(w.admin);
    const custom = "Answer in one sentence, as a pirate. Cite every claim {{citationFormat}}.";
    expect(await admin.settings.prompts.update({ workspaceId: w.workspaceId, kind: "askMind", text: custom })).toMatchObject({
      version: 1,
      isDefault: false,
    });
    fake.reset();
    fake.enqueue({ kind: "reply", content: "Arr, the budget [1]." });
    await ask(w, "What about the roadmap budget?");
    expect(systemOf(chatRequests()[0])).toBe(`Answer in one sentence, as a pirate. Cite every claim ${CITATION_FORMAT}.`);

    // Summaries: the summary prompt with the action items prompt inside it.
    await admin.settings.prompts.update({
      workspaceId: w.workspaceId,
      kind: "summary",
      text: "Summarize for executives.\nShape:\n{{jsonShape}}\nAction items:\n{{actionItemRules}}",
    });
    await admin.settings.prompts.update({
      workspaceId: w.workspaceId,
      kind: "actionItems",
      text: "Only list tasks with an owner, each like {{actionItemShape}}.",
    });
    fake.reset();
    fake.enqueue({ kind: "reply", content: summaryReply, usage: { prompt_tokens: 400, completion_tokens: 80 } });
    const queued = await as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: w.meeting.id });
    await runJobs();
    const summary = await as(w.member).meetings.summary.get({
      workspaceId: w.workspaceId,
      meetingId: w.meeting.id,
      version: queued.version,
    });
    expect(summary).toMatchObject({ status: "done", provider: "openai", model: "ws-model", overview: summaryReply.overview });
    expect(systemOf(chatRequests()[0])).toBe(
      `Summarize for executives.\nShape:\n${SUMMARY_JSON_SHAPE}\nAction items:\nOnly list tasks with an owner, each like ${ACTION_ITEM_SHAPE}.`,
    );

    // Metered per feature, from the server's reported usage (the first answer's default usage is 10 + 5).
    const usage = await as(w.viewer).settings.usage.get({ workspaceId: w.workspaceId });
    expect(usage.features).toEqual([
      { feature: "summaries", tokensIn: 400, tokensOut: 80, requests: 1 },
      { feature: "askMind", tokensIn: 130, tokensOut: 35, requests: 2 },
      { feature: "interviewSummaries", tokensIn: 0, tokensOut: 0, requests: 0 },
    ]);
    expect(usage).toMatchObject({ totalTokens: 645, monthlyTokenCap: null, remainingTokens: null, resetsAt: nextMonthStart(new Date()) });

    // The bystander workspace still answers with the server's default (extractive), and used nothing.
    fake.reset();
    expect((await ask(bystander, "What about the roadmap budget?")).model).toBe("extractive");
    expect(fake.requests).toEqual([]);
    expect((await as(bystander.member).settings.usage.get({ workspaceId: bystander.workspaceId })).totalTokens).toBe(0);
  });

  it("the server's default model uses the workspace's prompts too, under the lower of the server's and the workspace's caps", async () => {
    const serverModel = await services({
      ai: createOpenAiProvider({ baseUrl: fake.url, model: "server-model", maxRetries: 0, timeoutMs: 2_000 }),
      settings: { AI_MONTHLY_TOKEN_CAP: "1000" },
    });
    const w = await world("servercap");
    const admin = as(w.admin, serverModel);
    expect((await admin.settings.ai.get({ workspaceId: w.workspaceId })).effective).toMatchObject({
      source: "server",
      provider: "openai",
      model: "server-model",
      monthlyTokenCap: 1000,
    });
    // A workspace may lower the server's cap, not raise it...
    expect((await admin.settings.ai.update({ workspaceId: w.workspaceId, monthlyTokenCap: 50_000 })).effective.monthlyTokenCap).toBe(1000);
    expect((await admin.settings.ai.update({ workspaceId: w.workspaceId, monthlyTokenCap: 100 })).effective.monthlyTokenCap).toBe(100);
    // ...but on its own server only its own cap applies.
    expect((await useFake(w, { monthlyTokenCap: null }, serverModel)).effective.monthlyTokenCap).toBeNull();
    await admin.settings.ai.update({ workspaceId: w.workspaceId, baseUrl: null, monthlyTokenCap: 100 });

    await admin.settings.prompts.update({ workspaceId: w.workspaceId, kind: "askMind", text: "Be brief and cite {{citationFormat}}." });
    fake.enqueue({ kind: "reply", content: "Budget [1].", usage: { prompt_tokens: 90, completion_tokens: 20 } });
    await ask(w, "What about the roadmap budget?", { with_: serverModel });
    expect(systemOf(chatRequests()[0])).toBe(`Be brief and cite ${CITATION_FORMAT}.`);
    expect(chatRequests()[0]?.headers.authorization).toBeUndefined();
    expect(await errorOf(ask(w, "And the roadmap?", { with_: serverModel }))).toEqual({
      code: "TOO_MANY_REQUESTS",
      appCode: "ai_quota_exceeded",
    });
  });
});

describe("the workspace's embeddings model", () => {
  it("embeds the workspace's transcripts with its own model and key: those it has when set, and each new import", async () => {
    const w = await world("embed");
    await useFake(w, { embeddingModel: "ws-embed" });
    await runJobs();
    expect(
      (await db.segmentEmbedding.findMany({ where: { workspaceId: w.workspaceId }, select: { model: true } })).map((r) => r.model),
    ).toEqual(["ws-embed"]);
    const [embedded] = fake.requests.filter((r) => r.path === "/v1/embeddings");
    expect(embedded?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect((embedded?.body as { model: string }).model).toBe("ws-embed");

    const member = as(w.member);
    const meeting = await member.meetings.create({ workspaceId: w.workspaceId, title: "Later" });
    await member.transcripts.import({ workspaceId: w.workspaceId, meetingId: meeting.id, format: "text", content: "Ann: One.\nBob: Two." });
    await runJobs();
    expect(await db.segmentEmbedding.count({ where: { meetingId: meeting.id, model: "ws-embed" } })).toBe(2);

    // A workspace that embeds with nothing queues nothing.
    const plain = await world("noembed");
    const jobsBefore = await db.job.count();
    const other = await as(plain.member).meetings.create({ workspaceId: plain.workspaceId, title: "Plain" });
    await as(plain.member).transcripts.import({
      workspaceId: plain.workspaceId,
      meetingId: other.id,
      format: "text",
      content: "Ann: One.",
    });
    expect(await db.job.count()).toBe(jobsBefore);
  });
});

describe("the monthly token cap", () => {
  it("refuses model calls with TOO_MANY_REQUESTS until the month turns, while the extractive mode keeps working", async () => {
    const w = await world("cap");
    await useFake(w, { monthlyTokenCap: 100 });
    fake.enqueue({ kind: "reply", content: "The budget [1].", usage: { prompt_tokens: 80, completion_tokens: 25 } });
    await ask(w, "What about the roadmap budget?");
    expect((await as(w.member).settings.usage.get({ workspaceId: w.workspaceId })).remainingTokens).toBe(0);

    // Ask Mind: refused before anything is stored, with when to come back.
    const caller = as(w.member);
    const session = await caller.askMind.sessions.create({
      workspaceId: w.workspaceId,
      scope: { kind: "meeting", meetingId: w.meeting.id },
    });
    fake.reset();
    const refusal = await caller.askMind.ask({ workspaceId: w.workspaceId, sessionId: session.id, question: "And the roadmap?" }).then(
      () => null,
      (error: { code?: string; message: string; cause?: { appCode?: string; retryAfterSeconds?: number } }) => error,
    );
    const untilNextMonth = Math.ceil((nextMonthStart(new Date()).getTime() - Date.now()) / 1000);
    expect(refusal).toMatchObject({ code: "TOO_MANY_REQUESTS", cause: { appCode: "ai_quota_exceeded" } });
    expect(refusal?.message).toMatch(/resets on \d{4}-\d{2}-01 \(UTC\)/);
    expect(Math.abs((refusal?.cause?.retryAfterSeconds ?? 0) - untilNextMonth)).toBeLessThan(60);
    expect(await db.askMindMessage.count({ where: { sessionId: session.id } })).toBe(0);
    // Summaries: refused when requested.
    expect(
      await expectNothingWritten(() => as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: w.meeting.id })),
    ).toEqual({ code: "TOO_MANY_REQUESTS", appCode: "ai_quota_exceeded" });
    expect(fake.requests).toEqual([]);

    // The extractive mode calls no model and is never refused.
    const offline = await ask(w, "What about the roadmap budget?", { mode: "extractive" });
    expect(offline).toMatchObject({ status: "done", model: "extractive", citations: [{ quote: "Let's agree on the roadmap budget." }] });
    await as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: w.meeting.id, mode: "extractive" });
    await runJobs();
    expect(await as(w.member).meetings.summary.get({ workspaceId: w.workspaceId, meetingId: w.meeting.id })).toMatchObject({
      status: "done",
      provider: "extractive",
    });
    expect(fake.requests).toEqual([]);

    // Raising the cap lets the model answer again at once.
    await as(w.admin).settings.ai.update({ workspaceId: w.workspaceId, monthlyTokenCap: 10_000 });
    fake.enqueue({ kind: "reply", content: "The budget [1]." });
    expect((await ask(w, "What about the roadmap budget?")).model).toBe("ws-model");
  });

  it("fails a queued summary whose workspace reached the cap before it ran, saying why", async () => {
    const w = await world("capjob");
    await useFake(w, { monthlyTokenCap: 100 });
    const queued = await as(w.member).meetings.summary.generate({ workspaceId: w.workspaceId, meetingId: w.meeting.id });
    fake.enqueue({ kind: "reply", content: "The budget [1].", usage: { prompt_tokens: 90, completion_tokens: 20 } });
    await ask(w, "What about the roadmap budget?");
    fake.reset();
    await runJobs();
    const summary = await as(w.member).meetings.summary.get({
      workspaceId: w.workspaceId,
      meetingId: w.meeting.id,
      version: queued.version,
    });
    expect(summary).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/used its AI allowance for the month/) });
    expect(fake.requests).toEqual([]);
  });
});
