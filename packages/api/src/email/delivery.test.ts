import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger, type Logger } from "../logger.js";
import { startTestSmtpServer, type TestSmtpServer } from "../testing/smtp.js";
import { startEmailDelivery, type EmailDelivery, type EmailDeliveryOptions } from "./delivery.js";
import { enqueueEmail } from "./outbox.js";
import { passwordReset, verifyEmail } from "./templates.js";

const FROM = "MeetMind <no-reply@meetmind.test>";
// Longer than a quoted-printable line (76), so a soft line break lands inside it on the wire.
const LONG_LINK = `https://app.meetmind.test/verify-email?token=${"a1B2c3D4e5".repeat(8)}&next=%2Fworkspaces%2Fdemo`;

let database: TestDatabase;
let db: Db;
let smtp: TestSmtpServer;
const deliveries: EmailDelivery[] = [];

beforeAll(async () => {
  [database, smtp] = await Promise.all([createTestDatabase(), startTestSmtpServer()]);
  db = database.db;
});

afterEach(async () => {
  await Promise.all(deliveries.splice(0).map((delivery) => delivery.stop()));
  await db.emailOutbox.deleteMany();
  smtp.messages.splice(0);
  smtp.failNext(0);
});

afterAll(async () => {
  await smtp?.close();
  await database?.close();
});

function delivery(options: Partial<EmailDeliveryOptions> = {}): EmailDelivery {
  const started = startEmailDelivery({
    db,
    smtpUrl: smtp.url,
    from: FROM,
    log: silentLogger,
    // Tests drive rounds themselves and retry at once, so nothing sleeps.
    pollIntervalMs: 0,
    backoff: () => 0,
    ...options,
  });
  deliveries.push(started);
  return started;
}

function enqueue(to: string, subject = "Hello", text = `Hi\n\n${LONG_LINK}\n`) {
  return enqueueEmail(db, { to, subject, text, template: "test" });
}

function row(id: string) {
  return db.emailOutbox.findUniqueOrThrow({ where: { id } });
}

interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  msg: string | undefined;
}

function capturingLogger(entries: LogEntry[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: LogEntry["level"]) =>
    (obj: object | string, msg?: string): void => {
      entries.push(
        typeof obj === "string"
          ? { level, fields: bindings, msg: obj }
          : { level, fields: { ...bindings, ...(obj as Record<string, unknown>) }, msg },
      );
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => capturingLogger(entries, { ...bindings, ...more }),
  };
}

