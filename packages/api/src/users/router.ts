import { clearAuthCookies } from "../cookies.js";
import { okOutput } from "../shared/schemas.js";
import { createTRPCRouter, protectedProcedure } from "../trpc.js";
import {
  changePasswordInput,
  deleteAccountInput,
  preferencesOutput,
  publicUser,
  updatePreferencesInput,
  updateProfileInput,
} from "./schemas.js";
import * as users from "./service.js";

const ok = { ok: true as const };

export const usersRouter = createTRPCRouter({
  me: protectedProcedure.output(publicUser).query(({ ctx }) => users.getMe(ctx.db, { userId: ctx.user.id })),

  updateProfile: protectedProcedure
    .input(updateProfileInput)
    .output(publicUser)
    .mutation(({ ctx, input }) => users.updateProfile(ctx.db, { userId: ctx.user.id, ...input })),

  preferences: createTRPCRouter({
    get: protectedProcedure.output(preferencesOutput).query(({ ctx }) => users.getPreferences(ctx.db, { userId: ctx.user.id })),
    update: protectedProcedure
      .input(updatePreferencesInput)
      .output(preferencesOutput)
      .mutation(({ ctx, input }) => users.updatePreferences(ctx.db, { userId: ctx.user.id, ...input })),
  }),

  changePassword: protectedProcedure
    .input(changePasswordInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await users.changePassword(ctx.db, ctx.services, { userId: ctx.user.id, sessionId: ctx.sessionId, ...input });
      return ok;
    }),

  deleteAccount: protectedProcedure
    .input(deleteAccountInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await users.deleteAccount(ctx.db, ctx.services, { userId: ctx.user.id, password: input.password });
      clearAuthCookies(ctx);
      return ok;
    }),
});
