// Counts the named rate limits of policies.ts in Redis when REDIS_URL is set, so that every server
// instance sees the same counts, and in process memory otherwise.
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors.js";
import type { Logger } from "../logger.js";
import { resolveLimits, type LimitName, type LimitOverrides, type LimitSpec } from "./policies.js";

// Importers configure the limiter with overrides of the table: offer the type beside the options.
export type { LimitOverrides };

export interface RateLimitStatus {
  /** Points that can still be consumed in the current window. */
  remaining: number;
  /** Set when `consume(limit, key)` would be refused now: seconds until it would be allowed. */
  retryAfterSeconds: number | null;
}

export interface RateLimiter {
  /** Where counts live. "redis" still falls back to memory while Redis is unreachable. */
  readonly store: "memory" | "redis";
  /**
   * Counts `points` against `key`; throws RateLimitedError when that goes over the limit. Atomic in
   * either store: of N concurrent calls, only as many as there are points left succeed.
   */
  consume(limit: LimitName, key: string, points?: number): Promise<void>;
  /** Gives back points consumed earlier, e.g. an attempt reserved up front that turned out not to count. */
  refund(limit: LimitName, key: string, points?: number): Promise<void>;
  /** The key's state without consuming anything. */
  peek(limit: LimitName, key: string): Promise<RateLimitStatus>;
  /** Forgets the key's count, e.g. failed logins after a successful one. */
  reset(limit: LimitName, key: string): Promise<void>;
  /**
   * Resolves true once Redis is connected (at once for memory), false if the first connection
   * attempt fails. Never rejects: the limiter works either way, this is for startup logs and tests.
   */
  ready(): Promise<boolean>;
  /** Closes the Redis connection. The limiter must not be used afterwards. */
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** redis:// or rediss:// URL (env REDIS_URL). Absent: per-process memory. */
  redisUrl?: string;
  log: Logger;
  limits?: LimitOverrides;
  /** Namespaces keys so deployments (and test runs) sharing a Redis never see each other's counts. */
  keyPrefix?: string;
}

// A Redis that accepts connections but stops answering must not hang logins: after this long the
// command fails and the insurance limiter answers instead.
const REDIS_COMMAND_TIMEOUT_MS = 1_000;
const REDIS_CONNECT_TIMEOUT_MS = 5_000;
// One warning per limit per minute is enough to notice an outage without flooding the logs.
const FALLBACK_WARN_INTERVAL_MS = 60_000;

/**
 * The in-memory limiter rate-limiter-flexible falls back to when Redis fails. The library only
 * calls it on failure, so each call means a request was counted per instance: warn about it.
 */
