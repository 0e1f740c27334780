// The one initTRPC. Routers import only the named procedures below, never `t`.
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z } from "zod";
import type { AuthUser, Context } from "./context.js";
import { scopedDb } from "@meetmind/db";
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  retryAfterSecondsOf,
  UnauthorizedError,
  type AppCode,
  type DomainErrorKind,
} from "./errors.js";
import { databaseUnavailableError, isDatabaseUnavailable } from "./health/database-errors.js";
import { can, type Permission } from "./tenancy/permissions.js";
import type { WorkspaceScope } from "./tenancy/scope.js";

const codeForKind: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
  validation: "BAD_REQUEST",
  rate_limited: "TOO_MANY_REQUESTS",
  unauthorized: "UNAUTHORIZED",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  unavailable: "SERVICE_UNAVAILABLE",
};

/** Carries the domain error's appCode (and retry hint) through tRPC to the formatter. */
class MappedDomainError extends TRPCError {
  constructor(readonly domain: DomainError) {
    super({ code: codeForKind[domain.kind], message: domain.message, cause: domain });
  }
}

/**
 * The appCode of an error tRPC raised itself: its code lower-cased. A table rather than
 * `toLowerCase()` so that a code tRPC adds, and AppCode does not list, fails the typecheck.
 */
const appCodeForTrpcCode: Record<TRPC_ERROR_CODE_KEY, AppCode> = {
  PARSE_ERROR: "parse_error",
  BAD_REQUEST: "bad_request",
  INTERNAL_SERVER_ERROR: "internal_server_error",
  NOT_IMPLEMENTED: "not_implemented",
  BAD_GATEWAY: "bad_gateway",
  SERVICE_UNAVAILABLE: "service_unavailable",
  GATEWAY_TIMEOUT: "gateway_timeout",
  UNAUTHORIZED: "unauthorized",
  PAYMENT_REQUIRED: "payment_required",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  METHOD_NOT_SUPPORTED: "method_not_supported",
  TIMEOUT: "timeout",
  CONFLICT: "conflict",
  PRECONDITION_FAILED: "precondition_failed",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  UNPROCESSABLE_CONTENT: "unprocessable_content",
  PRECONDITION_REQUIRED: "precondition_required",
  TOO_MANY_REQUESTS: "too_many_requests",
  CLIENT_CLOSED_REQUEST: "client_closed_request",
};

function appCodeOf(error: TRPCError): AppCode {
  if (error instanceof MappedDomainError) return error.domain.appCode;
  if (error.cause instanceof z.ZodError) return "invalid_input";
  return appCodeForTrpcCode[error.code];
}

/** Issues by field (`fieldErrors.email`) plus those about the input as a whole (`formErrors`). */
export interface FlatIssues {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

function flattenIssues(error: z.ZodError): FlatIssues {
  return z.flattenError(error);
}

/** Procedure metadata the cross-tenant sweep reads: which permission a workspace procedure needs. */
export interface Meta {
  permission?: Permission;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
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
          zodError: error.cause instanceof z.ZodError ? flattenIssues(error.cause) : null,
          retryAfterSeconds: error instanceof MappedDomainError ? retryAfterSecondsOf(error.domain) : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/** Nesting deeper than this in any input is refused before anything walks it. */
const MAX_INPUT_DEPTH = 64;

/**
 * The one place text is checked for NUL (U+0000): Postgres text cannot store it, so a NUL anywhere
 * in an input (a title, a comment, a transcript file, an object key) is refused as BAD_REQUEST
 * naming the field, before any handler runs. Iterative, so hostile nesting cannot overflow the stack.
 */
function inputProblem(input: unknown): z.core.$ZodIssue | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: input, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return { code: "custom", path, message: "must not contain NUL characters (\\u0000)", input: undefined };
    } else if (typeof value === "object" && value !== null) {
      if (path.length >= MAX_INPUT_DEPTH)
        return { code: "custom", path, message: `nests deeper than ${MAX_INPUT_DEPTH} levels`, input: undefined };
      for (const [key, child] of Object.entries(value)) {
        if (key.includes("\u0000"))
          return { code: "custom", path, message: "keys must not contain NUL characters (\\u0000)", input: undefined };
        stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
      }
    }
  }
  return null;
}

/** Refuses such input as zod would (BAD_REQUEST, `invalid_input`, flattened issues). */
function refuseUncleanInput(input: unknown): void {
  const issue = inputProblem(input);
  if (issue) {
    const where = issue.path.join(".") || "input";
    // ZodRealError, unlike ZodError, is an Error, so tRPC keeps it as the cause the formatter reads.
    throw new TRPCError({ code: "BAD_REQUEST", message: `${where}: ${issue.message}`, cause: new z.ZodRealError([issue]) });
  }
}

