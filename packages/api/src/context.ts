import { randomUUID } from "node:crypto";
import type { Db } from "@meetmind/db";
import type { ApiKeyPrincipal } from "./identity/api-keys.js";
import { silentLogger, type Logger } from "./logger.js";
import type { AppServices } from "./ports.js";

/** The signed-in user, as resolved from a verified access token and a live session. */
export interface AuthUser {
  id: string;
  email: string;
  isAdmin: boolean;
}

/** Where the access token came from; cookie-borne credentials are what CSRF checks protect. */
export interface Credentials {
  accessToken: string | null;
  via: "cookie" | "bearer" | null;
  /** The refresh token from its cookie, for auth.refresh / auth.logout. */
  refreshCookie: string | null;
}

export interface CookieOptions {
  maxAgeSeconds: number;
}

/** The response cookies a procedure may set; Express implements it, tests use memoryCookies(). */
export interface CookieWriter {
  set(name: string, value: string, options: CookieOptions): void;
  clear(name: string): void;
}

export interface Context {
  db: Db;
  services: AppServices;
  log: Logger;
  requestId: string;
  credentials: Credentials;
  cookies: CookieWriter;
  /** The request's Origin header, for the CSRF check on cookie-authenticated mutations. */
  origin: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Set by the auth middleware (or given directly by trusted callers such as tests and scripts). */
  user: AuthUser | null;
  sessionId: string | null;
  /**
   * Set by the auth middleware when the bearer token is an API key (`mm_…`). Only workspace
   * procedures accept one; they then set `user` to the key's creator.
   */
  apiKey: ApiKeyPrincipal | null;
}

export interface InnerContextOptions {
  db: Db;
  services: AppServices;
  log?: Logger;
  /** A logger that already carries this request's id (the server's): used as is, no child made. */
  requestLog?: Logger;
  requestId?: string;
  credentials?: Partial<Credentials>;
  cookies?: CookieWriter;
  origin?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  user?: AuthUser | null;
  sessionId?: string | null;
}

const noCookies: CookieWriter = { set() {}, clear() {} };

/** Context without HTTP: for tests, scripts and server-side callers (`createCaller`). */
export function createContextInner(options: InnerContextOptions): Context {
  const requestId = options.requestId ?? randomUUID();
  return {
    db: options.db,
    services: options.services,
    log: options.requestLog ?? (options.log ?? silentLogger).child({ requestId }),
    requestId,
    credentials: { accessToken: null, via: null, refreshCookie: null, ...options.credentials },
    cookies: options.cookies ?? noCookies,
    origin: options.origin ?? null,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    user: options.user ?? null,
    sessionId: options.sessionId ?? null,
    apiKey: null,
  };
}

/** A cookie jar in memory, for tests that check what a procedure sets. */
export function memoryCookies(): CookieWriter & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    set: (name, value) => void values.set(name, value),
    clear: (name) => void values.delete(name),
  };
}

/** Who did what from where, for the audit log. */
export function requestMeta(ctx: Pick<Context, "user" | "ip" | "userAgent" | "requestId" | "apiKey">) {
  return {
    actorId: ctx.user?.id ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
    apiKeyId: ctx.apiKey?.id ?? null,
  };
}
