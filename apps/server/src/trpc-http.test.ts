// The direct path for single-query GETs (trpc-http.ts) against tRPC's own Express adapter: the same
// requests, on the same services and database, must get the same status, body and headers.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { createTestServices } from "@meetmind/api/testing";
import { createPrismaClient, type Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { trpcOptions } from "./app.js";
import { createLogger } from "./logger.js";
import { requestLog } from "./request-log.js";
import { createTrpcHandler } from "./trpc-http.js";

interface Pair {
  direct: string;
  adapter: string;
  close(): Promise<void>;
}

/** Two servers over one database and one set of services: one with the direct path, one without. */
async function startPair(db: Db): Promise<Pair> {
  const services = await createTestServices(db);
  const options = trpcOptions({ db, log: createLogger("silent"), services });
  const servers = [createTrpcHandler(options), createExpressMiddleware(options)].map((handler) => {
    const app = express();
    app.use(requestLog(createLogger("silent")));
    app.use((_req, res, next) => (res.vary("Origin"), next()));
    app.use(express.json());
    app.use("/trpc", handler);
    return app.listen(0, "127.0.0.1");
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.once("listening", resolve))));
  const [direct, adapter] = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`);
  return {
    direct: direct ?? "",
    adapter: adapter ?? "",
    async close() {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await services.close();
    },
  };
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

async function get(base: string, path: string, query: string, token?: string): Promise<Answer> {
  const response = await fetch(`${base}/${path}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, body, headers: Object.fromEntries(response.headers) };
}

const input = (value: unknown) => `?input=${encodeURIComponent(JSON.stringify({ json: value }))}`;

/** Both answers, checked equal but for how the body was framed and the Vary the direct path keeps. */
async function same(pair: Pair, path: string, query: string, token?: string) {
  const [direct, adapter] = await Promise.all([get(pair.direct, path, query, token), get(pair.adapter, path, query, token)]);
  expect(direct.status).toBe(adapter.status);
  expect(direct.body).toEqual(adapter.body);
  const comparable = ({ headers }: Answer) => {
    const { date: _date, "x-request-id": _id, "content-length": _length, "transfer-encoding": _encoding, vary: _vary, ...rest } = headers;
    return rest;
  };
  expect(comparable(direct)).toEqual(comparable(adapter));
  return { direct, adapter };
}

let database: TestDatabase;
let pair: Pair;
let token: string;
let workspaceId: string;
let meetingId: string;

async function mutate(path: string, value: unknown, bearer?: string) {
  const response = await fetch(`${pair.adapter}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ json: value }),
  });
  const body = (await response.json()) as { result: { data: { json: Record<string, unknown> } } };
  return body.result.data.json;
}

beforeAll(async () => {
  database = await createTestDatabase();
  pair = await startPair(database.db);
  const signup = await mutate("auth.signup", { email: `direct-${crypto.randomUUID()}@example.com`, password: "Correct-Horse-9-Battery" });
  token = String(signup.accessToken);
  workspaceId = String((await mutate("workspaces.create", { name: "Direct" }, token)).id);
  meetingId = String((await mutate("meetings.create", { workspaceId, title: "Same answer" }, token)).id);
});
afterAll(async () => {
  await pair?.close();
  await database?.close();
});

describe("single-query GETs answered directly", () => {
  it("answer a read as the adapter does, in one framed body, keeping Vary: Origin", async () => {
    const { direct, adapter } = await same(pair, "meetings.get", input({ workspaceId, meetingId }), token);
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ result: { data: { json: { id: meetingId, title: "Same answer" } } } });
    // The two paths really differ in how they frame the body: this test compares two things.
    expect(direct.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify(direct.body))));
    expect(adapter.headers["transfer-encoding"]).toBe("chunked");
    expect(direct.headers.vary?.split(/,\s*/)).toEqual(["Origin", "trpc-accept", "accept"]);
  });

  it("refuse as the adapter does: no token, a bad token, bad input, unparsable input, none at all", async () => {
    const cases: [string, string | undefined, number][] = [
      [input({ workspaceId, meetingId }), undefined, 401],
      [input({ workspaceId, meetingId }), "not-a-token", 401],
      [input({ workspaceId, meetingId: "nope" }), token, 400],
      ["?input=%7Bnot-json", token, 400],
      ["", token, 400],
    ];
    for (const [query, bearer, status] of cases) {
      const { direct } = await same(pair, "meetings.get", query, bearer);
      expect(direct.status, query).toBe(status);
    }
  });

  it("read the input as tRPC does, however many other parameters come first, and the first of repeated ones", async () => {
    const padding = Array.from({ length: 1_100 }, (_, i) => `p${i}=1`).join("&");
    const after = await same(pair, "meetings.get", `?${padding}&${input({ workspaceId, meetingId }).slice(1)}`, token);
    expect(after.direct.status).toBe(200);
    const repeated = await same(
      pair,
      "meetings.get",
      `${input({ workspaceId, meetingId })}&${input({ workspaceId, meetingId: "x" }).slice(1)}`,
      token,
    );
    expect(repeated.direct.status).toBe(200);
  });

  it("hide another workspace's meeting as the adapter does (NOT_FOUND)", async () => {
    const other = await mutate("auth.signup", { email: `other-${crypto.randomUUID()}@example.com`, password: "Correct-Horse-9-Battery" });
    const { direct } = await same(pair, "meetings.get", input({ workspaceId, meetingId }), String(other.accessToken));
    expect(direct.status).toBe(404);
    expect(direct.body).toMatchObject({ error: { json: { data: { appCode: "not_found" } } } });
  });

  it("leave unknown procedures, mutations, batches and streams to the adapter", async () => {
    expect((await same(pair, "no.such", input({}), token)).direct.status).toBe(404);
    expect((await same(pair, "meetings.create", input({ workspaceId, title: "x" }), token)).direct.status).toBe(405);
    const batch = await same(pair, "meetings.get,meetings.get", `?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`, token);
    expect(batch.direct.headers["transfer-encoding"]).toBe("chunked");
  });
});

describe("during a database outage", () => {
  it("answers 503 with Retry-After from responseMeta, as the adapter does", async () => {
    // Nothing listens on port 9 (discard): every connection attempt is refused.
    const db = createPrismaClient("postgresql://postgres@127.0.0.1:9/none", { poolSize: 1 });
    const down = await startPair(db);
    try {
      const { direct } = await same(down, "meetings.get", input({ workspaceId, meetingId }), token);
      expect(direct.status).toBe(503);
      expect(Number(direct.headers["retry-after"])).toBeGreaterThan(0);
    } finally {
      await down.close();
      await db.$disconnect();
    }
  });
});
