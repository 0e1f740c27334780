import { UnauthorizedError } from "../errors.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc.js";
import { clearAuthCookies, setAuthCookies } from "../cookies.js";
import {
  authResult,
  emailOnlyInput,
  loginInput,
  refreshInput,
  resetPasswordInput,
  revokeSessionInput,
  sessionOutput,
  signupInput,
  tokenInput,
} from "./schemas.js";
import * as auth from "./service.js";
import { listSessions } from "../identity/sessions.js";

const ok = { ok: true as const };

export const authRouter = createTRPCRouter({
  signup: publicProcedure
    .input(signupInput)
    .output(authResult)
    .mutation(async ({ ctx, input }) => {
      const result = await auth.signup(ctx.db, ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
      setAuthCookies(ctx, result);
      return result;
    }),

  verifyEmail: publicProcedure
    .input(tokenInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await auth.verifyEmail(ctx.db, input);
      return ok;
    }),

  resendVerification: publicProcedure
    .input(emailOnlyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await auth.resendVerification(ctx.db, ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
      return ok;
    }),

  login: publicProcedure
    .input(loginInput)
    .output(authResult)
    .mutation(async ({ ctx, input }) => {
      const result = await auth.login(ctx.db, ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
      setAuthCookies(ctx, result);
      return result;
    }),

  refresh: publicProcedure
    .input(refreshInput)
    .output(authResult)
    .mutation(async ({ ctx, input }) => {
      const refreshToken = input?.refreshToken ?? ctx.credentials.refreshCookie;
      if (!refreshToken) throw new UnauthorizedError("No refresh token", "invalid_refresh_token");
      try {
        const result = await auth.refresh(ctx.db, ctx.services, { refreshToken });
        setAuthCookies(ctx, result);
        return result;
      } catch (error) {
        clearAuthCookies(ctx);
        throw error;
      }
    }),

  logout: publicProcedure.output(okOutput).mutation(async ({ ctx }) => {
    await auth.logout(ctx.db, ctx.services, { sessionId: ctx.sessionId, refreshToken: ctx.credentials.refreshCookie });
    clearAuthCookies(ctx);
    return ok;
  }),

  logoutAll: protectedProcedure.output(okOutput).mutation(async ({ ctx }) => {
    await auth.logoutAll(ctx.db, ctx.services, { userId: ctx.user.id });
    clearAuthCookies(ctx);
    return ok;
  }),

  sessions: createTRPCRouter({
    list: protectedProcedure
      .output(sessionOutput.array())
      .query(({ ctx }) => listSessions(ctx.db, { userId: ctx.user.id, currentSessionId: ctx.sessionId ?? "" })),
    revoke: protectedProcedure
      .input(revokeSessionInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await auth.revokeOwnSession(ctx.db, ctx.services, { userId: ctx.user.id, sessionId: input.sessionId });
        return ok;
      }),
  }),

  requestPasswordReset: publicProcedure
    .input(emailOnlyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await auth.requestPasswordReset(ctx.db, ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
      return ok;
    }),

  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await auth.resetPassword(ctx.db, ctx.services, input);
      return ok;
    }),
});
