// The per-account sign-in limit holds under concurrency: each attempt takes its point atomically
// before the password is checked, so N parallel guesses get at most the limit's worth of checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { DomainError } from "../errors.js";
import { silentLogger } from "../logger.js";
import { createRateLimiter, type LimitOverrides } from "../ratelimit/limits.js";
import { createTestServices } from "../testing/services.js";
import { login } from "./service.js";

// The Redis every machine and CI run has; process.env is off limits outside config, so it is fixed.
const REDIS_URL = "redis://127.0.0.1:6379";
const GOOD_PASSWORD = "Correct-Horse-9-Battery";
const WRONG_PASSWORD = "Wrong-password-1";

async function redisReachable(): Promise<boolean> {
  const probe = createRateLimiter({ redisUrl: REDIS_URL, log: silentLogger });
  try {
    return await probe.ready();
  } finally {
    await probe.close();
  }
}
const redisUp = await redisReachable();
if (!redisUp) console.warn(`Skipping the Redis sign-in limit tests: ${REDIS_URL} is unreachable`);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

let counter = 0;
async function newUser(): Promise<string> {
  const email = `login-${++counter}@example.com`;
  const services = await createTestServices(database.db);
  try {
    await database.db.user.create({ data: { email, passwordHash: await services.passwords.hash(GOOD_PASSWORD) } });
  } finally {
    await services.close();
  }
  return email;
}

/** The outcome of one attempt: "ok", or the error's appCode. */
async function outcome(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return "ok";
  } catch (error) {
    if (error instanceof DomainError) return error.appCode;
    throw error;
  }
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe.each([
  { store: "memory", redisUrl: undefined },
  { store: "redis", redisUrl: REDIS_URL },
] as const)("sign-in limits on $store", ({ store, redisUrl }) => {
  const skip = store === "redis" && !redisUp;

  /** Real services whose password checks are counted. */
  async function servicesFor(limits?: LimitOverrides) {
    const services = await createTestServices(database.db, { ...(redisUrl ? { redisUrl } : {}), ...(limits ? { limits } : {}) });
    expect(await services.limits.ready()).toBe(true);
    const counted = { checks: 0 };
    const passwords = {
      ...services.passwords,
      verify: (password: string, hash: string | null) => {
        counted.checks++;
        return services.passwords.verify(password, hash);
      },
    };
    return { deps: { ...services, passwords }, counted, close: () => services.close() };
  }

  it.skipIf(skip)("10 parallel wrong passwords for one account: 5 are checked, 5 refused unchecked", async () => {
    const { deps, counted, close } = await servicesFor();
    try {
      const email = await newUser();
      // Each from its own address, so only the per-account limit (5) is in play.
      const attempts = Array.from({ length: 10 }, (_, i) =>
        outcome(login(database.db, deps, { email, password: WRONG_PASSWORD, ip: `198.51.100.${i + 1}`, userAgent: null })),
      );
      expect(tally(await Promise.all(attempts))).toEqual({ invalid_credentials: 5, rate_limited: 5 });
      expect(counted.checks).toBe(5);
      // Locked: even the right password is refused, without a check.
      expect(await outcome(login(database.db, deps, { email, password: GOOD_PASSWORD, ip: "198.51.100.99", userAgent: null }))).toBe(
        "rate_limited",
      );
      expect(counted.checks).toBe(5);
    } finally {
      await close();
    }
  });

  it.skipIf(skip)("10 parallel attempts from one address at many accounts check at most the per-address limit", async () => {
    const { deps, counted, close } = await servicesFor({ loginIp: { points: 4 } });
    try {
      const attempts = Array.from({ length: 10 }, (_, i) =>
        outcome(
          login(database.db, deps, {
            email: `stuffing-${counter}-${i}@example.com`,
            password: WRONG_PASSWORD,
            ip: "192.0.2.10",
            userAgent: null,
          }),
        ),
      );
      expect(tally(await Promise.all(attempts))).toEqual({ invalid_credentials: 4, rate_limited: 6 });
      expect(counted.checks).toBe(4);
    } finally {
      await close();
    }
  });

  it.skipIf(skip)("only failures count: successful sign-ins use up neither limit", async () => {
    const { deps, close } = await servicesFor({ loginIp: { points: 3 }, loginAccount: { points: 3 } });
    try {
      const email = await newUser();
      const ip = "192.0.2.20";
      for (let i = 0; i < 5; i++) {
        expect(await outcome(login(database.db, deps, { email, password: GOOD_PASSWORD, ip, userAgent: null }))).toBe("ok");
      }
      expect(await deps.limits.peek("loginIp", ip)).toEqual({ remaining: 3, retryAfterSeconds: null });
      expect(await deps.limits.peek("loginAccount", email)).toEqual({ remaining: 3, retryAfterSeconds: null });
      // Two failures, then a success: the account's count starts over, the address keeps its two.
      for (let i = 0; i < 2; i++) await outcome(login(database.db, deps, { email, password: WRONG_PASSWORD, ip, userAgent: null }));
      expect(await outcome(login(database.db, deps, { email, password: GOOD_PASSWORD, ip, userAgent: null }))).toBe("ok");
      expect(await deps.limits.peek("loginAccount", email)).toEqual({ remaining: 3, retryAfterSeconds: null });
      expect((await deps.limits.peek("loginIp", ip)).remaining).toBe(1);
    } finally {
      await close();
    }
  });

  it.skipIf(skip)("an attempt that got no verdict (the check failed) counts against neither limit", async () => {
    const { deps, close } = await servicesFor({ loginIp: { points: 3 }, loginAccount: { points: 3 } });
    try {
      const email = await newUser();
      const ip = "192.0.2.40";
      const broken = { ...deps, passwords: { ...deps.passwords, verify: () => Promise.reject(new Error("password worker crashed")) } };
      for (let i = 0; i < 5; i++) {
        await expect(login(database.db, broken, { email, password: GOOD_PASSWORD, ip, userAgent: null })).rejects.toThrow(/worker crashed/);
      }
      expect(await deps.limits.peek("loginAccount", email)).toEqual({ remaining: 3, retryAfterSeconds: null });
      expect(await deps.limits.peek("loginIp", ip)).toEqual({ remaining: 3, retryAfterSeconds: null });
      expect(await outcome(login(database.db, deps, { email, password: GOOD_PASSWORD, ip, userAgent: null }))).toBe("ok");
    } finally {
      await close();
    }
  });

  it.skipIf(skip)("attempts refused by a locked account do not count against the address", async () => {
    const { deps, counted, close } = await servicesFor({ loginIp: { points: 5 }, loginAccount: { points: 2 } });
    try {
      const email = await newUser();
      const ip = "192.0.2.30";
      for (let i = 0; i < 2; i++) await outcome(login(database.db, deps, { email, password: WRONG_PASSWORD, ip, userAgent: null }));
      for (let i = 0; i < 5; i++) {
        expect(await outcome(login(database.db, deps, { email, password: WRONG_PASSWORD, ip, userAgent: null }))).toBe("rate_limited");
      }
      expect(counted.checks).toBe(2);
      expect((await deps.limits.peek("loginIp", ip)).remaining).toBe(3);
    } finally {
      await close();
    }
  });
});
