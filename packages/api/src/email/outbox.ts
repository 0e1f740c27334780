// Emails are written to an outbox table rather than sent inline, so the email commits or rolls
// back with the change that caused it, and a slow or failing SMTP server never fails a request.
import type { Prisma } from "@meetmind/db";

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Which template produced the message (e.g. `verify_email`), for logs and support queries. */
  template: string;
}

/**
 * Any client that can write the outbox: the root client, a transaction, or a workspace-scoped one
 * (whose extended type is not a TransactionClient, hence this structural type).
 */
export interface OutboxWriter {
  emailOutbox: {
    create(args: { data: Prisma.EmailOutboxUncheckedCreateInput; select: { id: true } }): PromiseLike<{ id: string }>;
  };
}

/** Queues a message for delivery; pass the transaction client to enqueue atomically with a change. */
export async function enqueueEmail(db: OutboxWriter, message: OutboxMessage): Promise<{ id: string }> {
  return db.emailOutbox.create({
    data: {
      toAddress: message.to,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html ?? null,
      template: message.template,
    },
    select: { id: true },
  });
}
