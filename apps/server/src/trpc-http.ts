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
// GET with a body type tRPC would refuse still go through the adapter.
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

/** A GET of one query, with nothing tRPC itself would treat differently (see resolveResponse). */
function isSingleQueryGet(req: Request, query: Request["query"]): boolean {
  if (req.method !== "GET") return false;
  const contentType = req.headers["content-type"];
  if (contentType !== undefined && contentType.split(";", 1)[0]?.trim().toLowerCase() !== "application/json") return false;
  // `batch=1`, connection params and the streaming/SSE accept headers select tRPC's other answers.
  if (query.batch !== undefined || query.connectionParams !== undefined || req.headers["trpc-accept"] !== undefined) return false;
  const accept = req.headers.accept ?? "";
  return !accept.includes("text/event-stream") && !accept.includes("application/jsonl");
}

export function createTrpcHandler(options: TrpcHandlerOptions): RequestHandler {
  const adapter = createExpressMiddleware(options);
  const config = options.router._def._config;

  async function answer(req: Request, res: Response, path: string, query: Request["query"]): Promise<boolean> {
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
        // The first `input` if there are several, as URLSearchParams.get takes it.
        const value = query.input;
        const raw = Array.isArray(value) ? value[0] : value;
        try {
          parsed = { input: typeof raw === "string" && raw ? config.transformer.input.deserialize(JSON.parse(raw)) : undefined };
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
      if (isAsyncIterable(data) || data instanceof ReadableStream) {
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

    const errors = error ? [error] : [];
    const meta = options.responseMeta?.({ ctx, info, paths: [path], data: [body], errors, eagerGeneration: false, type: "query" }) ?? {};
    const text = JSON.stringify(transformTRPCResponse(config, body));
    res.statusCode = meta.status ?? getHTTPStatusCode([body], errors);
    // Appended by hand: Express's res.vary re-parses the header on every call.
    const vary = res.getHeader("vary");
    res.setHeader("vary", typeof vary === "string" && vary ? `${vary}, ${VARY}` : VARY);
    res.setHeader("content-type", "application/json");
    const extra = meta.headers instanceof Headers ? [...meta.headers.entries()] : Object.entries(meta.headers ?? {});
    for (const [name, value] of extra) if (value !== undefined) res.setHeader(name, value);
    res.setHeader("content-length", Buffer.byteLength(text));
    res.end(text);
    return true;
  }

  return (req, res, next) => {
    // Express 5 parses the query string again on every read of req.query: once here.
    const query = req.query;
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
