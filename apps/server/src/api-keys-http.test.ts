// Workspace API keys over real HTTP, as an admin script uses them: made through the API, then sent
// as `Authorization: Bearer mm_…` on single-query GETs (answered directly by trpc-http.ts, framed
// with a content-length) and on batches and mutations (tRPC's adapter, chunked).
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@meetmind/api";
import { startTestServer, type TestServer } from "./testing.js";

/** Low, so the limit is reached quickly; every other key in this file stays well under it. */
const KEY_CALLS_PER_MINUTE = 12;

let server: TestServer;
let session: string;
let workspaceId: string;
let otherWorkspaceId: string;
let meetingId: string;

const client = (token: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: () => ({ authorization: `Bearer ${token}` }) })],
  });

beforeAll(async () => {
  server = await startTestServer({ API_KEY_RATE_LIMIT_PER_MINUTE: String(KEY_CALLS_PER_MINUTE) });
  const signup = await createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson })],
  }).auth.signup.mutate({ email: `keys-${crypto.randomUUID()}@example.com`, password: "Correct-Horse-9-Battery" });
  session = signup.accessToken;
  const api = client(session);
  workspaceId = (await api.workspaces.create.mutate({ name: "Keys" })).id;
  otherWorkspaceId = (await api.workspaces.create.mutate({ name: "Elsewhere" })).id;
  meetingId = (await api.meetings.create.mutate({ workspaceId, title: "Quarterly review" })).id;
});
afterAll(async () => {
  await server?.close();
  // Refused keys and input are the client's problem: nothing was logged as a server error.
  expect(server?.logs.filter((line) => Number(line.level) >= 50) ?? []).toEqual([]);
});

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A hand-written request (no typed client), input in superjson's wire form. */
async function send(method: "GET" | "POST", path: string, token: string, input: unknown, query = ""): Promise<Answer> {
  const params = input === undefined ? query : `${query}input=${encodeURIComponent(JSON.stringify(input))}`;
  const url = method === "GET" ? `${server.url}/trpc/${path}?${params}` : `${server.url}/trpc/${path}`;
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(method === "POST" ? { body: JSON.stringify(input) } : {}),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
const errorOf = (answer: Answer) =>
  (
    answer.body as {
      error: { json: { data: { code: string; appCode: string; zodError: { fieldErrors: Record<string, unknown> } | null } } };
    }
  ).error.json.data;

const getMeeting = (token: string) => send("GET", "meetings.get", token, { json: { workspaceId, meetingId } });

async function createKey(scopes: ("read" | "write" | "ask")[], expiresAt?: Date) {
  return client(session).apiKeys.create.mutate({
    workspaceId,
    name: `Script ${scopes.join("+")}`,
    scopes,
    ...(expiresAt ? { expiresAt } : {}),
  });
}

describe("an admin script with a read key", () => {
  let key: Awaited<ReturnType<typeof createKey>>;
  beforeAll(async () => {
    key = await createKey(["read"]);
  });

  it("reads through the direct GET path and through the adapter", async () => {
    expect(key.token).toMatch(/^mm_/);
    const direct = await getMeeting(key.token);
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ result: { data: { json: { id: meetingId, title: "Quarterly review" } } } });
    // The direct path frames its answer with a length; the adapter's is chunked (trpc-http.test.ts).
    expect(direct.headers.get("content-length")).not.toBeNull();

    const batch = await send(
      "GET",
      "meetings.get,meetings.list",
      key.token,
      { 0: { json: { workspaceId, meetingId } }, 1: { json: { workspaceId } } },
      "batch=1&",
    );
    expect(batch.status).toBe(200);
    expect(batch.headers.get("transfer-encoding")).toBe("chunked");
    expect(batch.body).toMatchObject([
      { result: { data: { json: { id: meetingId } } } },
      { result: { data: { json: { items: [{ id: meetingId }] } } } },
    ]);

    // The typed client, as the README shows it.
    const script = client(key.token);
    expect((await script.meetings.list.query({ workspaceId })).items.map((m) => m.id)).toEqual([meetingId]);

    const [listed] = (await client(session).apiKeys.list.query({ workspaceId })).items;
    expect(listed).toMatchObject({ id: key.key.id, prefix: key.token.slice(0, 11), lastUsedAt: expect.any(Date) });
  });

  it("cannot write or leave its workspace (403), nor reach another (404); nothing is written", async () => {
    const before = await server.database.db.meeting.count();
    const create = await send("POST", "meetings.create", key.token, { json: { workspaceId, title: "Not allowed" } });
    expect(create.status).toBe(403);
    expect(errorOf(create)).toMatchObject({ code: "FORBIDDEN", appCode: "api_key_scope" });
    const elsewhere = await send("POST", "meetings.create", key.token, { json: { workspaceId: otherWorkspaceId, title: "Not there" } });
    expect(elsewhere.status).toBe(404);
    expect(await server.database.db.meeting.count()).toBe(before);

    const other = await send("GET", "meetings.list", key.token, { json: { workspaceId: otherWorkspaceId } });
    expect(other.status).toBe(404);
    expect(errorOf(other).code).toBe("NOT_FOUND");
    const me = await send("GET", "users.me", key.token, undefined);
    expect(me.status).toBe(403);
    expect(errorOf(me).appCode).toBe("api_key_scope");
  });
});

