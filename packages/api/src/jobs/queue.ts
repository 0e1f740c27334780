// A durable job queue on the `jobs` table: what a job is, how one is declared and queued, and the
// worker's policy. The worker itself (claiming, leases, retries) is worker.ts.
//
// The queue knows job names and payload schemas only. A domain declares its kind of job with
// defineJob (a queue name and a zod schema), queues it with `.enqueue`, and turns its run function
// into a handler with `.handle`; the composition root (app/jobs.ts) gives the worker the handlers.
// Execution is at least once (see worker.ts): handlers must be idempotent.
import { z } from "zod";
import type { Prisma } from "@meetmind/db";
import { backoffDelay } from "../shared/backoff.js";

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** The worker's policy where nothing else is said: every value can be overridden per worker. */
export const JOB_DEFAULTS = {
  /** How often a worker looks for due jobs. */
  pollIntervalMs: SECOND_MS,
  /** Handlers running at once in one worker. */
  concurrency: 2,
  /** How long a claim lasts without renewal (renewed every leaseMs/3 while the handler runs). */
  leaseMs: MINUTE_MS,
  /** A handler running longer has its signal aborted and its lease left to lapse. */
  handlerTimeoutMs: 15 * MINUTE_MS,
  /** On stop: how long handlers may finish before their signal is aborted, and again after that. */
  stopGraceMs: 10 * SECOND_MS,
} as const;

/** Exponential from 10 s, capped at an hour, with equal jitter so failures that came together spread out. */
export function defaultJobBackoff(attempt: number): number {
  return backoffDelay({ baseMs: 10 * SECOND_MS, capMs: 60 * MINUTE_MS }, attempt - 1);
}

/** Throw from a handler to fail the job at once, without the remaining attempts. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** The reason a handler's signal is aborted with. */
export class JobAbortedError extends Error {
  constructor(
    readonly reason: "shutdown" | "timeout" | "lease_lost",
    message: string,
  ) {
    super(message);
    this.name = "JobAbortedError";
  }
}

export interface JobContext {
  jobId: string;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  /**
   * Aborted when the worker shuts down (after its grace period), when the handler overruns
   * handlerTimeoutMs, or when the lease was lost to another worker. Its reason is a JobAbortedError.
   */
  signal: AbortSignal;
}

export interface JobHandler {
  (payload: Prisma.JsonValue, context: JobContext): Promise<void>;
  /**
   * Called once when the job has failed for good (its last attempt failed, it threw a
   * PermanentJobError, or its worker died during the last attempt), with the last error's message:
   * to record the failure where users see it. Errors it throws are logged.
   */
  onFailed?: (payload: Prisma.JsonValue, reason: string) => Promise<void>;
}

/**
 * Any client that can insert a job: the root client, a transaction (to enqueue atomically with the
 * change that causes the job), or an extended client.
 */
export interface JobWriter {
  job: {
    create(args: { data: Prisma.JobUncheckedCreateInput; select: { id: true } }): PromiseLike<{ id: string }>;
  };
}

export interface EnqueueJobInput {
  queue: string;
  payload: Prisma.InputJsonValue;
  /** Not before this instant (default: now, by the database clock). */
  runAt?: Date;
  /** Attempts before the job is marked failed (default 5). */
  maxAttempts?: number;
}

/** Queues a job; pass a transaction client to enqueue it atomically with a change. */
export async function enqueueJob(db: JobWriter, input: EnqueueJobInput): Promise<{ id: string }> {
  if (input.queue.length === 0) throw new Error("queue must not be empty");
  if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
    throw new Error("maxAttempts must be a positive integer");
  }
  return db.job.create({
    data: {
      queue: input.queue,
      payload: input.payload,
      ...(input.runAt ? { runAt: input.runAt } : {}),
      ...(input.maxAttempts !== undefined ? { maxAttempts: input.maxAttempts } : {}),
    },
    select: { id: true },
  });
}

/** A handler bound to its queue, as a domain hands it to the composition root. */
export interface JobRegistration {
  queue: string;
  handler: JobHandler;
}

/** A kind of job: its queue name and payload schema, declared by the domain that runs it. */
export interface JobType<Payload extends Prisma.InputJsonObject> {
  readonly queue: string;
  readonly payload: z.ZodType<Payload>;
  /** Queues one; pass a transaction client to queue it atomically with the change that causes it. */
  enqueue(db: JobWriter, payload: Payload, options?: Omit<EnqueueJobInput, "queue" | "payload">): Promise<{ id: string }>;
  /**
   * The worker's handler: parses the stored payload first (a payload that does not parse fails
   * the job at once, since retrying cannot fix it), then runs.
   */
  handle(
    run: (payload: Payload, context: JobContext) => Promise<void>,
    onFailed?: (payload: Payload, reason: string) => Promise<void>,
  ): JobRegistration;
}

export function defineJob<Payload extends Prisma.InputJsonObject>(queue: string, payload: z.ZodType<Payload>): JobType<Payload> {
  const parse = (raw: Prisma.JsonValue): Payload => {
    const parsed = payload.safeParse(raw);
    if (!parsed.success) throw new PermanentJobError(`Invalid ${queue} payload: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  };
  return {
    queue,
    payload,
    // A payload the schema refuses is a programming error: it throws before anything is written.
    enqueue: async (db, value, options = {}) => enqueueJob(db, { ...options, queue, payload: payload.parse(value) }),
    handle(run, onFailed) {
      const handler: JobHandler = (raw, context) => run(parse(raw), context);
      if (onFailed) {
        // A payload that never parsed has nothing to record a failure against.
        handler.onFailed = async (raw, reason) => {
          const parsed = payload.safeParse(raw);
          if (parsed.success) await onFailed(parsed.data, reason);
        };
      }
      return { queue, handler };
    },
  };
}

/** The worker's handler table; two registrations for one queue are a programming error. */
export function handlersByQueue(registrations: readonly JobRegistration[]): Record<string, JobHandler> {
  const handlers: Record<string, JobHandler> = {};
  for (const { queue, handler } of registrations) {
    if (handlers[queue]) throw new Error(`two handlers for the job queue ${queue}`);
    handlers[queue] = handler;
  }
  return handlers;
}
