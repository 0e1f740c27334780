import { randomUUID } from "node:crypto";
import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { Logger } from "pino";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { appRouter, checkReadiness } from "@meetmind/api";
import type { Env } from "@meetmind/config";
import type { Db } from "@meetmind/db";
import { createContextFactory } from "./context.js";

export interface AppDeps {
  env: Env;
  db: Db;
  log: Logger;
}

// A client-supplied request id is kept (for tracing across services) only if it looks like one.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(value);
  const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
  return match?.[1] && match[2] ? Number(match[1]) * (units[match[2].toLowerCase()] ?? 1) : 1024 * 1024;
}

export function createApp({ env, db, log }: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use(
    pinoHttp({
      logger: log,
      genReqId(req, res) {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      customAttributeKeys: { reqId: "requestId" },
      // Probes would drown the log.
      autoLogging: { ignore: (req) => req.url?.startsWith("/health") ?? false },
    }),
  );
  app.use(helmet());
  const allowed = new Set(env.CORS_ORIGINS);
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && (allowed.has(origin) || allowed.has("*"))),
      credentials: true,
      exposedHeaders: ["x-request-id"],
    }),
  );

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    const readiness = await checkReadiness(db);
    res.status(readiness.status === "ok" ? 200 : 503).json(readiness);
  });

  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(db),
      maxBodySize: parseByteSize(env.BODY_LIMIT),
      onError({ error, path, ctx }) {
        // Expected errors are the client's business; only unexpected ones are ours to log.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          (ctx?.log ?? log).error({ err: error.cause ?? error, path }, "unexpected error");
        }
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: { message: "Not found", appCode: "not_found" } });
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    req.log.error({ err: error }, "unhandled error");
    res.status(500).json({ error: { message: "Internal server error", appCode: "internal_server_error" } });
  };
  app.use(onError);
  return app;
}
