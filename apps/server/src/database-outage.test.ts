// A database outage over real HTTP: the server reaches its database (the test server at
// TEST_DATABASE_URL, or the embedded one) through a TCP relay the test can cut and restore, as a
// crashed, restarting or unreachable database server would be.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { startTestServer, type TestServer } from "./testing.js";

/**
 * Forwards loopback connections to the database. down() refuses new connections and drops the open
 * ones; stall() stops forwarding queries, so a request can be caught in flight when it goes down.
 */
async function startRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let stalled: (() => void) | undefined;
  async function up() {
    if (server?.listening) return;
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => {
          sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on("data", (chunk: Buffer) => (stalled ? stalled() : upstream.write(chunk)));
      upstream.pipe(client);
    });
    const listening = server;
    await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
    port = (listening.address() as net.AddressInfo).port;
  }
  await up();
  return {
    url(databaseUrl: string) {
      const url = new URL(databaseUrl);
      url.host = `127.0.0.1:${port}`;
      return url.toString();
    },
    up,
    /** Resolves once a query arrives while stalled: it is then in flight, and never answered. */
    stall() {
      return new Promise<void>((resolve) => (stalled = resolve));
    },
    async down() {
      stalled = undefined;
      const closed = new Promise((resolve) => server?.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

type Relay = Awaited<ReturnType<typeof startRelay>>;

let database: TestDatabase;
let relay: Relay;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  relay = await startRelay(new URL(database.url));
  server = await startTestServer({ DATABASE_URL: relay.url(database.url), PASSWORD_WORKERS: "1" }, { database });
});
afterAll(async () => {
  await relay?.up();
  await server?.close();
  await database?.close();
});

async function call(type: "query" | "mutation", path: string, input: unknown, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const body = JSON.stringify({ json: input });
  const response =
    type === "query"
      ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(`${server.url}/trpc/${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
  const json = (await response.json()) as {
    result?: { data: { json: Record<string, unknown> } };
    error?: { json: { message: string; data: Record<string, unknown> } };
  };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), json };
}

function pick(answer: Awaited<ReturnType<typeof call>>) {
  return { status: answer.status, retryAfter: answer.retryAfter, appCode: answer.json.error?.json.data.appCode };
}

describe("database outage", () => {
  it("answers 503 with Retry-After while the database is down, and recovers when it returns", async () => {
    const signup = await call("mutation", "auth.signup", {
      email: `outage-${crypto.randomUUID()}@example.com`,
      password: "Correct-Horse-9-Battery",
    });
    expect(signup.status).toBe(200);
    const token = signup.json.result?.data.json.accessToken as string;
    const workspace = await call("mutation", "workspaces.create", { name: "Outage club" }, token);
    const workspaceId = workspace.json.result?.data.json.id as string;

    // Requests whose query is under way when the connection drops.
    for (const [type, path, input] of [
      ["query", "meetings.list", { workspaceId }],
      ["mutation", "meetings.create", { workspaceId, title: "Cut off" }],
    ] as const) {
      const inFlight = relay.stall();
      const answer = call(type, path, input, token);
      await inFlight;
      await relay.down();
      expect({ path, ...pick(await answer) }).toEqual({ path, status: 503, retryAfter: "5", appCode: "database_unavailable" });
      await relay.up();
    }

    await relay.down();
    // Refused connections: a query failing in the auth middleware, a mutation, and a public
    // mutation failing in its handler; twice, as every request answers alike while it lasts.
    for (let round = 0; round < 2; round++) {
      for (const [type, path, input, auth] of [
        ["query", "meetings.list", { workspaceId }, token],
        ["mutation", "meetings.create", { workspaceId, title: "Lost in the outage" }, token],
        ["mutation", "auth.login", { email: "nobody@example.com", password: "Wrong-Horse-1-Battery" }, undefined],
      ] as const) {
        const answer = await call(type, path, input, auth);
        expect({ path, ...pick(answer) }).toEqual({ path, status: 503, retryAfter: "5", appCode: "database_unavailable" });
        expect(answer.json.error?.json).toMatchObject({
          message: "The database is unavailable, try again shortly",
          data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, appCode: "database_unavailable", retryAfterSeconds: 5 },
        });
      }
    }
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("5");

    await relay.up();
    const created = await call("mutation", "meetings.create", { workspaceId, title: "After the outage" }, token);
    expect(created.status).toBe(200);
    const listed = await call("query", "meetings.list", { workspaceId }, token);
    expect(listed.status).toBe(200);
    expect((listed.json.result?.data.json.items as { title: string }[]).map((meeting) => meeting.title)).toEqual(["After the outage"]);
    expect(await database.db.meeting.count()).toBe(1);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);

    // An outage is logged as a warning, not as an unexpected error.
    expect(server.logs.filter((line) => line.msg === "unexpected error")).toEqual([]);
    expect(server.logs.filter((line) => line.msg === "request failed: service unavailable").length).toBeGreaterThanOrEqual(8);
  });
});
