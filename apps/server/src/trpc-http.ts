// tRPC over HTTP. Everything goes through tRPC's own Express adapter except the most frequent
// request of all: a GET of one query (what `httpLink` sends for every read), which is answered here
// by calling the procedure directly and shaping the answer with tRPC's own functions.
//
// Why: on Node 20 the adapter turns every request into a Fetch `Request` (a `Headers` copy of every
// header, three AbortControllers, a ReadableStream piped into a WritableStream for the body) and
// answers it chunked. That cost 0.5 ms of CPU per call, measured on a procedure that does nothing:
// more than the bare node:http baseline of `pnpm bench:http` spends on a whole `meetings.get`. The
// direct path does what `resolveResponse` does for this one case: same context, same procedure call,
// same `onError`, `responseMeta`, error shape, status code and body bytes, plus a content-length.
// `trpc-http.test.ts` sends the same requests both ways and compares status, headers and bodies.
// Batches, streams (httpBatchStreamLink), subscriptions, mutations, HEAD, unknown procedures and any
// GET with a body type tRPC would refuse still go through the adapter. The adapter's own options
// `middleware`, `allowMethodOverride`, `allowBatching` and `maxBodySize` concern none of those GETs
// (app.ts sets none of them); unlike the adapter, the direct path does not build a URL from the Host
// header, so a malformed Host is no reason to refuse a read.
import type { Request, RequestHandler, Response } from "express";
import type { inferRouterContext, inferRouterError } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import type { AppRouter } from "@meetmind/api";
import { getHTTPStatusCode, type TRPCRequestInfo } from "@trpc/server/http";
import {
  getErrorShape,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
  TRPCError,
  urlPathToProcedurePath,
  type TRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";

/** tRPC's Express adapter options (router, createContext, onError, responseMeta…): both paths use them. */
export type TrpcHandlerOptions = Parameters<typeof createExpressMiddleware<AppRouter>>[0];

/**
 * tRPC's own Vary (its answers depend on these request headers). Added to what is there rather than
 * replacing it as the adapter does, so the `Vary: Origin` of app.ts survives: a GET is what a shared
 * cache may keep.
 */
const VARY = "trpc-accept, accept";

/** tRPC's own test (resolveResponse): a stream, or an object holding promises or streams. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

/** A GET of one query, with nothing tRPC itself would treat differently (see resolveResponse). */
function isSingleQueryGet(req: Request, query: URLSearchParams): boolean {
  if (req.method !== "GET") return false;
  const contentType = req.headers["content-type"];
  if (contentType !== undefined && contentType.split(";", 1)[0]?.trim().toLowerCase() !== "application/json") return false;
  // `batch=1`, connection params and the streaming/SSE accept headers select tRPC's other answers.
  if (query.has("batch") || query.has("connectionParams") || req.headers["trpc-accept"] !== undefined) return false;
  const accept = req.headers.accept ?? "";
  return !accept.includes("text/event-stream") && !accept.includes("application/jsonl");
}

export function createTrpcHandler(options: TrpcHandlerOptions): RequestHandler {
  const adapter = createExpressMiddleware(options);
  const config = options.router._def._config;

  /** Writes the answer as resolveResponse would, plus a content-length; throws before writing anything. */
  function send(
    res: Response,
    body: TRPCResponse<unknown, inferRouterError<AppRouter>>,
    error: TRPCError | undefined,
    ctx: inferRouterContext<AppRouter> | undefined,
    info: TRPCRequestInfo,
    path: string,
  ): void {
    const errors = error ? [error] : [];
    const meta = options.responseMeta?.({ ctx, info, paths: [path], data: [body], errors, eagerGeneration: false, type: "query" }) ?? {};
    const text = JSON.stringify(transformTRPCResponse(config, body));
    res.statusCode = meta.status || getHTTPStatusCode([body], errors);
    // Appended by hand: Express's res.vary re-parses the header on every call.
    const vary = res.getHeader("vary");
    res.setHeader("vary", typeof vary === "string" && vary ? `${vary}, ${VARY}` : VARY);
    res.setHeader("content-type", "application/json");
    if (meta.headers instanceof Headers) {
      for (const [name, value] of meta.headers) if (name !== "set-cookie") res.setHeader(name, value);
      const cookies = meta.headers.getSetCookie();
      if (cookies.length > 0) res.appendHeader("set-cookie", cookies);
    } else {
      for (const [name, value] of Object.entries(meta.headers ?? {})) {
        if (typeof value === "string" || Array.isArray(value)) res.setHeader(name, value);
      }
    }
    res.setHeader("content-length", Buffer.byteLength(text));
    res.end(text);
  }

  async function answer(req: Request, res: Response, path: string, query: URLSearchParams): Promise<boolean> {
    const procedure = await getProcedureAtPath(options.router, path);
    if (!procedure || procedure._def.type !== "query") return false;

    // The signal a procedure gets: aborted when the client goes away before the answer.
    const abort = new AbortController();
    const onClose = () => !res.writableFinished && abort.abort();
    res.once("close", onClose);

    // As tRPC reads a GET's input: JSON in `?input=`, through the transformer, once; what does not
    // parse is a BAD_REQUEST carrying the parser's message.
    let parsed: { input: unknown } | undefined;
    const getRawInput = async () => {
      if (!parsed) {
        const raw = query.get("input");
        try {
          parsed = { input: raw ? config.transformer.input.deserialize(JSON.parse(raw)) : undefined };
        } catch (cause) {
          throw new TRPCError({ code: "BAD_REQUEST", message: cause instanceof Error ? cause.message : "Invalid input", cause });
        }
      }
      return parsed.input;
    };
    const info: TRPCRequestInfo = {
      accept: null,
      type: "query",
      isBatchCall: false,
      calls: [{ path, getRawInput, result: () => parsed?.input, procedure, batchIndex: 0 }],
      connectionParams: null,
      signal: abort.signal,
      url: null,
    };

    let ctx: inferRouterContext<AppRouter> | undefined;
    let body: TRPCResponse<unknown, inferRouterError<AppRouter>>;
    let error: TRPCError | undefined;
    try {
      ctx = await options.createContext?.({ req, res, info });
      const data: unknown = await procedure({ path, getRawInput, ctx, type: "query", signal: abort.signal, batchIndex: 0 });
      if (isDataStream(data)) {
        throw new TRPCError({
          code: "UNSUPPORTED_MEDIA_TYPE",
          message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
        });
      }
      body = { result: { data } };
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      const input = parsed?.input;
      options.onError?.({ error, path, input, ctx, type: "query", req });
      body = { error: getErrorShape({ config, ctx, error, input, path, type: "query" }) };
    } finally {
      res.off("close", onClose);
    }

    try {
      send(res, body, error, ctx, info, path);
    } catch (cause) {
      // Serialising or shaping failed after the procedure (tRPC catches the same in resolveResponse):
      // a tRPC-shaped 500, not the app's generic one.
      const failure = getTRPCErrorFromUnknown(cause);
      options.onError?.({ error: failure, path, input: parsed?.input, ctx, type: "query", req });
      send(
        res,
        { error: getErrorShape({ config, ctx, error: failure, input: parsed?.input, path, type: "query" }) },
        failure,
        ctx,
        info,
        path,
      );
    }
    return true;
  }

  return (req, res, next) => {
    // As tRPC reads it (URLSearchParams: every parameter, the first of repeated ones), not req.query.
    const at = req.url.indexOf("?");
    const query = new URLSearchParams(at < 0 ? "" : req.url.slice(at + 1));
    if (!isSingleQueryGet(req, query)) return void adapter(req, res, next);
    let path: string;
    try {
      // As the adapter takes it: the last path segment, URL-decoded.
      path = urlPathToProcedurePath(decodeURIComponent(req.path.slice(req.path.lastIndexOf("/") + 1)), config.pathSeparator);
    } catch {
      return void adapter(req, res, next);
    }
    answer(req, res, path, query).then(
      (answered) => answered || adapter(req, res, next),
      (error: unknown) => next(error),
    );
  };
}
