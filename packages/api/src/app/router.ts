import { actionItemsRouter } from "../action-items/router.js";
import { adminRouter } from "../admin/router.js";
import { askMindRouter } from "../askmind/router.js";
import { authRouter } from "../auth/router.js";
import { healthRouter } from "../health/router.js";
import { meetingsRouter } from "../meetings/router.js";
import { searchRouter } from "../search/router.js";
import { transcriptsRouter } from "../transcripts/router.js";
import { createTRPCRouter } from "../trpc.js";
import { usersRouter } from "../users/router.js";
import { workspacesRouter } from "../workspaces/router.js";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
  admin: adminRouter,
  workspaces: workspacesRouter,
  meetings: meetingsRouter,
  transcripts: transcriptsRouter,
  actionItems: actionItemsRouter,
  search: searchRouter,
  askMind: askMindRouter,
});

export type AppRouter = typeof appRouter;
