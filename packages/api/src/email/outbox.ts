// Emails are written to an outbox table rather than sent inline, so the email commits or rolls
// back with the change that caused it, and a slow or failing SMTP server never fails a request.
import type { Db, Prisma } from "@meetmind/db";

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Which template produced the message (e.g. `verify_email`), for logs and support queries. */
  template: string;
}

/** Queues a message for delivery; pass the transaction client to enqueue atomically with a change. */
export async function enqueueEmail(db: Db | Prisma.TransactionClient, message: OutboxMessage): Promise<{ id: string }> {
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
