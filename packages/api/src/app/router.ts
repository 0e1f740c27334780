import { actionItemsRouter } from "../action-items/router.js";
import { adminRouter } from "../admin/router.js";
import { apiKeysRouter } from "../api-keys/router.js";
import { askMindRouter } from "../askmind/router.js";
import { authRouter } from "../auth/router.js";
import { candidatesRouter } from "../candidates/router.js";
import { groupsRouter } from "../groups/router.js";
import { healthRouter } from "../health/router.js";
import { interviewSummaryRouter } from "../interview-summaries/router.js";
import { interviewsRouter } from "../interviews/router.js";
import { meetingsRouter } from "../meetings/router.js";
import { candidateFeedbackRouter, scorecardsRouter } from "../scorecards/router.js";
import { searchRouter } from "../search/router.js";
import { settingsRouter } from "../settings/router.js";
import { meetingShareLinksRouter, shareLinksRouter } from "../share-links/router.js";
import { summaryRouter } from "../summaries/router.js";
import { transcriptsRouter } from "../transcripts/router.js";
import { createTRPCRouter, mergeRouters } from "../trpc.js";
import { usersRouter } from "../users/router.js";
import { workspacesRouter } from "../workspaces/router.js";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
  admin: adminRouter,
  workspaces: workspacesRouter,
  groups: groupsRouter,
  apiKeys: apiKeysRouter,
  // A meeting's summary is served under meetings.summary, but summaries build on meetings, not the
  // reverse: the root nests one into the other, so neither imports the other's router. Share links
  // likewise (meetings.shareLinks); opening one is public, so it has its own top-level name.
  meetings: mergeRouters(meetingsRouter, createTRPCRouter({ summary: summaryRouter, shareLinks: meetingShareLinksRouter })),
  transcripts: transcriptsRouter,
  actionItems: actionItemsRouter,
  search: searchRouter,
  askMind: askMindRouter,
  settings: settingsRouter,
  shareLinks: shareLinksRouter,
  // Hiring. Interview summaries build on interviews (their evidence is the interview's transcript)
  // and candidates.feedback on scorecards (it aggregates them): both nested by the root, as
  // meetings.summary is.
  interviews: mergeRouters(interviewsRouter, createTRPCRouter({ summary: interviewSummaryRouter })),
  scorecards: scorecardsRouter,
  candidates: mergeRouters(candidatesRouter, candidateFeedbackRouter),
});

export type AppRouter = typeof appRouter;
