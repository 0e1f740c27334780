import type { CreateExpressContextOptions } from "@trpc/server/adapters/express";
import { createContextInner, type Context } from "@meetmind/api";
import type { Db } from "@meetmind/db";

/** Context for HTTP requests: the request id and logger come from pino-http (see app.ts). */
export function createContextFactory(db: Db) {
  return ({ req }: CreateExpressContextOptions): Context =>
    createContextInner({
      db,
      log: req.log,
      requestId: String(req.id),
      ip: req.ip ?? null,
      userAgent: req.get("user-agent") ?? null,
    });
}