/**
 * A browser sends our cookies with cross-site requests too; a mutation that rides on them must
 * come from an allowed origin. Requests without an Origin (non-browser clients) carry no such risk.
 */
function refuseCrossSiteMutation(ctx: Context, type: string): void {
  const usesCookies = ctx.credentials.via === "cookie" || ctx.credentials.refreshCookie !== null;
  if (type === "mutation" && usesCookies && ctx.origin && !ctx.services.settings.allowedOrigins.includes(ctx.origin)) {
    throw new ForbiddenError("Cross-site request rejected", "csrf_rejected");
  }
}

interface Caller {
  user: AuthUser | null;
  sessionId: string | null;
  /** Why the token given was refused: protected procedures answer with it. */
  authError: DomainError | null;
}

/**
 * Resolves the access token (cookie first, then Authorization: Bearer) to a user with a live
 * session. A bad token does not fail public procedures; protected ones report why it was refused.
 */
async function authenticate(ctx: Context): Promise<Caller> {
  const token = ctx.credentials.accessToken;
  if (ctx.user || !token) return { user: ctx.user, sessionId: ctx.sessionId, authError: null };
  try {
    const subject = await ctx.services.tokens.verify(token);
    const principal = await ctx.services.sessions.principal(subject.sessionId, subject.userId);
    if (principal) {
      const user: AuthUser = { id: principal.userId, email: principal.email, isAdmin: principal.isAdmin };
      return { user, sessionId: principal.sessionId, authError: null };
    }
    return { user: null, sessionId: null, authError: new UnauthorizedError("Your session has ended; sign in again", "session_expired") };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { user: null, sessionId: null, authError: error };
  }
}

/**
 * Domain errors become tRPC errors with their codes, in this one place. So does a database outage
 * (connection refused or dropped, wherever it struck): SERVICE_UNAVAILABLE, not a 500.
 */
function mapped(error: TRPCError): TRPCError {
  if (error.cause instanceof DomainError) return new MappedDomainError(error.cause);
  if (isDatabaseUnavailable(error.cause)) return new MappedDomainError(databaseUnavailableError(error.cause));
  return error;
}

/**
 * Where every procedure starts: clean input, the CSRF check and the caller, then whatever the
 * procedure does, with every failure of either mapped. One middleware rather than four because each
 * tRPC middleware level copies the call's options and context: four levels were ~4 % of a read's CPU.
 */
const withRequest = t.procedure.use(async ({ ctx, type, getRawInput, next }) => {
  let result: Awaited<ReturnType<typeof next<Caller>>>;
  try {
    refuseUncleanInput(await getRawInput());
    refuseCrossSiteMutation(ctx, type);
    result = await next({ ctx: await authenticate(ctx) });
  } catch (error) {
    throw mapped(getTRPCErrorFromUnknown(error));
  }
  if (!result.ok) {
    const error = mapped(result.error);
    if (error !== result.error) throw error;
  }
  return result;
});

export const publicProcedure = withRequest;

/** Signed-in users; narrows ctx.user and ctx.sessionId to non-null. */
export const protectedProcedure = withRequest.use(({ ctx, next }) => {
  if (!ctx.user) throw ctx.authError ?? new UnauthorizedError();
  const user: AuthUser = ctx.user;
  const sessionId: string | null = ctx.sessionId;
  // Only what changes: tRPC merges it into the context (spreading it all here would copy it twice).
  return next({ ctx: { user, sessionId } });
});

/** Superusers only. Everyone else is told it does not exist. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) throw new TRPCError({ code: "NOT_FOUND" });
  return next();
});

export const workspaceIdInput = z.object({ workspaceId: z.uuid() });

/**
 * Procedures acting inside one workspace. The workspace comes from the validated input and is
 * checked against the caller's membership: a non-member (or a deleted workspace) gets NOT_FOUND,
 * so existence is never revealed; a member without the permission gets FORBIDDEN. Handlers get
 * `ctx.scope`, whose client cannot reach another workspace's rows.
 */
export function workspaceProcedure(permission: Permission) {
  return protectedProcedure
    .meta({ permission })
    .input(workspaceIdInput)
    .use(async ({ ctx, input, next, type }) => {
      // Reads may use the brief membership cache; writes always check the database.
      const membership = await ctx.services.memberships.find(input.workspaceId, ctx.user.id, { fresh: type !== "query" });
      if (!membership) throw new NotFoundError("Workspace");
      if (!can(membership.role, permission)) {
        throw new ForbiddenError(`Your role (${membership.role}) cannot do this`, "insufficient_role");
      }
      const scope: WorkspaceScope = {
        db: scopedDb(ctx.db, membership.workspace.id),
        workspaceId: membership.workspace.id,
        userId: ctx.user.id,
        role: membership.role,
        memberId: membership.id,
      };
      return next({ ctx: { scope, workspace: membership.workspace } });
    });
}
