// The documented ways to get the first superuser: env bootstrap at startup, and `pnpm admin:create`.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing.js";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "Bootstrap-Root-Passphrase-1";
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(url: string, path: string, body: unknown, token?: string) {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify({ json: body }) }),
  });
  return { status: response.status, body: (await response.json()) as { result?: { data: { json: Record<string, unknown> } } } };
}

async function loginAsAdmin(url: string, email: string): Promise<number> {
  const login = await call(url, "auth.login", { email, password: PASSWORD });
  const token = login.body.result?.data.json.accessToken as string;
  return (await call(url, "admin.users.list", undefined, token)).status;
}

describe("first superuser", () => {
  it("is created from BOOTSTRAP_ADMIN_EMAIL/PASSWORD at startup", async () => {
    server = await startTestServer({ BOOTSTRAP_ADMIN_EMAIL: "Root@Example.com", BOOTSTRAP_ADMIN_PASSWORD: PASSWORD });
    expect(await loginAsAdmin(server.url, "root@example.com")).toBe(200);
  });

  it("refuses a weak bootstrap password", async () => {
    await expect(startTestServer({ BOOTSTRAP_ADMIN_EMAIL: "root@example.com", BOOTSTRAP_ADMIN_PASSWORD: "admin" })).rejects.toThrow(
      /too weak/,
    );
  });

  it("is created by `pnpm admin:create <email>` with the password on stdin", async () => {
    server = await startTestServer();
    // eslint-disable-next-line no-restricted-properties -- the child needs PATH and the like.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: server.database.url, BCRYPT_COST: "4" };
    delete env.TEST_DATABASE_URL;
    const child = spawn(
      path.join(serverDir, "node_modules/.bin/tsx"),
      ["--conditions=@meetmind/source", "src/cli/create-admin.ts", "ops@example.com"],
      { cwd: serverDir, env },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(`${PASSWORD}\n`);
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(output).toContain("Created superuser ops@example.com");
    expect(code).toBe(0);
    expect(await loginAsAdmin(server.url, "ops@example.com")).toBe(200);
  });
});
