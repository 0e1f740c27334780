// The one initTRPC. Routers import only the named procedures below, never `t`.
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z } from "zod";
import type { AuthUser, Context } from "./context.js";
import { DomainError, type DomainErrorKind } from "./errors.js";

const codeForKind: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
  validation: "BAD_REQUEST",
  rate_limited: "TOO_MANY_REQUESTS",
  unauthorized: "UNAUTHORIZED",
  payload_too_large: "PAYLOAD_TOO_LARGE",
};

/** Carries the domain error's appCode (and retry hint) through tRPC to the formatter. */
class MappedDomainError extends TRPCError {
  constructor(readonly domain: DomainError) {
    super({ code: codeForKind[domain.kind], message: domain.message, cause: domain });
  }
}

function appCodeOf(error: TRPCError): string {
  if (error instanceof MappedDomainError) return error.domain.appCode;
  if (error.cause instanceof z.ZodError) return "invalid_input";
  return error.code.toLowerCase();
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Never ship stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const unexpected = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Internals (SQL, file paths, driver messages) stay in the logs.
      message: unexpected ? "Internal server error" : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appCodeOf(error),
        zodError: error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null,
        retryAfterSeconds:
          error instanceof MappedDomainError && "retryAfterSeconds" in error.domain
            ? (error.domain.retryAfterSeconds as number)
            : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: domain errors become tRPC errors with their codes, in this one place. */
const baseProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    throw new MappedDomainError(result.error.cause);
  }
  return result;
});

export const publicProcedure = baseProcedure;

/** Signed-in users; narrows ctx.user to non-null. */
export const protectedProcedure = baseProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Not signed in" });
  const user: AuthUser = ctx.user;
  return next({ ctx: { ...ctx, user } });
});

/** Superusers only. Everyone else is told it does not exist. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) throw new TRPCError({ code: "NOT_FOUND" });
  return next();
});
