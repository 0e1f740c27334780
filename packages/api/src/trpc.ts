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
import { invalidApiKey, isApiKeyToken, type ApiKeyPrincipal } from "./identity/api-keys.js";
import { holds, keyAllows, type Permission } from "./tenancy/permissions.js";
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
  /** A live API key (`mm_…`): `user` stays null until a workspace procedure admits the key. */
  apiKey: ApiKeyPrincipal | null;
  /** Why the token given was refused: protected procedures answer with it. */
  authError: DomainError | null;
}

/**
 * Resolves the access token (cookie first, then Authorization: Bearer) to a user with a live
 * session, or an `mm_` token to an API key. A bad token does not fail public procedures; protected
 * ones report why it was refused.
 */
async function authenticate(ctx: Context): Promise<Caller> {
  const token = ctx.credentials.accessToken;
  if (ctx.user || !token) return { user: ctx.user, sessionId: ctx.sessionId, apiKey: null, authError: null };
  try {
    // Told apart by prefix (a JWT starts `eyJ`), so the JWT path below costs nothing more.
    if (isApiKeyToken(token)) {
      const apiKey = await ctx.services.apiKeys.verify(token, { ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId });
      return { user: null, sessionId: null, apiKey, authError: null };
    }
    const subject = await ctx.services.tokens.verify(token);
    const principal = await ctx.services.sessions.principal(subject.sessionId, subject.userId);
    if (principal) {
      const user: AuthUser = { id: principal.userId, email: principal.email, isAdmin: principal.isAdmin };
      return { user, sessionId: principal.sessionId, apiKey: null, authError: null };
    }
    return {
      user: null,
      sessionId: null,
      apiKey: null,
      authError: new UnauthorizedError("Your session has ended; sign in again", "session_expired"),
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { user: null, sessionId: null, apiKey: null, authError: error };
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

/** An API key on a procedure no key may call: the key is valid, so 403 (RFC 6750's insufficient_scope), not 401. */
const keyNotAllowed = () => new ForbiddenError("API keys can only call workspace procedures their scopes allow", "api_key_scope");

/**
 * Signed-in users; narrows ctx.user and ctx.sessionId to non-null. API keys are refused (FORBIDDEN):
 * a key belongs to one workspace, and what is not workspace-scoped (the account, sessions, the
 * workspace list, superuser procedures) is its creator's alone.
 */
export const protectedProcedure = withRequest.use(({ ctx, next }) => {
  if (!ctx.user) throw ctx.apiKey ? keyNotAllowed() : (ctx.authError ?? new UnauthorizedError());
  const user: AuthUser = ctx.user;
  const sessionId: string | null = ctx.sessionId;
  // Only what changes: tRPC merges it into the context (spreading it all here would copy it twice).
  return next({ ctx: { user, sessionId } });
});

/**
 * What workspace procedures start from: a signed-in user, or an API key acting as its creator (the
 * workspace middleware below then holds the key to its workspace and scopes). The key's ctx.user
 * and, after it, ctx.scope carry the creator's user and member ids exactly as a session would, so
 * every rule keyed on them applies to keys unchanged.
 */
const userOrKeyProcedure = withRequest.use(({ ctx, next }) => {
  const user: AuthUser | null = ctx.apiKey ? ctx.apiKey.user : ctx.user;
  if (!user) throw ctx.authError ?? new UnauthorizedError();
  const sessionId: string | null = ctx.sessionId;
  return next({ ctx: { user, sessionId } });
});

/**
 * A key's own checks before its creator's membership is looked up: its rate limit (every call
 * counts), its workspace (any other is NOT_FOUND, as for a non-member), its scopes (FORBIDDEN).
 */
async function admitKey(ctx: Context, key: ApiKeyPrincipal, workspaceId: string, permission: Permission, type: string) {
  await ctx.services.limits.consume("apiKey", key.id);
  if (workspaceId.toLowerCase() !== key.workspaceId) throw new NotFoundError("Workspace");
  if (!keyAllows(key.scopes, permission, type)) {
    throw new ForbiddenError(`This API key's scopes (${key.scopes.join(", ")}) do not allow this`, "api_key_scope");
  }
}

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
  return userOrKeyProcedure
    .meta({ permission })
    .input(workspaceIdInput)
    .use(async ({ ctx, input, next, type }) => {
      const key = ctx.apiKey;
      if (key) await admitKey(ctx, key, input.workspaceId, permission, type);
      // Reads may use the brief membership cache; writes always check the database.
      const membership = await ctx.services.memberships.find(input.workspaceId, ctx.user.id, { fresh: type !== "query" });
      // A key acts as the membership that made it, never a later one of the same user: once its
      // creator has left (or was removed), the key is dead for good.
      if (key && membership?.id !== key.memberId) throw invalidApiKey();
      if (!membership) throw new NotFoundError("Workspace");
      if (!holds(membership, permission)) {
        throw new ForbiddenError(`Your role (${membership.role}) cannot do this`, "insufficient_role");
      }
      const scope: WorkspaceScope = {
        db: scopedDb(ctx.db, membership.workspace.id),
        workspaceId: membership.workspace.id,
        userId: ctx.user.id,
        role: membership.role,
        memberId: membership.id,
        grants: membership.grants,
        ...(key ? { viaApiKey: true } : {}),
      };
      return next({ ctx: { scope, workspace: membership.workspace } });
    });
}
