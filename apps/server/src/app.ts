import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import {
  appRouter,
  checkReadiness,
  DATABASE_RETRY_AFTER_SECONDS,
  retryAfterSecondsOf,
  type AppCode,
  type AppServices,
} from "@meetmind/api";
import type { Env } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createContextFactory } from "./context.js";
import { requestLog } from "./request-log.js";
import { securityHeaders } from "./security-headers.js";
import { createTrpcHandler, type TrpcHandlerOptions } from "./trpc-http.js";

export interface AppDeps {
  env: Env;
  db: Db;
  log: Logger;
  services: AppServices;
}

/** How tRPC is served: the router, each request's context, and what errors log and answer. */
export function trpcOptions({ db, log, services }: Omit<AppDeps, "env">): TrpcHandlerOptions {
  return {
    router: appRouter,
    createContext: createContextFactory(db, services),
    onError({ error, path, ctx }) {
      // Expected errors are the client's business; only unexpected ones are ours to log.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        (ctx?.log ?? log).error({ err: error.cause ?? error, path }, "unexpected error");
      }
      // An outage is ours to know about, though not a bug: the driver's error, as a warning.
      if (error.code === "SERVICE_UNAVAILABLE") {
        (ctx?.log ?? log).warn({ err: error.cause?.cause ?? error, path }, "request failed: service unavailable");
      }
    },
    // Rate limits and outages tell the client when to come back. A streamed response
    // (httpBatchStreamLink) has sent its headers before any procedure ran: its errors carry
    // retryAfterSeconds in their data instead.
    responseMeta({ errors }) {
      const seconds = Math.max(0, ...errors.map((error) => retryAfterSecondsOf(error.cause) ?? 0));
      return seconds > 0 ? { headers: { "retry-after": String(seconds) } } : {};
    },
  };
}

export function createApp({ env, db, log, services }: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use(requestLog(log));
  app.use(securityHeaders());
  const allowed = new Set(env.CORS_ORIGINS);
  const corsHeaders = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (allowed.has(origin) || allowed.has("*"))),
    credentials: true,
    exposedHeaders: ["x-request-id"],
  });
  // Only browsers on another origin send Origin (preflights always do); scripts and same-origin
  // pages have no CORS headers to get, so they skip the middleware.
  app.use((req, res, next) => {
    if (req.headers.origin !== undefined) return corsHeaders(req, res, next);
    // What cors() would add: a shared cache must not hand this answer to a browser on an allowed origin.
    res.setHeader("vary", "Origin");
    next();
  });

  // Parsed here, for every route, so the size limit holds whatever the procedure type;
  // the tRPC adapter reuses the parsed body.
  const jsonBody = express.json({ limit: env.BODY_LIMIT });
  // Queries are GETs with their input in the URL: only requests that may carry a body are parsed.
  app.use((req, res, next) => (req.method === "GET" || req.method === "HEAD" ? next() : jsonBody(req, res, next)));

  // First: nearly every request is a procedure call, and Express tries routes in order.
  app.use("/trpc", createTrpcHandler(trpcOptions({ db, log, services })));

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    const readiness = await checkReadiness(db);
    if (readiness.status !== "ok") res.set("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(readiness.status === "ok" ? 200 : 503).json(readiness);
  });

  // Public keys for verifying our access tokens (empty when tokens use a shared secret).
  app.get("/.well-known/jwks.json", (_req, res) => {
    res.set("cache-control", "public, max-age=300").json(services.tokens.jwks());
  });

  app.use((_req, res) => {
    res.status(404).json({ error: { message: "Not found", appCode: "not_found" satisfies AppCode } });
  });
  const onError: ErrorRequestHandler = (error: { type?: string; status?: number }, req, res, _next) => {
    // body-parser's errors: the client's fault, answered plainly.
    if (error.type === "entity.too.large") {
      res.status(413).json({
        error: { message: `Request body is larger than ${env.BODY_LIMIT}`, appCode: "payload_too_large" satisfies AppCode },
      });
      return;
    }
    if (error.type === "entity.parse.failed") {
      res.status(400).json({ error: { message: "Request body is not valid JSON", appCode: "invalid_json" satisfies AppCode } });
      return;
    }
    req.log.error({ err: error }, "unhandled error");
    res.status(500).json({ error: { message: "Internal server error", appCode: "internal_server_error" satisfies AppCode } });
  };
  app.use(onError);
  return app;
}
