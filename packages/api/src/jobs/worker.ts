// The worker of the durable job queue (queue.ts). Several server instances may run workers against
// one database: jobs are claimed with FOR UPDATE SKIP LOCKED, so each attempt goes to exactly one
// of them, and everything lives in the table, so jobs survive restarts. A claim is a lease that the
// worker renews while the handler runs; a worker that dies leaves its lease to lapse and another
// worker takes the job over. Execution is therefore at least once: handlers must be idempotent
// (a crash between a handler finishing and the job being recorded as done runs it again).
import type { Db, Prisma } from "@meetmind/db";
import type { Logger } from "../logger.js";
import { defaultJobBackoff, JOB_DEFAULTS, JobAbortedError, PermanentJobError, type JobHandler } from "./queue.js";

const MAX_ERROR_LENGTH = 2_000;

export interface JobWorkerOptions {
  db: Db;
  log: Logger;
  /** One handler per queue. The worker only claims jobs of these queues. */
  handlers: Record<string, JobHandler>;
  // Defaults: JOB_DEFAULTS in queue.ts.
  /** How often to look for due jobs; 0 = never by itself (the caller calls runDue()). */
  pollIntervalMs?: number;
  concurrency?: number;
  /** Bounds how soon a dead worker's job is taken over (the lease is renewed every leaseMs/3). */
  leaseMs?: number;
  /** Delay in ms before retrying after the given failed attempt (1 = the first). */
  backoff?: (attempt: number) => number;
  handlerTimeoutMs?: number;
  stopGraceMs?: number;
}

export interface JobWorker {
  /**
   * Claims and runs every job due now (at most `concurrency` at once) and resolves, once they have
   * finished, with how many jobs this worker finished meanwhile (done, retried or failed). Never
   * rejects (errors are logged), so callers may fire and forget it, e.g. right after enqueueing.
   */
  runDue(): Promise<number>;
  /** Stops claiming, waits for running handlers (aborting their signal after the grace period). */
  stop(): Promise<void>;
}

interface ClaimedJob {
  id: string;
  queue: string;
  payload: Prisma.JsonValue;
  attempts: number;
  maxAttempts: number;
}

