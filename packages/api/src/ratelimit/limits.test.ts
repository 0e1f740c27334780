import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { createRateLimiter, type LimitOverrides, type RateLimiter, type RateLimiterOptions } from "./limits.js";

// The Redis every machine and CI run has; process.env is off limits outside config, so it is fixed.
const REDIS_URL = "redis://127.0.0.1:6379";
// Nothing listens on port 1: stands in for a Redis outage.
const DEAD_REDIS_URL = "redis://127.0.0.1:1";
// Parallel test runs (and other packages) share the one Redis: each run gets its own namespace.
const RUN_PREFIX = `mmtest-${randomUUID()}`;

// Tiny limits so tests exhaust them in a few calls; windows long enough not to expire mid-test.
const LIMITS: LimitOverrides = {
  loginAccount: { points: 3, durationSeconds: 60, blockSeconds: 0 },
  loginIp: { points: 3, durationSeconds: 60 },
  askMind: { points: 2, durationSeconds: 60 },
};

async function probeRedis(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket error (e.g. ECONNREFUSED) says more than the "Connection is closed" connect() rejects with.
  let socketError: string | undefined;
  client.on("error", (error: Error) => {
    socketError ??= error.message;
  });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return socketError ?? (error instanceof Error ? error.message : String(error));
  } finally {
    client.disconnect();
  }
}

const redisProblem = await probeRedis();
if (redisProblem !== null) {
  console.warn(`Skipping the Redis rate-limit tests: ${REDIS_URL} is unreachable (${redisProblem})`);
}

const open: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((limiter) => limiter.close()));
});

function make(options: Partial<RateLimiterOptions> = {}): RateLimiter {
  const limiter = createRateLimiter({ log: silentLogger, limits: LIMITS, keyPrefix: RUN_PREFIX, ...options });
  open.push(limiter);
  return limiter;
}

function recordingLogger(): { log: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const record = (level: string) => (obj: object | string, msg?: string) => {
    lines.push({ level, msg: typeof obj === "string" ? obj : (msg ?? "") });
  };
  const log: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    child: () => log,
  };
  return { log, lines };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

const key = () => randomUUID();

