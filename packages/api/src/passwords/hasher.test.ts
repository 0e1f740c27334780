import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import bcrypt from "bcryptjs";
import { afterAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { createPasswordHasher } from "./hasher.js";
import { startLoopDelaySampler } from "./loop-delay.js";

// Cost 4 (16 rounds) keeps most tests fast; the timing tests use real costs.
const fast = createPasswordHasher({ cost: 4, workers: 2 });
afterAll(() => fast.close());

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

describe("createPasswordHasher", () => {
  it("verifies the password it hashed and rejects a wrong one", async () => {
    const hash = await fast.hash("Correct-Horse-7");
    expect(await fast.verify("Correct-Horse-7", hash)).toBe(true);
    expect(await fast.verify("correct-Horse-7", hash)).toBe(false);
    expect(await fast.verify("", hash)).toBe(false);
  });

  it("salts: the same password hashes differently each time, and both verify", async () => {
    const [first, second] = await Promise.all([fast.hash("Same-Password-1"), fast.hash("Same-Password-1")]);
    expect(first).not.toBe(second);
    expect(await fast.verify("Same-Password-1", first)).toBe(true);
    expect(await fast.verify("Same-Password-1", second)).toBe(true);
  });

  it("honours the cost in the $2b$<cost>$ prefix and flags hashes of another cost for re-hashing", async () => {
    const hash = await fast.hash("Cost-Check-1");
    expect(hash).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(fast.needsRehash(hash)).toBe(false);
    const other = createPasswordHasher({ cost: 5, workers: 1 });
    try {
      const costlier = await other.hash("Cost-Check-1");
      expect(costlier.startsWith("$2b$05$")).toBe(true);
      expect(fast.needsRehash(costlier)).toBe(true);
      // Verification reads the cost from the stored hash, so old hashes keep working.
      expect(await fast.verify("Cost-Check-1", costlier)).toBe(true);
    } finally {
      await other.close();
    }
    expect(fast.needsRehash("not a hash")).toBe(true);
  });

  it("verifies hashes made elsewhere with bcryptjs (e.g. the demo seed)", async () => {
    expect(await fast.verify("Seeded-1!", bcrypt.hashSync("Seeded-1!", 4))).toBe(true);
  });

  it("returns false for a null hash (unknown user, SSO-only account)", async () => {
    expect(await fast.verify("Anything-1!", null)).toBe(false);
  });

  it("refuses to hash more than 72 bytes instead of silently truncating, and never verifies such input", async () => {
    const exactly72 = "Aa1!" + "x".repeat(68);
    const hash = await fast.hash(exactly72);
    expect(await fast.verify(exactly72, hash)).toBe(true);
    // bcrypt alone would accept this: its first 72 bytes are the password.
    expect(await fast.verify(exactly72 + "y", hash)).toBe(false);
    await expect(fast.hash(exactly72 + "y")).rejects.toBeInstanceOf(DomainError);
    await expect(fast.hash("é".repeat(37))).rejects.toMatchObject({ appCode: "password_too_long" });
  });

  it("spends a comparable bcrypt comparison on a null hash, so timing does not reveal the account", async () => {
    const hasher = createPasswordHasher({ cost: 10, workers: 1 });
    try {
      const hash = await hasher.hash("Timing-Check-1");
      await hasher.verify("warm-up", hash);
      const real = await timed(() => hasher.verify("Wrong-Guess-1", hash));
      const missing = await timed(() => hasher.verify("Wrong-Guess-1", null));
      const tooLong = await timed(() => hasher.verify("x".repeat(200), hash));
      expect(real.result).toBe(false);
      expect(missing.result).toBe(false);
      expect(tooLong.result).toBe(false);
      // Loose bound: a fast path would take well under a millisecond against ~50+ ms at cost 10.
      expect(missing.ms).toBeGreaterThanOrEqual(real.ms * 0.3);
      expect(tooLong.ms).toBeGreaterThanOrEqual(real.ms * 0.3);
    } finally {
      await hasher.close();
    }
  });

  it("closes without running the hashes still queued (cost 12, one thread, 12 queued)", async () => {
    const hasher = createPasswordHasher({ cost: 12, workers: 1 });
    const one = await timed(() => hasher.hash("Measure-Once-1"));
    const queued = Array.from({ length: 12 }, (_, i) =>
      hasher.hash(`Queued-${i}!`).then(
        () => "hashed",
        () => "cancelled",
      ),
    );
    await sleep(5);
    const closing = await timed(() => hasher.close());
    const outcomes = await Promise.all(queued);
    // Running all twelve would take ~12 hashes' time; at most the one under way finishes.
    expect(closing.ms).toBeLessThan(one.ms * 4);
    expect(outcomes.filter((outcome) => outcome === "hashed").length).toBeLessThanOrEqual(1);
    expect(outcomes.filter((outcome) => outcome === "cancelled").length).toBeGreaterThanOrEqual(11);
  }, 60_000);

  it("rejects invalid options", () => {
    expect(() => createPasswordHasher({ cost: 3, workers: 1 })).toThrow(RangeError);
    expect(() => createPasswordHasher({ cost: 12, workers: -1 })).toThrow(RangeError);
  });
});

describe("event loop while hashing", () => {
  // The point of the worker pool. Measured with the same sampler both ways, so the control proves
  // the measurement can fail.
  it("keeps ticking (max delay < 50 ms) while 8 cost-12 hashes run in workers", async () => {
    const hasher = createPasswordHasher({ cost: 12, workers: 2 });
    try {
      await Promise.all([hasher.verify("warm-up", null), hasher.verify("warm-up", null)]); // threads started
      const sampler = startLoopDelaySampler();
      const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.hash(`Concurrent-${i}!`)));
      await sleep(20);
      const delay = sampler.stop();
      expect(hashes.every((hash) => hash.startsWith("$2b$12$"))).toBe(true);
      expect(delay.samples).toBeGreaterThan(20);
      expect(delay.maxMs).toBeLessThan(50);
    } finally {
      await hasher.close();
    }
  }, 60_000);

  it("control: one cost-12 bcrypt.hashSync on the main thread stalls it for far longer", async () => {
    const sampler = startLoopDelaySampler();
    await sleep(20);
    bcrypt.hashSync("Blocking-1!", 12);
    await sleep(20);
    const delay = sampler.stop();
    expect(delay.maxMs).toBeGreaterThan(100);
  }, 60_000);
});
