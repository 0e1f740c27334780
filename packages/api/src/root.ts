import { healthRouter } from "./health/router.js";
import { createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
