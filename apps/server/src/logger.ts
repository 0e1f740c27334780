import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import type PinoPretty from "pino-pretty";

// Secrets must never reach the logs, wherever they sit in a logged object.
const SECRET_KEYS = [
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "tokenHash",
  "secretHash",
  "secret",
  "apiKey",
];

export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

export interface LoggerOptions {
  /** Readable lines (pino-pretty) instead of JSON lines; see prettyLogsWanted. */
  pretty?: boolean;
}

export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const stream = options.pretty ? prettyStream(destination) : destination;
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, stream);
}

/**
 * Readable logs for a person watching `pnpm dev` in a terminal. Anything else (production, a pipe,
 * a file, a log collector) gets one JSON object per line.
 */
export function prettyLogsWanted(nodeEnv: string, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return nodeEnv === "development" && stdout.isTTY === true;
}

/**
 * pino-pretty is a devDependency: loaded only when asked for, so a production install without it
 * still starts. A synchronous stream in this thread (not a transport's worker), so nothing logged
 * just before an exit is lost, and redaction has already happened when it formats.
 */
function prettyStream(destination?: pino.DestinationStream): pino.DestinationStream {
  const pretty = createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty;
  return pretty({
    destination: destination ?? 1,
    colorize: destination === undefined,
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
  });
}
