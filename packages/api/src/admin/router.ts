import { okOutput } from "../shared/schemas.js";
import { adminProcedure, createTRPCRouter } from "../trpc.js";
import { publicUser } from "../users/schemas.js";
import { createUserInput, listUsersInput, listUsersOutput, setActiveInput, userIdInput } from "./schemas.js";
import * as admin from "./service.js";

export const adminRouter = createTRPCRouter({
  users: createTRPCRouter({
    list: adminProcedure
      .input(listUsersInput)
      .output(listUsersOutput)
      .query(({ ctx, input }) => admin.listUsers(ctx.db, input)),
    create: adminProcedure
      .input(createUserInput)
      .output(publicUser)
      .mutation(({ ctx, input }) => admin.createUser(ctx.db, ctx.services, input)),
    setActive: adminProcedure
      .input(setActiveInput)
      .output(publicUser)
      .mutation(({ ctx, input }) => admin.setActive(ctx.db, ctx.services, { actorId: ctx.user.id, ...input })),
    delete: adminProcedure
      .input(userIdInput)
      .output(okOutput)
      .mutation(async ({ ctx, input }) => {
        await admin.removeUser(ctx.db, ctx.services, { actorId: ctx.user.id, userId: input.userId });
        return { ok: true as const };
      }),
  }),
});
