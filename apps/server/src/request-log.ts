// One log line per finished request, and a logger bound to its request id for everything the
// request logs on the way (ctx.log). Written here rather than with pino-http because pino-http
// binds the whole request to a child logger on every request, which serialises and redacts its
// headers whether or not a line is ever written: ~10 % of a read's CPU (`pnpm bench:http`). Here
// nothing is built for a line the level does not let through.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";

declare module "node:http" {
  interface IncomingMessage {
    /** The request id (also sent back as x-request-id). */
    id: string;
    /** A logger whose every line carries the request id. */
    log: Logger;
  }
}

// A client-supplied request id is kept (for tracing across services) only if it looks like one.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A request slower than this is logged at warn, whatever it answered. */
export const SLOW_REQUEST_MS = 1_000;

type Level = "debug" | "info" | "warn" | "error";

/**
 * A successful read (a GET: tRPC queries) is the bulk of the traffic and says nothing an operator
 * acts on, so it is logged at debug. Writes, refusals (4xx) and anything slow are logged at info or
 * warn, failures at error: what matters is always there at LOG_LEVEL=info.
 */
export function requestLogLevel(method: string | undefined, status: number, elapsedMs: number): Level {
  if (status >= 500) return "error";
  if (elapsedMs >= SLOW_REQUEST_MS) return "warn";
  if (status >= 400 || method !== "GET") return "info";
  return "debug";
}

/**
 * A child logger made on first use. Most requests log nothing but their own line, and making a
 * child of a redacting pino logger costs ~20 µs (it runs the redaction over the bindings).
 */
function lazyChild(log: Logger, bindings: Record<string, string>): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= log.child(bindings));
  // Every trap goes to the child, so that setting (say, its level) never touches the parent.
  return new Proxy(log, {
    get(_target, key) {
      const value: unknown = Reflect.get(made(), key, made());
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(made()) : value;
    },
    set: (_target, key, value) => Reflect.set(made(), key, value),
    has: (_target, key) => Reflect.has(made(), key),
  });
}

/** Express middleware. Health probes get an id but no line: they would drown the log. */
export function requestLog(log: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = performance.now();
    const incoming = req.headers["x-request-id"];
    req.id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = lazyChild(log, { requestId: req.id });
    res.setHeader("x-request-id", req.id);
    if (req.url?.startsWith("/health")) return next();

    const done = (aborted: boolean) => {
      res.off("finish", finished);
      res.off("close", closed);
      const elapsedMs = performance.now() - started;
      const level = aborted ? "info" : requestLogLevel(req.method, res.statusCode, elapsedMs);
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          requestId: req.id,
          req: { method: req.method, url: req.url, headers: req.headers, remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(elapsedMs),
        },
        aborted ? "request aborted" : "request completed",
      );
    };
    const finished = () => done(false);
    const closed = () => done(!res.writableFinished);
    res.on("finish", finished);
    res.on("close", closed);
    next();
  };
}
