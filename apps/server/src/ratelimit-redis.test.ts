// With REDIS_URL, rate limits hold across server instances: failures on one count on the other.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing.js";

let first: TestServer;
let second: TestServer;
beforeAll(async () => {
  [first, second] = await Promise.all([
    startTestServer({ REDIS_URL: "redis://127.0.0.1:6379" }),
    startTestServer({ REDIS_URL: "redis://127.0.0.1:6379" }),
  ]);
});
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

async function login(server: TestServer, email: string, ip: string) {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ json: { email, password: "Wrong-password-1" } }),
  });
  return response.status;
}

it("counts failed logins for one account across two instances sharing Redis", async () => {
  const email = `shared-${randomUUID()}@example.com`;
  // Five failures split over both instances lock the account on both (limit: 5 per 15 minutes).
  const statuses = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    statuses.push(await login(attempt % 2 ? first : second, email, `10.77.0.${attempt + 1}`));
  }
  expect(statuses).toEqual([401, 401, 401, 401, 401]);
  expect(await login(first, email, "10.77.1.1")).toBe(429);
  expect(await login(second, email, "10.77.1.2")).toBe(429);
});