it("writes with a write key through the adapter, as the key's creator", async () => {
  const { token } = await createKey(["write"]);
  const created = await send("POST", "meetings.create", token, { json: { workspaceId, title: "From a script" } });
  expect(created.status).toBe(200);
  const id = (created.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const me = await client(session).users.me.query();
  expect(await server.database.db.meeting.findUnique({ where: { id }, select: { createdById: true } })).toEqual({ createdById: me.id });
  // write includes read, on the direct path too.
  expect((await send("GET", "meetings.get", token, { json: { workspaceId, meetingId: id } })).status).toBe(200);
});

it("answers 401 to revoked, expired and made-up keys", async () => {
  const revoked = await createKey(["read"]);
  expect((await getMeeting(revoked.token)).status).toBe(200);
  await client(session).apiKeys.revoke.mutate({ workspaceId, apiKeyId: revoked.key.id });

  const expiresAt = new Date(Date.now() + 2_000);
  const expiring = await createKey(["read"], expiresAt);
  expect((await getMeeting(expiring.token)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));

  for (const token of [revoked.token, expiring.token, "mm_nope", `mm_${"x".repeat(43)}`]) {
    for (const answer of [await getMeeting(token), await send("POST", "meetings.create", token, { json: { workspaceId, title: "x" } })]) {
      expect({ token, status: answer.status, appCode: errorOf(answer).appCode }).toEqual({
        token,
        status: 401,
        appCode: "invalid_api_key",
      });
    }
  }
});

it("limits each key's calls per minute (429 with Retry-After); other keys are unaffected", async () => {
  const { token } = await createKey(["read"]);
  for (let i = 0; i < KEY_CALLS_PER_MINUTE; i++) expect((await getMeeting(token)).status).toBe(200);
  for (const limited of [await getMeeting(token), await send("POST", "meetings.create", token, { json: { workspaceId, title: "x" } })]) {
    expect(limited.status).toBe(429);
    expect(errorOf(limited)).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "rate_limited" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  }
  const { token: another } = await createKey(["read"]);
  expect((await getMeeting(another)).status).toBe(200);
});

it("refuses bad input to apiKeys.create with 400 naming the field, writing nothing", async () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
    ["name", { name: "", scopes: ["read"] }],
    ["name", { name: "n".repeat(101), scopes: ["read"] }],
    ["scopes", { name: "Script", scopes: ["read", "superuser"] }],
    ["scopes", { name: "Script", scopes: [] }],
    [
      "expiresAt",
      { name: "Script", scopes: ["read"], expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { values: { expiresAt: ["Date"] } },
    ],
  ];
  const counts = async () => [await server.database.db.apiKey.count(), await server.database.db.auditEvent.count()];
  const before = await counts();
  for (const [field, input, meta] of cases) {
    const answer = await send("POST", "apiKeys.create", session, { json: { workspaceId, ...input }, ...(meta ? { meta } : {}) });
    expect({ input, status: answer.status }).toEqual({ input, status: 400 });
    expect(Object.keys(errorOf(answer).zodError?.fieldErrors ?? {})).toEqual([field]);
  }
  expect(await counts()).toEqual(before);
});