describe("email delivery over SMTP", () => {
  it("delivers a queued email with its headers, and the link intact in text and HTML", async () => {
    const email = verifyEmail({ name: "Ada <Lovelace>", link: LONG_LINK });
    const { id } = await enqueueEmail(db, { to: "ada@example.com", template: "verify_email", ...email });

    expect(await delivery().deliverDue()).toBe(1);

    expect(smtp.messages).toHaveLength(1);
    const received = smtp.messages[0]!;
    expect(received.to).toBe("ada@example.com");
    expect(received.envelope).toEqual({ from: "no-reply@meetmind.test", to: ["ada@example.com"] });
    expect(received.from).toContain("no-reply@meetmind.test");
    expect(received.from).toContain("MeetMind");
    expect(received.subject).toBe(email.subject);
    expect(received.messageId).toBe(`<${id}@meetmind.test>`);
    expect(received.text).toContain(`\n${LONG_LINK}\n`);
    expect(received.text).toContain("Hi Ada <Lovelace>,");
    expect(received.html).toContain(`href="${LONG_LINK.replaceAll("&", "&amp;")}"`);
    expect(received.html).toContain("Hi Ada &lt;Lovelace&gt;,");

    const stored = await row(id);
    expect(stored).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(stored.sentAt).toBeInstanceOf(Date);
  });

  it("retries a transient failure, then delivers, recording both attempts", async () => {
    const mailer = delivery();
    const { id } = await enqueue("retry@example.com");
    smtp.failNext(1);

    expect(await mailer.deliverDue()).toBe(0);
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, sentAt: null });
    expect(failed.lastError).toMatch(/451/);

    expect(await mailer.deliverDue()).toBe(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(smtp.messages.map((message) => message.to)).toEqual(["retry@example.com"]);
  });

  it("waits out the backoff before retrying", async () => {
    const attempts: number[] = [];
    const mailer = delivery({
      backoff: (attempt) => {
        attempts.push(attempt);
        return 60_000;
      },
    });
    const { id } = await enqueue("later@example.com");
    smtp.failNext(1);

    const before = Date.now();
    expect(await mailer.deliverDue()).toBe(0);
    expect(await mailer.deliverDue()).toBe(0);
    expect(attempts).toEqual([1]);
    const stored = await row(id);
    expect(stored).toMatchObject({ status: "pending", attempts: 1 });
    // Set by the database clock; allow for a little skew against this process.
    expect(stored.nextAttemptAt.getTime()).toBeGreaterThan(before + 50_000);

    await db.emailOutbox.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
    expect(await mailer.deliverDue()).toBe(1);
  });

  it("marks an email failed after maxAttempts, keeping the last error", async () => {
    const mailer = delivery({ maxAttempts: 3 });
    const { id } = await enqueue("never@example.com");
    smtp.failNext(10);

    for (let round = 0; round < 4; round += 1) expect(await mailer.deliverDue()).toBe(0);

    const stored = await row(id);
    expect(stored).toMatchObject({ status: "failed", attempts: 3, sentAt: null });
    expect(stored.lastError).toMatch(/451/);
    expect(smtp.messages).toHaveLength(0);
  });

  it("gives up at once on a permanent (5xx) rejection", async () => {
    const mailer = delivery();
    const { id } = await enqueue("nobody@example.com");
    smtp.failNext(1, 550);

    expect(await mailer.deliverDue()).toBe(0);
    const stored = await row(id);
    expect(stored).toMatchObject({ status: "failed", attempts: 1 });
    expect(stored.lastError).toMatch(/550/);
    expect(await mailer.deliverDue()).toBe(0);
  });

  it("never sends a message twice when several instances deliver at once", async () => {
    const ids = [];
    for (let n = 0; n < 20; n += 1) ids.push((await enqueue(`user${n}@example.com`, `Message ${n}`)).id);
    // Small batches so the two instances' claims interleave rather than one taking everything.
    const first = delivery({ batchSize: 3 });
    const second = delivery({ batchSize: 3 });

    const counts = await Promise.all([first.deliverDue(), second.deliverDue(), first.deliverDue(), second.deliverDue()]);

    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(20);
    const subjects = smtp.messages.map((message) => message.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 20 }, (_, n) => `Message ${n}`).sort());
    expect(await db.emailOutbox.count({ where: { status: "sent", attempts: 1 } })).toBe(20);
  });

  it("polls for due emails by itself", async () => {
    delivery({ pollIntervalMs: 20 });
    await enqueue("polled@example.com", "Polled");
    const received = await smtp.waitFor((message) => message.subject === "Polled");
    expect(received.to).toBe("polled@example.com");
  });

  it("takes over an email whose sender died mid-send, but leaves live claims alone", async () => {
    const orphan = await enqueue("orphan@example.com", "Orphan");
    const claimed = await enqueue("claimed@example.com", "Claimed");
    await db.emailOutbox.update({
      where: { id: orphan.id },
      data: { status: "sending", attempts: 1, nextAttemptAt: new Date(Date.now() - 1_000) },
    });
    await db.emailOutbox.update({
      where: { id: claimed.id },
      data: { status: "sending", attempts: 1, nextAttemptAt: new Date(Date.now() + 60_000) },
    });

    expect(await delivery().deliverDue()).toBe(1);
    expect(smtp.messages.map((message) => message.subject)).toEqual(["Orphan"]);
    expect(await row(orphan.id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(await row(claimed.id)).toMatchObject({ status: "sending", attempts: 1 });
  });

  it("abandons an orphaned email that was already on its last attempt", async () => {
    const { id } = await enqueue("doomed@example.com");
    await db.emailOutbox.update({
      where: { id },
      data: { status: "sending", attempts: 2, nextAttemptAt: new Date(Date.now() - 1_000) },
    });

    expect(await delivery({ maxAttempts: 2 }).deliverDue()).toBe(0);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 3 });
    expect(smtp.messages).toHaveLength(0);
  });

  it("stop() lets the round in progress finish", async () => {
    const mailer = delivery();
    const { id } = await enqueue("inflight@example.com");
    const round = mailer.deliverDue();
    await mailer.stop();
    expect(await round).toBe(1);
    expect(await row(id)).toMatchObject({ status: "sent" });
    expect(await mailer.deliverDue()).toBe(0);
  });

  it("enqueues inside the caller's transaction", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await enqueueEmail(tx, { to: "rolled@example.com", subject: "Rolled back", text: "x", template: "test" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.emailOutbox.count()).toBe(0);
  });
});

describe("email delivery without SMTP (development)", () => {
  it("writes the email and its links to the log and marks it sent", async () => {
    const entries: LogEntry[] = [];
    const link = "https://app.meetmind.test/reset-password?token=abc123";
    const { id } = await enqueueEmail(db, {
      to: "dev@example.com",
      template: "password_reset",
      ...passwordReset({ name: "Dev", link }),
    });

    const mailer = delivery({ smtpUrl: undefined, log: capturingLogger(entries) });
    expect(await mailer.deliverDue()).toBe(1);

    const logged = entries.find((entry) => entry.level === "info" && entry.fields.emailId === id);
    expect(logged).toBeDefined();
    expect(logged?.fields).toMatchObject({ to: "dev@example.com", template: "password_reset", links: [link] });
    expect(logged?.fields.text).toContain(link);
    expect(logged?.msg).toContain("Reset your MeetMind password");
    expect(entries.some((entry) => entry.level === "warn" && /SMTP_URL/.test(entry.msg ?? ""))).toBe(true);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1 });
    expect(smtp.messages).toHaveLength(0);
  });
});
