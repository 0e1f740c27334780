import type { CreateExpressContextOptions } from "@trpc/server/adapters/express";
import { parse as parseCookies } from "cookie";
import { ACCESS_COOKIE, createContextInner, REFRESH_COOKIE, type AppServices, type Context, type CookieWriter } from "@meetmind/api";
import type { Db } from "@meetmind/db";

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/** Context for HTTP requests: credentials and cookies from Express, request id and logger from request-log.ts. */
export function createContextFactory(db: Db, services: AppServices) {
  return ({ req, res }: CreateExpressContextOptions): Context => {
    const cookies = parseCookies(req.headers.cookie ?? "");
    const cookieToken = cookies[ACCESS_COOKIE] ?? null;
    const bearer = bearerToken(req.headers.authorization);
    // A streamed response (httpBatchStreamLink) has sent its headers before any procedure runs, so
    // it cannot carry cookies: the tokens are in the body, and the README tells clients to send
    // auth.* through httpLink (splitLink) when they want the cookies.
    const headersGone = (name: string) => {
      if (!res.headersSent) return false;
      req.log.warn({ cookie: name }, "cookie not set: the response is streamed and its headers are already sent");
      return true;
    };
    const writer: CookieWriter = {
      set(name, value, { maxAgeSeconds }) {
        if (headersGone(name)) return;
        res.cookie(name, value, {
          httpOnly: true,
          secure: services.settings.secureCookies,
          sameSite: "lax",
          path: "/trpc",
          maxAge: maxAgeSeconds * 1000,
        });
      },
      clear(name) {
        if (headersGone(name)) return;
        res.clearCookie(name, { httpOnly: true, secure: services.settings.secureCookies, sameSite: "lax", path: "/trpc" });
      },
    };
    return createContextInner({
      db,
      services,
      requestLog: req.log,
      requestId: req.id,
      // The cookie wins over the header, so a page cannot be steered onto another account by script.
      credentials: {
        accessToken: cookieToken ?? bearer,
        via: cookieToken ? "cookie" : bearer ? "bearer" : null,
        refreshCookie: cookies[REFRESH_COOKIE] ?? null,
      },
      cookies: writer,
      origin: req.get("origin") ?? null,
      ip: req.ip ?? null,
      userAgent: req.get("user-agent") ?? null,
    });
  };
}
