// What a hostile client sends over HTTP, hand-written rather than through the typed client: each
// answers 400 with the field named, and the workspace stays readable afterwards.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing.js";

let server: TestServer;
let token: string;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer();
  const signup = await post("auth.signup", {
    json: { email: `bad-${crypto.randomUUID()}@example.com`, password: "Correct-Horse-9-Battery" },
  });
  token = (signup.body as { result: { data: { json: { accessToken: string } } } }).result.data.json.accessToken;
  const workspace = await post("workspaces.create", { json: { name: "Hostile" } });
  workspaceId = (workspace.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
});
afterAll(async () => {
  await server?.close();
  // Refused input is the client's problem: nothing was logged as a server error.
  expect(server?.logs.filter((line) => Number(line.level) >= 50) ?? []).toEqual([]);
});

async function send(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const url =
    method === "GET" ? `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(body))}` : `${server.url}/trpc/${path}`;
  const response = await fetch(url, { method, headers, ...(method === "POST" ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: await response.json() };
}
const post = (path: string, body: unknown) => send("POST", path, body);
const get = (path: string, body: unknown) => send("GET", path, body);

interface ErrorBody {
  error: { json: { message: string; data: { code: string; zodError: { fieldErrors: Record<string, string[]> } | null } } };
}
const fieldsOf = (body: unknown) => Object.keys((body as ErrorBody).error.json.data.zodError?.fieldErrors ?? {});

it("refuses a meeting dated in year 10000 (400, field named), and the list still answers", async () => {
  const created = await post("meetings.create", {
    json: { workspaceId, title: "Far future", scheduledStart: "+010000-01-01T00:00:00.000Z" },
    meta: { values: { scheduledStart: ["Date"] } },
  });
  expect(created.status).toBe(400);
  expect(fieldsOf(created.body)).toEqual(["scheduledStart"]);
  const list = await get("meetings.list", { json: { workspaceId } });
  expect(list.status).toBe(200);
});

it("refuses a NUL character in a title (400, field named)", async () => {
  const created = await post("meetings.create", { json: { workspaceId, title: "Bad\u0000title" } });
  expect(created.status).toBe(400);
  expect(fieldsOf(created.body)).toEqual(["title"]);
  expect((await get("meetings.list", { json: { workspaceId } })).body).toMatchObject({ result: { data: { json: { items: [] } } } });
});

it("refuses a version past int4 and an out-of-range date filter (400)", async () => {
  const meeting = await post("meetings.create", { json: { workspaceId, title: "Versions" } });
  const meetingId = (meeting.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const transcript = await get("transcripts.get", { json: { workspaceId, meetingId, version: 2 ** 31 } });
  expect(transcript.status).toBe(400);
  expect(fieldsOf(transcript.body)).toEqual(["version"]);
  const filtered = await get("meetings.list", {
    json: { workspaceId, from: "-271821-04-20T00:00:00.000Z" },
    meta: { values: { from: ["Date"] } },
  });
  expect(filtered.status).toBe(400);
  expect(fieldsOf(filtered.body)).toEqual(["from"]);
});
