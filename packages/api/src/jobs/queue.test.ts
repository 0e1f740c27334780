import { createPrismaClient, type Db, type Prisma } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../logger.js";
import { z } from "zod";
import { defineJob, enqueueJob, handlersByQueue, JobAbortedError, PermanentJobError, type JobContext, type JobHandler } from "./queue.js";
import { startJobWorker, type JobWorker, type JobWorkerOptions } from "./worker.js";

let database: TestDatabase;
let db: Db;
const workers: JobWorker[] = [];
const extraClients: Db[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await db.job.deleteMany();
});

afterAll(async () => {
  await Promise.all(extraClients.map((client) => client.$disconnect()));
  await database?.close();
});

function worker(handlers: Record<string, JobHandler>, options: Partial<JobWorkerOptions> = {}): JobWorker {
  const started = startJobWorker({
    db,
    log: silentLogger,
    handlers,
    // Tests drive rounds themselves and retry at once, so nothing sleeps.
    pollIntervalMs: 0,
    backoff: () => 0,
    ...options,
  });
  workers.push(started);
  return started;
}

const row = (id: string) => db.job.findUniqueOrThrow({ where: { id } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("enqueueJob", () => {
  it("writes a pending job due now with the defaults", async () => {
    const { id } = await enqueueJob(db, { queue: "summaries", payload: { meetingId: "m1" } });
    const job = await row(id);
    expect(job).toMatchObject({ queue: "summaries", payload: { meetingId: "m1" }, status: "pending", attempts: 0, maxAttempts: 5 });
    expect(job.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it("enqueues atomically with a transaction", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await enqueueJob(tx, { queue: "summaries", payload: {} });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await db.job.count()).toBe(0);
  });

  it("rejects a bad maxAttempts", async () => {
    await expect(enqueueJob(db, { queue: "q", payload: {}, maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
  });
});

describe("defineJob", () => {
  const greeting = defineJob("greetings", z.object({ name: z.string().min(1) }));

  it("queues a payload that fits its schema and hands the handler the parsed payload", async () => {
    const seen: { name: string }[] = [];
    const { queue, handler } = greeting.handle(async (payload) => void seen.push(payload));
    const w = worker({ [queue]: handler });
    const { id } = await greeting.enqueue(db, { name: "Ada" }, { maxAttempts: 2 });
    expect(await row(id)).toMatchObject({ queue: "greetings", payload: { name: "Ada" }, maxAttempts: 2 });

    expect(await w.runDue()).toBe(1);
    expect(seen).toEqual([{ name: "Ada" }]);
    expect((await row(id)).status).toBe("done");
  });

  it("refuses to queue a payload that does not fit, writing nothing", async () => {
    await expect(greeting.enqueue(db, { name: "" })).rejects.toThrow();
    expect(await db.job.count()).toBe(0);
  });

  it("fails a stored payload that does not parse at once, without retries or onFailed", async () => {
    const run = vi.fn(async () => {});
    const onFailed = vi.fn(async () => {});
    const { queue, handler } = greeting.handle(run, onFailed);
    const w = worker({ [queue]: handler });
    const { id } = await enqueueJob(db, { queue: "greetings", payload: { name: 42 } });

    await w.runDue();
    const job = await row(id);
    expect(job).toMatchObject({ status: "failed", attempts: 1 });
    expect(job.lastError).toMatch(/Invalid greetings payload/);
    expect(run).not.toHaveBeenCalled();
    expect(onFailed).not.toHaveBeenCalled();
  });

  it("passes the parsed payload to onFailed when a job fails for good", async () => {
    const failures: { payload: { name: string }; reason: string }[] = [];
    const { queue, handler } = greeting.handle(
      async () => {
        throw new PermanentJobError("no");
      },
      async (payload, reason) => void failures.push({ payload, reason }),
    );
    const w = worker({ [queue]: handler });
    await greeting.enqueue(db, { name: "Grace" });
    await w.runDue();
    expect(failures).toEqual([{ payload: { name: "Grace" }, reason: "no" }]);
  });

  it("refuses two handlers for one queue", () => {
    const run = async () => {};
    expect(() => handlersByQueue([greeting.handle(run), greeting.handle(run)])).toThrow(/two handlers for the job queue greetings/);
  });
});

describe("startJobWorker", () => {
  it("runs a due job once with its payload and context, and marks it done", async () => {
    const calls: { payload: Prisma.JsonValue; context: JobContext }[] = [];
    const w = worker({ summaries: async (payload, context) => void calls.push({ payload, context }) });
    const { id } = await enqueueJob(db, { queue: "summaries", payload: { meetingId: "m1", n: [1, 2] } });

    expect(await w.runDue()).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.payload).toEqual({ meetingId: "m1", n: [1, 2] });
    expect(calls[0]?.context).toMatchObject({ jobId: id, attempt: 1, maxAttempts: 5 });
    expect(calls[0]?.context.signal.aborted).toBe(false);
    const job = await row(id);
    expect(job).toMatchObject({ status: "done", attempts: 1, lockedUntil: null, lastError: null });
    expect(job.completedAt).toBeInstanceOf(Date);

    expect(await w.runDue()).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it("retries a failing job with backoff until it succeeds, keeping the last error", async () => {
    let calls = 0;
    const w = worker({
      flaky: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`boom ${calls}`);
      },
    });
    const { id } = await enqueueJob(db, { queue: "flaky", payload: {} });
    await w.runDue();
    expect(calls).toBe(3);
    expect(await row(id)).toMatchObject({ status: "done", attempts: 3, lastError: "Error: boom 2" });
  });

  it("schedules the retry after the backoff delay, by the database clock", async () => {
    const backoff = vi.fn((attempt: number) => 60_000 * attempt);
    const w = worker({ q: () => Promise.reject(new Error("down")) }, { backoff });
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    const before = Date.now();
    expect(await w.runDue()).toBe(1);
    expect(backoff).toHaveBeenCalledWith(1);
    const job = await row(id);
    expect(job).toMatchObject({ status: "pending", attempts: 1, lockedUntil: null, lastError: "Error: down" });
    expect(job.runAt.getTime()).toBeGreaterThan(before + 55_000);
    expect(job.runAt.getTime()).toBeLessThan(Date.now() + 65_000);
    expect(await w.runDue()).toBe(0); // not due yet
  });

  it("fails a job after maxAttempts", async () => {
    let calls = 0;
    const w = worker({
      q: async () => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      },
    });
    const { id } = await enqueueJob(db, { queue: "q", payload: {}, maxAttempts: 3 });
    await w.runDue();
    expect(calls).toBe(3);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 3, lastError: "Error: attempt 3", completedAt: null });
    expect(await w.runDue()).toBe(0);
  });

  it("fails at once on a PermanentJobError", async () => {
    let calls = 0;
    const w = worker({
      q: async () => {
        calls += 1;
        throw new PermanentJobError("meeting was deleted");
      },
    });
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    await w.runDue();
    expect(calls).toBe(1);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, lastError: "PermanentJobError: meeting was deleted" });
  });

  it("tells the handler's onFailed once a job has failed for good, never while it will be retried", async () => {
    const failures: [unknown, string][] = [];
    const handler: JobHandler = Object.assign(
      async (payload: Prisma.JsonValue) => {
        if ((payload as { permanent: boolean }).permanent) throw new PermanentJobError("the file is unreadable");
        throw new Error("database hiccup");
      },
      { onFailed: async (payload: Prisma.JsonValue, reason: string) => void failures.push([payload, reason]) },
    );
    const w = worker({ q: handler });
    await enqueueJob(db, { queue: "q", payload: { permanent: true } });
    await w.runDue();
    expect(failures).toEqual([[{ permanent: true }, "the file is unreadable"]]);
    failures.length = 0;
    const { id } = await enqueueJob(db, { queue: "q", payload: { permanent: false }, maxAttempts: 2 });
    await w.runDue();
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 2 });
    expect(failures).toEqual([[{ permanent: false }, "database hiccup"]]);
    // A worker that died on the last attempt: failed without running, and onFailed still told.
    failures.length = 0;
    await db.job.create({
      data: { queue: "q", payload: { n: 1 }, status: "running", attempts: 3, maxAttempts: 3, lockedUntil: new Date(Date.now() - 1_000) },
    });
    await w.runDue();
    expect(failures).toEqual([[{ n: 1 }, "the job did not finish on its last attempt"]]);
  });

  it("leaves jobs scheduled for later, and jobs of queues it has no handler for", async () => {
    const seen: string[] = [];
    const w = worker({ mine: async (payload) => void seen.push(String((payload as { n: number }).n)) });
    const later = await enqueueJob(db, { queue: "mine", payload: { n: 1 }, runAt: new Date(Date.now() + 3_600_000) });
    const other = await enqueueJob(db, { queue: "theirs", payload: { n: 2 } });
    await enqueueJob(db, { queue: "mine", payload: { n: 3 } });
    expect(await w.runDue()).toBe(1);
    expect(seen).toEqual(["3"]);
    expect(await row(later.id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await row(other.id)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("runs due jobs oldest run_at first", async () => {
    const order: number[] = [];
    const w = worker({ q: async (payload) => void order.push((payload as { n: number }).n) }, { concurrency: 1 });
    const now = Date.now();
    await enqueueJob(db, { queue: "q", payload: { n: 2 }, runAt: new Date(now - 1_000) });
    await enqueueJob(db, { queue: "q", payload: { n: 1 }, runAt: new Date(now - 5_000) });
    await enqueueJob(db, { queue: "q", payload: { n: 3 }, runAt: new Date(now - 10) });
    await w.runDue();
    expect(order).toEqual([1, 2, 3]);
  });

  it("retakes a job whose worker died (lapsed lease) but not one whose lease is live", async () => {
    // As a worker that claimed them and then died would have left them.
    const dead = await db.job.create({
      data: { queue: "q", payload: { n: 1 }, status: "running", attempts: 1, lockedUntil: new Date(Date.now() - 1_000) },
    });
    const live = await db.job.create({
      data: { queue: "q", payload: { n: 2 }, status: "running", attempts: 1, lockedUntil: new Date(Date.now() + 60_000) },
    });
    const attempts: number[] = [];
    const w = worker({ q: async (_payload, { attempt }) => void attempts.push(attempt) });
    expect(await w.runDue()).toBe(1);
    expect(attempts).toEqual([2]);
    expect(await row(dead.id)).toMatchObject({ status: "done", attempts: 2 });
    expect(await row(live.id)).toMatchObject({ status: "running", attempts: 1 });
  });

  it("fails a job whose lease lapsed on its last attempt without running it again", async () => {
    const job = await db.job.create({
      data: { queue: "q", payload: {}, status: "running", attempts: 3, maxAttempts: 3, lockedUntil: new Date(Date.now() - 1_000) },
    });
    const handler = vi.fn(async () => {});
    const w = worker({ q: handler });
    await w.runDue();
    expect(handler).not.toHaveBeenCalled();
    expect(await row(job.id)).toMatchObject({ status: "failed", lastError: "the job did not finish on its last attempt" });
  });

  it("survives a restart: a job enqueued before a worker existed runs on the next one", async () => {
    const first = worker({ q: async () => {} });
    await first.stop();
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    expect(await first.runDue()).toBe(0); // stopped
    const second = worker({ q: async () => {} });
    expect(await second.runDue()).toBe(1);
    expect(await row(id)).toMatchObject({ status: "done" });
  });

  it("runs each job exactly once with two workers on their own connections", async () => {
    const clients = [createPrismaClient(database.url, { poolSize: 3 }), createPrismaClient(database.url, { poolSize: 3 })];
    extraClients.push(...clients);
    const runs = new Map<string, number>();
    const byWorker = [0, 0];
    let concurrent = 0;
    let maxConcurrent = 0;
    const handler =
      (index: number): JobHandler =>
      async (_payload, { jobId }) => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
        byWorker[index] = (byWorker[index] ?? 0) + 1;
        await sleep(5 + ((jobId.charCodeAt(jobId.length - 1) * 7) % 20));
        concurrent -= 1;
      };
    const [a, b] = clients.map((client, index) => worker({ q: handler(index) }, { db: client, concurrency: 2 }));
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, n) => enqueueJob(db, { queue: "q", payload: { n } }).then((job) => job.id)),
    );

    const [ranA, ranB] = await Promise.all([a!.runDue(), b!.runDue()]);
    expect(ranA + ranB).toBe(30);
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(maxConcurrent).toBeLessThanOrEqual(4);
    expect(Math.min(...byWorker)).toBeGreaterThan(0); // both took part
    console.log(`two workers: ${byWorker.join(" + ")} jobs, at most ${maxConcurrent} at once`);
    expect(await db.job.count({ where: { status: "done", attempts: 1 } })).toBe(30);
  });

  it("keeps renewing the lease of a long job so another worker never takes it over", async () => {
    let runs = 0;
    const slow: JobHandler = async () => {
      runs += 1;
      await sleep(1_000);
    };
    const a = worker({ q: slow }, { leaseMs: 300 });
    const b = worker({ q: slow }, { leaseMs: 300 });
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    const first = a.runDue();
    for (let i = 0; i < 8; i++) {
      await sleep(120);
      await b.runDue();
    }
    expect(await first).toBe(1);
    expect(runs).toBe(1);
    expect(await row(id)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("polls by itself", async () => {
    const done: string[] = [];
    worker({ q: async (_payload, { jobId }) => void done.push(jobId) }, { pollIntervalMs: 30 });
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    await vi.waitFor(() => expect(done).toEqual([id]), { timeout: 5_000, interval: 20 });
    await vi.waitFor(async () => expect((await row(id)).status).toBe("done"), { timeout: 5_000, interval: 20 });
  });

  it("aborts an overrunning handler and counts the attempt", async () => {
    const reasons: unknown[] = [];
    const w = worker(
      {
        q: (_payload, { signal, attempt }) =>
          attempt === 1
            ? new Promise((_resolve, reject) => {
                signal.addEventListener("abort", () => {
                  reasons.push(signal.reason);
                  reject(signal.reason as Error);
                });
              })
            : Promise.resolve(),
      },
      { handlerTimeoutMs: 100 },
    );
    const { id } = await enqueueJob(db, { queue: "q", payload: {} });
    await w.runDue();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(JobAbortedError);
    expect((reasons[0] as JobAbortedError).reason).toBe("timeout");
    expect(await row(id)).toMatchObject({
      status: "done",
      attempts: 2,
      lastError: expect.stringContaining("did not finish within 100 ms"),
    });
  });

  describe("stop()", () => {
    it("waits for a running handler to finish", async () => {
      let finished = false;
      const w = worker({
        q: async () => {
          await sleep(200);
          finished = true;
        },
      });
      const { id } = await enqueueJob(db, { queue: "q", payload: {} });
      const round = w.runDue();
      await vi.waitFor(async () => expect((await row(id)).status).toBe("running"), { interval: 10 });
      await w.stop();
      expect(finished).toBe(true);
      expect(await row(id)).toMatchObject({ status: "done" });
      expect(await round).toBe(1);
    });

    it("aborts handlers still running after the grace period and releases their jobs uncounted", async () => {
      let signalReason: unknown;
      const w = worker(
        {
          q: (_payload, { signal }) =>
            new Promise((_resolve, reject) => {
              signal.addEventListener("abort", () => {
                signalReason = signal.reason;
                reject(new Error("interrupted"));
              });
            }),
        },
        { stopGraceMs: 100 },
      );
      const { id } = await enqueueJob(db, { queue: "q", payload: {} });
      void w.runDue();
      await vi.waitFor(async () => expect((await row(id)).status).toBe("running"), { interval: 10 });
      const started = Date.now();
      await w.stop();
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(signalReason).toBeInstanceOf(JobAbortedError);
      expect((signalReason as JobAbortedError).reason).toBe("shutdown");
      // Back to pending at once and the interrupted attempt not counted: the next worker runs it.
      expect(await row(id)).toMatchObject({ status: "pending", attempts: 0, lockedUntil: null });
      const next = worker({ q: async () => {} });
      expect(await next.runDue()).toBe(1);
      expect(await row(id)).toMatchObject({ status: "done", attempts: 1 });
    });

    it("gives up on a handler that ignores its signal, leaving its lease to lapse", async () => {
      let release: () => void = () => {};
      const w = worker({ q: () => new Promise<void>((resolve) => (release = resolve)) }, { stopGraceMs: 50, leaseMs: 200 });
      const { id } = await enqueueJob(db, { queue: "q", payload: {} });
      void w.runDue();
      await vi.waitFor(async () => expect((await row(id)).status).toBe("running"), { interval: 10 });
      await w.stop();
      // No more renewals: once the lease lapses another worker takes the job over.
      await sleep(300);
      const next = worker({ q: async () => {} });
      expect(await next.runDue()).toBe(1);
      expect(await row(id)).toMatchObject({ status: "done", attempts: 2 });
      release();
    });
  });
});
