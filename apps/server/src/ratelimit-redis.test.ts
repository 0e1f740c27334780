// With REDIS_URL, rate limits hold across server instances: failures on one count on the other.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing.js";

let first: TestServer;
let second: TestServer;
// A bcrypt cost at which a password check takes a few hundred milliseconds: long enough to tell an
// attempt refused before its check from one answered after it, even on a busy machine (at cost 10,
// a refusal delayed by connection setup or another test file once arrived after the first check).
const settings = { REDIS_URL: "redis://127.0.0.1:6379", BCRYPT_COST: "12" };
beforeAll(async () => {
  [first, second] = await Promise.all([startTestServer(settings), startTestServer(settings)]);
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

it("checks at most 5 of 10 parallel wrong passwords for one account spread over both instances", async () => {
  const email = `parallel-${randomUUID()}@example.com`;
  // Open the connections first, so that no attempt's answer waits on its connection's setup.
  await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${(i % 2 ? first : second).url}/health`).then((r) => r.arrayBuffer())));
  // In the order the answers arrive.
  const answered: number[] = [];
  await Promise.all(
    Array.from({ length: 10 }, async (_, attempt) => {
      answered.push(await login(attempt % 2 ? first : second, email, `10.78.0.${attempt + 1}`));
    }),
  );
  expect([...answered].sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  // Five attempts took the five points before their check; the others were refused without one, so
  // they answered before any check finished. Counted after the check, all ten were checked and
  // every refusal came after a check (the first answer was a 401).
  expect(answered.slice(0, 5)).toEqual([429, 429, 429, 429, 429]);
  expect(await login(first, email, "10.78.1.1")).toBe(429);
});