class InsuranceLimiter extends RateLimiterMemory {
  private lastWarnedAt = 0;

  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly limit: LimitName,
    private readonly log: Logger,
  ) {
    super(options);
  }

  private warn(): void {
    const now = Date.now();
    if (now - this.lastWarnedAt < FALLBACK_WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.log.warn({ limit: this.limit }, "Rate limit store unavailable: counting in this instance's memory");
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): Promise<RateLimiterRes> {
    this.warn();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory["get"]>): Promise<RateLimiterRes | null> {
    this.warn();
    return super.get(...args);
  }

  override block(...args: Parameters<RateLimiterMemory["block"]>): Promise<RateLimiterRes> {
    this.warn();
    return super.block(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory["reward"]>): Promise<RateLimiterRes> {
    this.warn();
    return super.reward(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory["delete"]>): Promise<boolean> {
    this.warn();
    return super.delete(...args);
  }

  /** Deletes without warning: used when the caller resets, not as a fallback. */
  forget(key: string): Promise<boolean> {
    return super.delete(key);
  }
}

interface Entry {
  spec: LimitSpec;
  limiter: RateLimiterAbstract;
  insurance?: InsuranceLimiter;
}

function toSeconds(ms: number): number {
  // Rounded up and at least 1: "Retry-After: 0" would invite an immediate, refused retry.
  return Math.max(1, Math.ceil(ms / 1000));
}

function checkKey(key: string): void {
  // An empty key (say, an unknown IP) would put every such caller in one shared bucket.
  if (key.length === 0) throw new Error("Rate limit key must not be empty");
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redisUrl, log } = options;
  const keyPrefix = options.keyPrefix ?? "mm";
  if (keyPrefix.length === 0) throw new Error("keyPrefix must not be empty");
  const specs = resolveLimits(options.limits);

  const redis = redisUrl ? connectRedis(redisUrl, log) : undefined;

  const entries = new Map<LimitName, Entry>();
  for (const [name, spec] of specs) {
    const base = {
      // e.g. mm:ratelimit:loginAccount:<key>; the library adds ":" and the key.
      keyPrefix: `${keyPrefix}:ratelimit:${name}`,
      points: spec.points,
      duration: spec.durationSeconds,
      blockDuration: spec.blockSeconds ?? 0,
    };
    if (redis) {
      const insurance = new InsuranceLimiter(base, name, log);
      const limiter = new RateLimiterRedis({
        ...base,
        storeClient: redis,
        // Fail over to the insurance limiter at once while disconnected instead of sending
        // commands to a socket that is not there.
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
      entries.set(name, { spec, limiter, insurance });
    } else {
      entries.set(name, { spec, limiter: new RateLimiterMemory(base) });
    }
  }

  function entryFor(limit: LimitName): Entry {
    const entry = entries.get(limit);
    if (!entry) throw new Error(`Unknown rate limit "${limit}"`);
    return entry;
  }

  async function consume(limit: LimitName, key: string, points = 1): Promise<void> {
    checkKey(key);
    if (!Number.isInteger(points) || points < 1) throw new Error("points must be a positive integer");
    const { spec, limiter } = entryFor(limit);
    let result: RateLimiterRes;
    try {
      result = await limiter.consume(key, points);
    } catch (error) {
      // The library rejects with a RateLimiterRes when over the limit, with an Error otherwise.
      if (error instanceof RateLimiterRes) {
        log.debug({ limit }, "Rate limit exceeded");
        throw new RateLimitedError(toSeconds(error.msBeforeNext));
      }
      throw error;
    }
    // The library blocks only on the request that goes over, which may never come (a caller that
    // stops once nothing remains), so the lock starts when the last point is used instead.
    if (spec.blockSeconds && result.remainingPoints === 0) {
      await limiter.block(key, spec.blockSeconds);
    }
  }

  async function refund(limit: LimitName, key: string, points = 1): Promise<void> {
    checkKey(key);
    if (!Number.isInteger(points) || points < 1) throw new Error("points must be a positive integer");
    await entryFor(limit).limiter.reward(key, points);
  }

  async function peek(limit: LimitName, key: string): Promise<RateLimitStatus> {
    checkKey(key);
    const { spec, limiter } = entryFor(limit);
    const result = await limiter.get(key);
    // Memory records linger for a moment after expiring; treat them as gone.
    if (result === null || result.msBeforeNext <= 0) return { remaining: spec.points, retryAfterSeconds: null };
    const remaining = Math.max(spec.points - result.consumedPoints, 0);
    return { remaining, retryAfterSeconds: remaining === 0 ? toSeconds(result.msBeforeNext) : null };
  }

  async function reset(limit: LimitName, key: string): Promise<void> {
    checkKey(key);
    const { limiter, insurance } = entryFor(limit);
    // Also clear counts kept in memory during an earlier outage, or a later one would revive them.
    await Promise.all([limiter.delete(key), insurance?.forget(key)]);
  }

  function ready(): Promise<boolean> {
    if (!redis) return Promise.resolve(true);
    if (redis.status === "ready") return Promise.resolve(true);
    if (redis.status === "end" || redis.status === "close") return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        redis.off("ready", onReady);
        redis.off("error", onFail);
        redis.off("end", onFail);
        resolve(value);
      };
      const onReady = () => done(true);
      const onFail = () => done(false);
      redis.once("ready", onReady);
      redis.once("error", onFail);
      redis.once("end", onFail);
    });
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= closeRedis(redis);
    return closing;
  }

  return { store: redis ? "redis" : "memory", consume, refund, peek, reset, ready, close };
}

function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    // Queued commands would wait out an outage while the request hangs; failing fast lets the
    // insurance limiter answer instead.
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    // Keep reconnecting for as long as the process lives, backing off to every 5 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  // Log each outage once (ioredis emits an error per reconnect attempt) and never the URL, which
  // may hold a password. A listener is also needed so ioredis does not print "Unhandled error".
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error.message }, "Redis unreachable: rate limits are per instance until it returns");
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("Redis reachable again: rate limits are shared across instances");
  });
  return redis;
}

async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis || redis.status === "end") return;
  if (redis.status === "ready") {
    try {
      await redis.quit();
      return;
    } catch {
      // Lost the connection while quitting: fall through and drop it.
    }
  }
  // Not connected (or quit failed): stop reconnecting without waiting for a server.
  redis.disconnect();
}
