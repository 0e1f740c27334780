// Browsers get the tokens as httpOnly cookies (script can't read them); API clients use the body.
import type { Context } from "./context.js";

/** The tokens a sign-in, refresh or password change hands out. */
export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export const ACCESS_COOKIE = "access_token";
export const REFRESH_COOKIE = "refresh_token";

export function setAuthCookies(ctx: Context, result: IssuedTokens): void {
  const now = Date.now();
  ctx.cookies.set(ACCESS_COOKIE, result.accessToken, {
    maxAgeSeconds: Math.max(0, Math.floor((result.accessTokenExpiresAt.getTime() - now) / 1000)),
  });
  ctx.cookies.set(REFRESH_COOKIE, result.refreshToken, {
    maxAgeSeconds: Math.max(0, Math.floor((result.refreshTokenExpiresAt.getTime() - now) / 1000)),
  });
}

export function clearAuthCookies(ctx: Context): void {
  ctx.cookies.clear(ACCESS_COOKIE);
  ctx.cookies.clear(REFRESH_COOKIE);
}