describe.each([
  { store: "memory", redisUrl: undefined },
  { store: "redis", redisUrl: REDIS_URL },
] as const)("rate limiter on $store", ({ store, redisUrl }) => {
  const skip = store === "redis" && redisProblem !== null;

  async function limiter(options: Partial<RateLimiterOptions> = {}): Promise<RateLimiter> {
    const created = make({ redisUrl, ...options });
    expect(created.store).toBe(store);
    // Until connected, Redis limiters count in memory: wait so the test exercises Redis itself.
    expect(await created.ready()).toBe(true);
    return created;
  }

  it.skipIf(skip)("allows the limit, then throws RateLimitedError with a retry delay", async () => {
    const rl = await limiter();
    const ip = key();
    for (let i = 0; i < 3; i++) await rl.consume("loginIp", ip);

    const error = await rejection(rl.consume("loginIp", ip));
    expect(error).toBeInstanceOf(RateLimitedError);
    const limited = error as RateLimitedError;
    expect(limited.appCode).toBe("rate_limited");
    expect(limited.kind).toBe("rate_limited");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it.skipIf(skip)("counts several points at once", async () => {
    const rl = await limiter();
    const ip = key();
    await rl.consume("loginIp", ip, 2);
    await expect(rl.consume("loginIp", ip, 2)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it.skipIf(skip)("keeps keys and limits independent", async () => {
    const rl = await limiter();
    const [a, b] = [key(), key()];
    for (let i = 0; i < 2; i++) await rl.consume("askMind", a);
    await expect(rl.consume("askMind", a)).rejects.toBeInstanceOf(RateLimitedError);

    await rl.consume("askMind", b);
    // Same key, another limit: its own count.
    await rl.consume("loginIp", a);
    expect(await rl.peek("loginIp", a)).toEqual({ remaining: 2, retryAfterSeconds: null });
  });

  it.skipIf(skip)("reset clears the count", async () => {
    const rl = await limiter();
    const account = key();
    for (let i = 0; i < 3; i++) await rl.consume("loginAccount", account);
    await expect(rl.consume("loginAccount", account)).rejects.toBeInstanceOf(RateLimitedError);

    await rl.reset("loginAccount", account);
    expect(await rl.peek("loginAccount", account)).toEqual({ remaining: 3, retryAfterSeconds: null });
    await rl.consume("loginAccount", account);
  });

  it.skipIf(skip)("refund gives consumed points back", async () => {
    const rl = await limiter();
    const ip = key();
    for (let i = 0; i < 3; i++) await rl.consume("loginIp", ip);
    await rl.refund("loginIp", ip);
    expect(await rl.peek("loginIp", ip)).toEqual({ remaining: 1, retryAfterSeconds: null });
    await rl.consume("loginIp", ip);
    await expect(rl.consume("loginIp", ip)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(rl.refund("loginIp", ip, 0)).rejects.toThrow(/points/);
  });

  it.skipIf(skip)("counts concurrent consumes atomically: exactly the limit succeed", async () => {
    const rl = await limiter({ limits: { loginIp: { points: 5, durationSeconds: 60 } } });
    const ip = key();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => rl.consume("loginIp", ip)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(RateLimitedError);
  });

  it.skipIf(skip)("peek reports without consuming", async () => {
    const rl = await limiter();
    const account = key();
    expect(await rl.peek("loginAccount", account)).toEqual({ remaining: 3, retryAfterSeconds: null });
    expect(await rl.peek("loginAccount", account)).toEqual({ remaining: 3, retryAfterSeconds: null });

    await rl.consume("loginAccount", account);
    expect(await rl.peek("loginAccount", account)).toEqual({ remaining: 2, retryAfterSeconds: null });
    expect(await rl.peek("loginAccount", account)).toEqual({ remaining: 2, retryAfterSeconds: null });

    await rl.consume("loginAccount", account, 2);
    const locked = await rl.peek("loginAccount", account);
    expect(locked.remaining).toBe(0);
    expect(locked.retryAfterSeconds).toBeGreaterThan(0);
    await expect(rl.consume("loginAccount", account)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it.skipIf(skip)("locks for blockSeconds once the last point is used", async () => {
    const rl = await limiter({ limits: { loginAccount: { points: 2, durationSeconds: 5, blockSeconds: 120 } } });
    const account = key();
    await rl.consume("loginAccount", account);
    expect((await rl.peek("loginAccount", account)).retryAfterSeconds).toBeNull();
    await rl.consume("loginAccount", account);

    // Longer than the 5 s window: the lock, not the window, decides.
    const { retryAfterSeconds } = await rl.peek("loginAccount", account);
    expect(retryAfterSeconds).toBeGreaterThan(100);
    const error = await rejection(rl.consume("loginAccount", account));
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(100);
  });

  it.skipIf(skip)("allows again once the window has passed", async () => {
    const rl = await limiter({ limits: { askMind: { points: 1, durationSeconds: 1 } } });
    const user = key();
    await rl.consume("askMind", user);
    await expect(rl.consume("askMind", user)).rejects.toBeInstanceOf(RateLimitedError);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await rl.consume("askMind", user);
  });

  it.skipIf(skip)("refuses empty keys and odd point counts", async () => {
    const rl = await limiter();
    await expect(rl.consume("loginIp", "")).rejects.toThrow(/key/);
    await expect(rl.peek("loginIp", "")).rejects.toThrow(/key/);
    await expect(rl.consume("loginIp", key(), 0)).rejects.toThrow(/points/);
    await expect(rl.consume("loginIp", key(), 1.5)).rejects.toThrow(/points/);
  });
});

describe("rate limit configuration", () => {
  it("has every named limit with sane defaults", async () => {
    const rl = createRateLimiter({ log: silentLogger });
    expect(rl.store).toBe("memory");
    expect(await rl.peek("loginAccount", "a@example.com")).toEqual({ remaining: 5, retryAfterSeconds: null });
    expect(await rl.peek("loginIp", "203.0.113.1")).toEqual({ remaining: 30, retryAfterSeconds: null });
    expect(await rl.peek("signupIp", "203.0.113.1")).toEqual({ remaining: 10, retryAfterSeconds: null });
    expect(await rl.peek("emailAction", "a@example.com")).toEqual({ remaining: 3, retryAfterSeconds: null });
    expect(await rl.peek("emailActionIp", "203.0.113.1")).toEqual({ remaining: 20, retryAfterSeconds: null });
    expect(await rl.peek("invite", "workspace-1")).toEqual({ remaining: 50, retryAfterSeconds: null });
    expect(await rl.peek("askMind", "user-1")).toEqual({ remaining: 30, retryAfterSeconds: null });
    await rl.close();
  });

  it("rejects invalid overrides", () => {
    expect(() => createRateLimiter({ log: silentLogger, limits: { askMind: { points: 0 } } })).toThrow(/askMind/);
    expect(() => createRateLimiter({ log: silentLogger, limits: { askMind: { durationSeconds: 0.5 } } })).toThrow(/askMind/);
    const typo = { askMnd: { points: 1 } } as LimitOverrides;
    expect(() => createRateLimiter({ log: silentLogger, limits: typo })).toThrow(/askMnd/);
    expect(() => createRateLimiter({ log: silentLogger, keyPrefix: "" })).toThrow(/keyPrefix/);
  });

  it("memory limiters in two instances count separately", async () => {
    const [a, b] = [make(), make()];
    const ip = key();
    for (let i = 0; i < 3; i++) await a.consume("loginIp", ip);
    await expect(a.consume("loginIp", ip)).rejects.toBeInstanceOf(RateLimitedError);
    // Each server instance would allow its own 3: why production needs REDIS_URL.
    for (let i = 0; i < 3; i++) await b.consume("loginIp", ip);
  });
});

describe.skipIf(redisProblem !== null)("rate limits across server instances (Redis)", () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    // Keys would expire on their own; delete them so a run leaves Redis as it found it.
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${RUN_PREFIX}*`, count: 500 })) {
      keys.push(...(batch as string[]));
    }
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function instance(keyPrefix = RUN_PREFIX, log: Logger = silentLogger): Promise<RateLimiter> {
    const limiter = make({ redisUrl: REDIS_URL, keyPrefix, log });
    expect(await limiter.ready()).toBe(true);
    return limiter;
  }

  it("two instances on one Redis share the count", async () => {
    const { log, lines } = recordingLogger();
    const [a, b] = [await instance(RUN_PREFIX, log), await instance(RUN_PREFIX, log)];
    const ip = key();
    await a.consume("loginIp", ip);
    await b.consume("loginIp", ip);
    await a.consume("loginIp", ip);

    await expect(b.consume("loginIp", ip)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(a.consume("loginIp", ip)).rejects.toBeInstanceOf(RateLimitedError);
    expect((await a.peek("loginIp", ip)).remaining).toBe(0);

    // A successful login on one instance clears the count for all.
    await b.reset("loginIp", ip);
    expect(await a.peek("loginIp", ip)).toEqual({ remaining: 3, retryAfterSeconds: null });
    // Nothing was served by the in-memory insurance limiters.
    expect(lines.filter((line) => line.level === "warn")).toEqual([]);
  });

  it("keyPrefix isolates deployments sharing a Redis", async () => {
    const [x, y] = [await instance(`${RUN_PREFIX}-x`), await instance(`${RUN_PREFIX}-y`)];
    const ip = key();
    for (let i = 0; i < 3; i++) await x.consume("loginIp", ip);
    await expect(x.consume("loginIp", ip)).rejects.toBeInstanceOf(RateLimitedError);
    expect(await y.peek("loginIp", ip)).toEqual({ remaining: 3, retryAfterSeconds: null });
    await y.consume("loginIp", ip);

    // Keys are <prefix>:ratelimit:<limit>:<key>, so a deployment's keys can be found and cleared.
    expect(await redis.keys(`${RUN_PREFIX}-x:*`)).toEqual([`${RUN_PREFIX}-x:ratelimit:loginIp:${ip}`]);
    expect(await redis.get(`${RUN_PREFIX}-x:ratelimit:loginIp:${ip}`)).toBe("4");
  });
});

describe("Redis outage", () => {
  it("falls back to per-instance limits in memory without surfacing connection errors", async () => {
    const { log, lines } = recordingLogger();
    const rl = make({ redisUrl: DEAD_REDIS_URL, log });
    expect(rl.store).toBe("redis");
    expect(await rl.ready()).toBe(false);

    const ip = key();
    expect(await rl.peek("loginIp", ip)).toEqual({ remaining: 3, retryAfterSeconds: null });
    for (let i = 0; i < 3; i++) await rl.consume("loginIp", ip);
    const error = await rejection(rl.consume("loginIp", ip));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((await rl.peek("loginIp", ip)).remaining).toBe(0);

    await rl.reset("loginIp", ip);
    await rl.consume("loginIp", ip);

    const warnings = lines.filter((line) => line.level === "warn").map((line) => line.msg);
    expect(warnings).toContain("Redis unreachable: rate limits are per instance until it returns");
    expect(warnings).toContain("Rate limit store unavailable: counting in this instance's memory");
    // Once per outage and per limit, not once per request or reconnect attempt.
    expect(warnings).toHaveLength(2);

    await rl.close();
  });
});