type Outcome =
  | { kind: "done" }
  | { kind: "retry"; error: string; delayMs: number }
  | { kind: "failed"; error: string }
  /** Interrupted by shutdown: back to pending at once, the attempt not counted. */
  | { kind: "released"; error: string };

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const { db, handlers } = options;
  const log = options.log.child({ component: "jobs" });
  const pollIntervalMs = options.pollIntervalMs ?? JOB_DEFAULTS.pollIntervalMs;
  const concurrency = options.concurrency ?? JOB_DEFAULTS.concurrency;
  const leaseMs = options.leaseMs ?? JOB_DEFAULTS.leaseMs;
  const backoff = options.backoff ?? defaultJobBackoff;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? JOB_DEFAULTS.handlerTimeoutMs;
  const stopGraceMs = options.stopGraceMs ?? JOB_DEFAULTS.stopGraceMs;
  const queues = Object.keys(handlers);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("concurrency must be a positive integer");
  if (leaseMs < 100) throw new Error("leaseMs must be at least 100");
  if (queues.length === 0) throw new Error("at least one handler is required");

  let stopped = false;
  let processed = 0;
  /** Claim-and-run loops under way; at most `concurrency`. */
  const lanes = new Set<Promise<void>>();
  /** Handlers under way, to abort on shutdown. */
  const running = new Map<string, { controller: AbortController; stopHeartbeat: () => void }>();

  async function claim(): Promise<ClaimedJob | undefined> {
    // Claiming counts the attempt and leases the job; a 'running' job whose lease lapsed belonged
    // to a worker that died. The attempt number is the lease's fencing token in record().
    const rows = await db.$queryRaw<ClaimedJob[]>`
      UPDATE jobs
      SET status = 'running',
          attempts = attempts + 1,
          locked_until = now() + ${leaseMs}::double precision * interval '1 millisecond',
          updated_at = now()
      WHERE id IN (
        SELECT id FROM jobs
        WHERE queue = ANY(${queues}::text[])
          AND ((status = 'pending' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
        ORDER BY run_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, queue, payload, attempts, max_attempts AS "maxAttempts"`;
    return rows[0];
  }

  /** Records the outcome; false when the lease was lost (another worker owns the job now). */
  async function record(job: ClaimedJob, outcome: Outcome): Promise<boolean> {
    // Times come from the database clock, the one every worker compares run_at and locked_until with.
    let updated: number;
    switch (outcome.kind) {
      case "done":
        updated = await db.$executeRaw`
          UPDATE jobs SET status = 'done', completed_at = now(), locked_until = NULL, updated_at = now()
          WHERE id = ${job.id}::uuid AND status = 'running' AND attempts = ${job.attempts}::int`;
        break;
      case "retry":
        updated = await db.$executeRaw`
          UPDATE jobs
          SET status = 'pending', locked_until = NULL, last_error = ${outcome.error},
              run_at = now() + ${outcome.delayMs}::double precision * interval '1 millisecond', updated_at = now()
          WHERE id = ${job.id}::uuid AND status = 'running' AND attempts = ${job.attempts}::int`;
        break;
      case "failed":
        updated = await db.$executeRaw`
          UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = ${outcome.error}, updated_at = now()
          WHERE id = ${job.id}::uuid AND status = 'running' AND attempts = ${job.attempts}::int`;
        break;
      case "released":
        updated = await db.$executeRaw`
          UPDATE jobs
          SET status = 'pending', locked_until = NULL, last_error = ${outcome.error},
              attempts = GREATEST(attempts - 1, 0), run_at = now(), updated_at = now()
          WHERE id = ${job.id}::uuid AND status = 'running' AND attempts = ${job.attempts}::int`;
        break;
    }
    if (updated === 0) {
      log.warn(
        { jobId: job.id, queue: job.queue, attempt: job.attempts },
        "job lease was lost before its outcome was recorded; it may run again",
      );
    }
    return updated > 0;
  }

  /** The job failed for good: its handler's onFailed, if any, records that for users. */
  async function failedForGood(job: ClaimedJob, reason: string): Promise<void> {
    const onFailed = handlers[job.queue]?.onFailed;
    if (!onFailed) return;
    try {
      await onFailed(job.payload, reason);
    } catch (error) {
      log.error({ jobId: job.id, queue: job.queue, err: error }, "could not record a failed job's failure");
    }
  }

  /** Renews the lease; false when another worker has taken the job over. */
  async function renew(job: ClaimedJob): Promise<boolean> {
    const updated = await db.$executeRaw`
      UPDATE jobs SET locked_until = now() + ${leaseMs}::double precision * interval '1 millisecond', updated_at = now()
      WHERE id = ${job.id}::uuid AND status = 'running' AND attempts = ${job.attempts}::int`;
    return updated > 0;
  }

  async function execute(job: ClaimedJob): Promise<void> {
    const context = { jobId: job.id, queue: job.queue, attempt: job.attempts };
    if (job.attempts > job.maxAttempts) {
      // Only reachable through a lease that lapsed on the last attempt: the worker died mid-job.
      const error = "the job did not finish on its last attempt";
      if (await record(job, { kind: "failed", error })) await failedForGood(job, error);
      log.error(context, "job abandoned");
      return;
    }
    const handler = handlers[job.queue];
    if (!handler) return; // unreachable: only our queues are claimed

    const controller = new AbortController();
    let leaseLost = false;
    let heartbeat: NodeJS.Timeout | undefined = setInterval(
      () => {
        renew(job)
          .then((held) => {
            if (held || leaseLost) return;
            leaseLost = true;
            stopHeartbeat();
            log.warn(context, "job lease was taken over by another worker; aborting this run");
            controller.abort(new JobAbortedError("lease_lost", "the job's lease was taken over by another worker"));
          })
          .catch((error: unknown) => log.warn({ ...context, err: error }, "could not renew job lease"));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    const stopHeartbeat = () => {
      clearInterval(heartbeat);
      heartbeat = undefined;
    };
    running.set(job.id, { controller, stopHeartbeat });
    const timeout = setTimeout(() => {
      // Stop renewing too: if the handler ignores its signal, the lease lapses and the job is
      // retaken (that attempt counted) instead of being held forever.
      stopHeartbeat();
      log.error(context, "job handler overran its timeout; aborting it");
      controller.abort(new JobAbortedError("timeout", `the job handler did not finish within ${handlerTimeoutMs} ms`));
    }, handlerTimeoutMs);
    timeout.unref();

    let outcome: Outcome;
    /** What users are told if this attempt fails the job for good. */
    let failureReason = "";
    try {
      await handler(job.payload, {
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        signal: controller.signal,
      });
      outcome = { kind: "done" };
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason instanceof JobAbortedError && reason.reason === "shutdown") {
        outcome = { kind: "released", error: errorMessage(reason) };
      } else if (error instanceof PermanentJobError || job.attempts >= job.maxAttempts) {
        outcome = { kind: "failed", error: errorMessage(error) };
        failureReason = error instanceof Error ? error.message : String(error);
      } else {
        outcome = { kind: "retry", error: errorMessage(error), delayMs: Math.max(0, backoff(job.attempts)) };
      }
    } finally {
      clearTimeout(timeout);
      stopHeartbeat();
      running.delete(job.id);
    }

    if (leaseLost) return; // another worker owns the job now; record() would match nothing anyway
    try {
      const recorded = await record(job, outcome);
      if (recorded && outcome.kind === "failed") await failedForGood(job, failureReason);
    } catch (error) {
      // The database is unreachable: the job keeps its lease and is retried once it lapses.
      log.error({ ...context, err: error }, "could not record job outcome");
      return;
    }
    switch (outcome.kind) {
      case "done":
        log.debug(context, "job done");
        break;
      case "retry":
        log.warn({ ...context, error: outcome.error, retryInMs: Math.round(outcome.delayMs) }, "job failed; will retry");
        break;
      case "failed":
        log.error({ ...context, error: outcome.error }, "job failed for good");
        break;
      case "released":
        log.info(context, "job interrupted by shutdown; released for another run");
        break;
    }
  }

  async function lane(): Promise<void> {
    while (!stopped) {
      let job: ClaimedJob | undefined;
      try {
        job = await claim();
      } catch (error) {
        log.error({ err: error }, "could not claim jobs");
        return;
      }
      if (!job) return;
      try {
        await execute(job);
      } catch (error) {
        log.error({ jobId: job.id, err: error }, "job execution failed unexpectedly");
      }
      processed += 1;
    }
  }

  /** Starts claim-and-run loops up to the concurrency. */
  function fill(): void {
    while (!stopped && lanes.size < concurrency) {
      const started: Promise<void> = lane().finally(() => {
        lanes.delete(started);
      });
      lanes.add(started);
    }
  }

  async function runDue(): Promise<number> {
    if (stopped) return 0;
    const before = processed;
    // Lanes already under way may have looked for jobs before the caller's job was committed and
    // be about to finish: wait for them, then go round once more with fresh lanes.
    const hadLanes = lanes.size > 0;
    fill();
    await Promise.all([...lanes]);
    if (hadLanes && !stopped) {
      fill();
      await Promise.all([...lanes]);
    }
    return processed - before;
  }

  let timer: NodeJS.Timeout | undefined;
  function schedule(): void {
    if (stopped || pollIntervalMs <= 0) return;
    timer = setTimeout(() => {
      // Tops lanes up without waiting for them: a long job must not hold up polling.
      fill();
      schedule();
    }, pollIntervalMs);
    // Polling alone must not keep a process (a script, a test) alive.
    timer.unref();
  }
  schedule();

  return {
    runDue,
    async stop() {
      if (stopped && lanes.size === 0) return;
      stopped = true;
      clearTimeout(timer);
      const settled = Promise.all([...lanes]).then(() => true);
      if (await Promise.race([settled, delay(stopGraceMs).then(() => false)])) return;
      log.warn({ jobs: [...running.keys()] }, "job handlers still running after the grace period; aborting them");
      for (const { controller } of running.values()) {
        controller.abort(new JobAbortedError("shutdown", "the worker is shutting down"));
      }
      if (await Promise.race([settled, delay(stopGraceMs).then(() => false)])) return;
      // Stop renewing their leases: they lapse and another worker takes the jobs over.
      for (const { stopHeartbeat } of running.values()) stopHeartbeat();
      log.error({ jobs: [...running.keys()] }, "job handlers ignored their abort signal; leaving them behind");
    },
  };
}
