import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@meetmind/config";
import { createTestServices } from "@meetmind/api/testing";
import { createPrismaClient } from "@meetmind/db";
import { createApp } from "./app.js";
import { createLogger } from "./logger.js";
import { startTestServer, type TestServer } from "./testing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: "https://app.example.com", BODY_LIMIT: "64kb" });
});
afterAll(() => server?.close());

describe("HTTP surface", () => {
  it("GET /health answers without the database, with security headers and a request id", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("keeps a sane incoming request id and replaces a malformed one", async () => {
    const kept = await fetch(`${server.url}/health`, { headers: { "x-request-id": "trace-123.abc" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-123.abc");
    const replaced = await fetch(`${server.url}/health`, { headers: { "x-request-id": "bad id\twith spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /health/ready makes a database round trip", async () => {
    const response = await fetch(`${server.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { ok: true } });
  });

  it("allows CORS only for configured origins", async () => {
    const allowed = await fetch(`${server.url}/health`, { headers: { origin: "https://app.example.com" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const denied = await fetch(`${server.url}/health`, { headers: { origin: "https://evil.example.net" } });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("rejects bodies over the limit with 413", async () => {
    const response = await fetch(`${server.url}/trpc/health.live`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: "x".repeat(100 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { message: "Request body is larger than 64kb", appCode: "payload_too_large" },
    });
  });

  it("varies on Origin also when a request has none, so a shared cache never mixes the two", async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: "Not found", appCode: "not_found" } });
  });

  it("logs a fast successful read at debug only, and a refused one at info (issue 14: read logs cost ~12 % of CPU)", async () => {
    await fetch(`${server.url}/trpc/health.live`, { headers: { "x-request-id": "quiet-read-1" } });
    await fetch(`${server.url}/trpc/no.such`, { headers: { "x-request-id": "refused-read-1" } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.logs.find((entry) => entry.requestId === "quiet-read-1")).toBeUndefined();
    expect(server.logs.find((entry) => entry.requestId === "refused-read-1")).toMatchObject({ level: 30, res: { statusCode: 404 } });
  });

  it("logs requests with their request id and never logs credentials", async () => {
    // A refused read: logged at info (a fast successful one would be at debug).
    await fetch(`${server.url}/trpc/no.such`, {
      headers: {
        authorization: "Bearer super-secret-token",
        cookie: "access_token=cookie-secret",
        "x-request-id": "log-check-1",
      },
    });
    const line = server.logs.find((entry) => entry.requestId === "log-check-1");
    expect(line).toBeDefined();
    const all = JSON.stringify(server.logs);
    expect(all).not.toContain("super-secret-token");
    expect(all).not.toContain("cookie-secret");
    expect(JSON.stringify(line)).toContain("[redacted]");
  });
});

describe("logger", () => {
  it("redacts secrets wherever they sit in a logged object", () => {
    const lines: string[] = [];
    const log = createLogger("info", new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    log.info({ input: { email: "a@b.c", password: "Hunter2!" }, refreshToken: "rt", user: { auth: { tokenHash: "th" } } }, "x");
    const text = lines.join("");
    expect(text).toContain("a@b.c");
    for (const secret of ["Hunter2!", '"rt"', '"th"']) expect(text).not.toContain(secret);
  });
});

describe("readiness when the database is down", () => {
  it("answers 503 from /health/ready and health.ready", async () => {
    const env = parseEnv({ NODE_ENV: "test" });
    // Nothing listens on port 9 (discard) here: every connection attempt is refused.
    const db = createPrismaClient("postgresql://postgres@127.0.0.1:9/none", { poolSize: 1 });
    const services = await createTestServices(db);
    const app = createApp({ env, db, log: createLogger("silent"), services });
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    try {
      const response = await fetch(`${url}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "unavailable", database: { ok: false } });
      const live = await fetch(`${url}/health`);
      expect(live.status).toBe(200);
      const viaTrpc = await fetch(`${url}/trpc/health.ready`);
      const body = (await viaTrpc.json()) as { result: { data: { json: { status: string } } } };
      expect(body.result.data.json.status).toBe("unavailable");
    } finally {
      listening.close();
      await services.close();
      await db.$disconnect();
    }
  });
});
