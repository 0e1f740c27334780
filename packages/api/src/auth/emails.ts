// Verification and password-reset emails. Both can be asked for by address alone, and the answer
// must not tell whether that address has an account: not in what it says, and not in how long it
// takes. So the request does the same work for every address (count it against the rate limits,
// queue one job) and everything that depends on the account (finding it, minting a link, queuing
// the email) happens in the job, off the request path.
import { z } from "zod";
import type { Db, Prisma } from "@meetmind/db";
import { passwordReset, verifyEmail as verifyEmailTemplate } from "../email/templates.js";
import { enqueueEmail } from "../email/outbox.js";
import { defineJob, type JobContext, type JobWriter } from "../jobs/queue.js";
import { generateOpaqueToken, hashToken } from "../identity/tokens.js";

type Tx = Prisma.TransactionClient;

export type AuthEmailKind = "verify_email" | "password_reset";

/** What a link is built from; carried in the job so the handler needs no settings of its own. */
export interface LinkTerms {
  /** Base URL of the web app, without a trailing slash. */
  appUrl: string;
  /** How long the link works, counted from when the email is queued. */
  ttlMs: number;
}

/** Sends (or, for an address with no account, silently skips) one verification or reset email. */
export const authEmailJob = defineJob(
  "auth.email",
  z.object({
    kind: z.enum(["verify_email", "password_reset"]),
    email: z.string().min(1),
    appUrl: z.string().min(1),
    ttlMs: z.number().int().positive(),
  }),
);
export const AUTH_EMAIL_QUEUE = authEmailJob.queue;

/** The request half: one INSERT, whether or not the address has an account. */
export async function queueAuthEmail(db: JobWriter, input: { kind: AuthEmailKind; email: string } & LinkTerms): Promise<void> {
  await authEmailJob.enqueue(db, { kind: input.kind, email: input.email, appUrl: input.appUrl, ttlMs: input.ttlMs });
}

/** Replaces any outstanding verification links with a new one, and queues the email. */
export async function sendVerification(
  tx: Tx,
  terms: LinkTerms,
  user: { id: string; email: string; fullName: string | null },
): Promise<void> {
  await tx.emailVerificationToken.updateMany({
    where: { userId: user.id, usedAt: null, expiresAt: { gt: new Date() } },
    data: { expiresAt: new Date() },
  });
  const token = generateOpaqueToken();
  await tx.emailVerificationToken.create({
    data: { userId: user.id, email: user.email, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + terms.ttlMs) },
  });
  const link = `${terms.appUrl}/verify-email?token=${token}`;
  await enqueueEmail(tx, { to: user.email, template: "verify_email", ...verifyEmailTemplate({ name: user.fullName, link }) });
}

/** Replaces any outstanding reset links with a new one, and queues the email. */
async function sendPasswordReset(tx: Tx, terms: LinkTerms, user: { id: string; email: string; fullName: string | null }): Promise<void> {
  // One live link at a time: an older email is dead once a newer one is asked for.
  await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { expiresAt: new Date() } });
  const token = generateOpaqueToken();
  await tx.passwordResetToken.create({
    data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + terms.ttlMs) },
  });
  const link = `${terms.appUrl}/reset-password?token=${token}`;
  await enqueueEmail(tx, { to: user.email, template: "password_reset", ...passwordReset({ name: user.fullName, link }) });
}

/** The job's handler, for the composition root to give the worker. */
export const authEmailJobHandler = (db: Db) => authEmailJob.handle((payload, context) => runAuthEmailJob(db, payload, context));

/** The job half: sends the email if the address has an account that should get it, else nothing. */
export async function runAuthEmailJob(
  db: Db,
  { kind, email, ...terms }: z.infer<typeof authEmailJob.payload>,
  context: JobContext,
): Promise<void> {
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, fullName: true, emailVerifiedAt: true, isActive: true },
  });
  if (!user || !user.isActive) return;
  if (kind === "verify_email" && user.emailVerifiedAt) return;
  // Jobs run at least once. A link minted since this job was queued (by an earlier run of it, or
  // by a later request) already answers it: a rerun must not send a second email that kills it.
  // Both instants come from the database clock.
  const job = await db.job.findUnique({ where: { id: context.jobId }, select: { createdAt: true } });
  const requestedAt = job?.createdAt ?? new Date(0);
  await db.$transaction(async (tx) => {
    const since = { userId: user.id, createdAt: { gte: requestedAt } };
    if (kind === "verify_email") {
      if (await tx.emailVerificationToken.findFirst({ where: since, select: { id: true } })) return;
      await sendVerification(tx, terms, user);
    } else {
      if (await tx.passwordResetToken.findFirst({ where: since, select: { id: true } })) return;
      await sendPasswordReset(tx, terms, user);
    }
  });
}
