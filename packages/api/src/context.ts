import { randomUUID } from "node:crypto";
import type { Db } from "@meetmind/db";
import { silentLogger, type Logger } from "./logger.js";

/** The signed-in user, as resolved from a verified access token. */
export interface AuthUser {
  id: string;
  email: string;
  isAdmin: boolean;
}

export interface Context {
  db: Db;
  log: Logger;
  requestId: string;
  user: AuthUser | null;
  ip: string | null;
  userAgent: string | null;
}

export interface InnerContextOptions {
  db: Db;
  log?: Logger;
  requestId?: string;
  user?: AuthUser | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** Context without HTTP: for tests, scripts and server-side callers (`createCaller`). */
export function createContextInner(options: InnerContextOptions): Context {
  const requestId = options.requestId ?? randomUUID();
  return {
    db: options.db,
    log: (options.log ?? silentLogger).child({ requestId }),
    requestId,
    user: options.user ?? null,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
  };
}
