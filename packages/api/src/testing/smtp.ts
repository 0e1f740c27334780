// A real SMTP server on a loopback port for tests: what nodemailer sends arrives here over the
// wire, and is parsed with mailparser so bodies are decoded exactly as a mail client would
// (quoted-printable soft line breaks would otherwise split long links).
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerError } from "smtp-server";

export interface ReceivedEmail {
  /** Addresses of the To header, comma-separated (one address for our emails). */
  to: string;
  /** The From header as written, e.g. `MeetMind <no-reply@meetmind.local>`. */
  from: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  /** The SMTP envelope, which is what actually routes the message. */
  envelope: { from: string; to: string[] };
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port>, for SMTP_URL or startEmailDelivery({ smtpUrl }). */
  url: string;
  /** Every accepted message, oldest first. */
  messages: ReceivedEmail[];
  /** The first message (already received or yet to come) that matches. */
  waitFor(predicate: (message: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
  /** Rejects the next n messages with a transient 451 (or the given code, e.g. 550 for permanent). */
  failNext(n: number, responseCode?: number): void;
  close(): Promise<void>;
}

function addresses(header: AddressObject | AddressObject[] | undefined): string {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects
    .flatMap((object) => object.value)
    .map((entry) => entry.address ?? "")
    .filter(Boolean)
    .join(", ");
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedEmail[] = [];
  const waiters = new Set<(message: ReceivedEmail) => void>();
  let failures: { remaining: number; responseCode: number } = { remaining: 0, responseCode: 451 };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    // Lets a URL with credentials work too, without TLS on loopback.
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: "test" }),
    logger: false,
    // Pooled clients keep connections open; close() should not wait long for them.
    closeTimeout: 200,
    onMailFrom(_address, _session, callback) {
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        const error: SMTPServerError = new Error("Test server told to reject this message");
        error.responseCode = failures.responseCode;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const message: ReceivedEmail = {
            to: addresses(parsed.to),
            from: parsed.from?.text ?? "",
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            ...(typeof parsed.html === "string" ? { html: parsed.html } : {}),
            ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
            },
          };
          messages.push(message);
          for (const waiter of waiters) waiter(message);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(predicate, timeoutMs = 5_000) {
      const existing = messages.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = (message: ReceivedEmail) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = messages.map((message) => `${message.to}: ${message.subject}`).join("; ") || "none";
          reject(new Error(`No matching email within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(n, responseCode = 451) {
      failures = { remaining: n, responseCode };
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
