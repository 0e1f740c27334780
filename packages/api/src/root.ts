import { adminRouter } from "./admin/router.js";
import { authRouter } from "./auth/router.js";
import { healthRouter } from "./health/router.js";
import { createTRPCRouter } from "./trpc.js";
import { usersRouter } from "./users/router.js";
import { workspacesRouter } from "./workspaces/router.js";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
  admin: adminRouter,
  workspaces: workspacesRouter,
});

export type AppRouter = typeof appRouter;
