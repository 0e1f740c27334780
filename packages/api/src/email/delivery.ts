// Delivers the outbox (outbox.ts). Several server instances may run this against one database:
// rows are claimed with FOR UPDATE SKIP LOCKED, so each message goes to exactly one of them.
// Delivery is at least once: an instance that dies between the SMTP server accepting a message
// and recording it leaves the claim to expire, and another instance sends it again.
import { createTransport } from "nodemailer";
import type { Db } from "@meetmind/db";
import type { Logger } from "../logger.js";
import { backoffDelay } from "../shared/backoff.js";

export interface EmailDeliveryOptions {
  db: Db;
  /** smtp(s)://user:pass@host:port. Unset (development): messages are logged and marked sent. */
  smtpUrl?: string | undefined;
  /** The From header, e.g. `MeetMind <no-reply@example.com>`. */
  from: string;
  log: Logger;
  /** How often to look for due messages; 0 = never by itself (the caller calls deliverDue()). */
  pollIntervalMs?: number;
  /** Attempts before a message is marked failed. */
  maxAttempts?: number;
  /** Delay in ms before retrying after the given failed attempt (1 = the first). */
  backoff?: (attempt: number) => number;
  /** Messages claimed per query. */
  batchSize?: number;
  /** A send that takes longer than this is abandoned and counts as a failed attempt. */
  sendTimeoutMs?: number;
  /** A claimed message still unfinished after this long is presumed orphaned and claimed again. */
  leaseMs?: number;
}

export interface EmailDelivery {
  /**
   * Delivers every message due now and resolves with how many were sent. Never rejects (errors
   * are logged), so callers may fire and forget it. Concurrent calls share the work.
   */
  deliverDue(): Promise<number>;
  /** Stops polling, waits for the round in progress, closes the SMTP connections. */
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;
const MAX_ERROR_LENGTH = 2_000;

/** Exponential from 30 s, capped at an hour. */
export function defaultBackoff(attempt: number): number {
  return backoffDelay({ baseMs: 30_000, capMs: 60 * MINUTE_MS }, attempt - 1);
}

interface ClaimedEmail {
  id: string;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string | null;
  template: string | null;
  attempts: number;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

/** Nodemailer marks 5xx rejections (bad recipient, policy) as permanent: retrying gets the same answer. */
function isPermanent(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** A stable Message-ID per outbox row lets receivers drop the duplicate of an at-least-once resend. */
function messageIdDomain(from: string): string {
  return /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? "meetmind.local";
}

const LINK = /https?:\/\/[^\s<>"]+/g;

export function startEmailDelivery(options: EmailDeliveryOptions): EmailDelivery {
  const { db, from } = options;
  const log = options.log.child({ component: "email" });
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoff ?? defaultBackoff;
  const batchSize = options.batchSize ?? 10;
  const sendTimeoutMs = options.sendTimeoutMs ?? MINUTE_MS;
  const leaseMs = options.leaseMs ?? 5 * MINUTE_MS;
  if (maxAttempts < 1 || batchSize < 1) throw new Error("maxAttempts and batchSize must be at least 1");
  // A batch's sends run concurrently and each is cut off at sendTimeoutMs; the lease must outlast
  // them with room for the bookkeeping, or a slow batch would be claimed (and sent) twice.
  if (leaseMs < 2 * sendTimeoutMs) throw new Error("leaseMs must be at least twice sendTimeoutMs");
  const domain = messageIdDomain(from);

  const transport = options.smtpUrl
    ? createTransport({
        url: options.smtpUrl,
        pool: true,
        maxConnections: 3,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: sendTimeoutMs,
      })
    : null;
  if (!transport) log.warn("SMTP_URL is not set: emails are written to the log instead of being sent");

  async function claim(): Promise<ClaimedEmail[]> {
    // Claiming counts the attempt and leases the row until next_attempt_at: a 'sending' row whose
    // lease ran out belonged to an instance that died mid-send. The attempt number doubles as the
    // lease's fencing token in record().
    return db.$queryRaw<ClaimedEmail[]>`
      UPDATE outbox_emails
      SET status = 'sending',
          attempts = attempts + 1,
          next_attempt_at = now() + ${leaseMs}::double precision * interval '1 millisecond',
          updated_at = now()
      WHERE id IN (
        SELECT id FROM outbox_emails
        WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ${batchSize}::int
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, to_address AS "toAddress", subject, text_body AS "textBody",
                html_body AS "htmlBody", template, attempts`;
  }

  async function record(email: ClaimedEmail, outcome: { sent: true } | { sent: false; error: string; giveUp: boolean }) {
    // Times come from the database clock, the one every instance compares next_attempt_at with.
    const updated = outcome.sent
      ? await db.$executeRaw`
          UPDATE outbox_emails SET status = 'sent', sent_at = now(), updated_at = now()
          WHERE id = ${email.id}::uuid AND status = 'sending' AND attempts = ${email.attempts}::int`
      : await db.$executeRaw`
          UPDATE outbox_emails
          SET status = ${outcome.giveUp ? "failed" : "pending"}::email_outbox_status,
              last_error = ${outcome.error},
              next_attempt_at = now() + ${outcome.giveUp ? 0 : Math.max(0, backoff(email.attempts))}::double precision * interval '1 millisecond',
              updated_at = now()
          WHERE id = ${email.id}::uuid AND status = 'sending' AND attempts = ${email.attempts}::int`;
    if (updated === 0) {
      log.warn({ emailId: email.id, attempt: email.attempts }, "email lease expired before delivery was recorded; it may be sent twice");
    }
  }

  async function send(email: ClaimedEmail): Promise<void> {
    if (!transport) {
      log.info(
        {
          emailId: email.id,
          to: email.toAddress,
          subject: email.subject,
          template: email.template,
          links: email.textBody.match(LINK) ?? [],
          text: email.textBody,
        },
        `email to ${email.toAddress} (logged, not sent): ${email.subject}`,
      );
      return;
    }
    await transport.sendMail({
      from,
      to: email.toAddress,
      subject: email.subject,
      text: email.textBody,
      ...(email.htmlBody !== null ? { html: email.htmlBody } : {}),
      messageId: `<${email.id}@${domain}>`,
      signal: AbortSignal.timeout(sendTimeoutMs),
    });
  }

  async function deliver(email: ClaimedEmail): Promise<boolean> {
    const context = { emailId: email.id, template: email.template, attempt: email.attempts };
    try {
      if (email.attempts > maxAttempts) {
        // Only reachable through a lease that expired on the last attempt: the instance died mid-send.
        await record(email, { sent: false, error: "delivery did not finish on the last attempt", giveUp: true });
        log.error(context, "email delivery abandoned");
        return false;
      }
      try {
        await send(email);
      } catch (error) {
        const giveUp = isPermanent(error) || email.attempts >= maxAttempts;
        await record(email, { sent: false, error: errorMessage(error), giveUp });
        if (giveUp) log.error({ ...context, err: error }, "email delivery failed for good");
        else log.warn({ ...context, err: error }, "email delivery failed; will retry");
        return false;
      }
      await record(email, { sent: true });
      return true;
    } catch (error) {
      // The database is unreachable: the row keeps its lease and is retried once the lease expires.
      log.error({ ...context, err: error }, "could not record email delivery");
      return false;
    }
  }

  let stopped = false;

  async function drain(): Promise<number> {
    let sent = 0;
    try {
      while (!stopped) {
        const batch = await claim();
        const results = await Promise.all(batch.map(deliver));
        sent += results.filter(Boolean).length;
        if (batch.length < batchSize) break;
      }
    } catch (error) {
      log.error({ err: error }, "could not claim emails for delivery");
    }
    return sent;
  }

  let running: Promise<number> | null = null;
  let rerun: Promise<number> | null = null;

  function deliverDue(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    if (!running) {
      running = drain().finally(() => {
        running = null;
      });
      return running;
    }
    // The round under way may have claimed before the caller's message was committed: one more
    // round after it picks that up, and every caller arriving meanwhile shares that round.
    rerun ??= running.then(() => {
      rerun = null;
      return deliverDue();
    });
    return rerun;
  }

  let timer: NodeJS.Timeout | undefined;
  function schedule(): void {
    if (stopped || pollIntervalMs <= 0) return;
    timer = setTimeout(() => void deliverDue().then(schedule), pollIntervalMs);
    // Polling alone must not keep a process (a script, a test) alive.
    timer.unref();
  }
  schedule();

  return {
    deliverDue,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([running, rerun]);
      transport?.close();
    },
  };
}
