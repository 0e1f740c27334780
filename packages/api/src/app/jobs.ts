// Every background job, registered where the services are composed. The queue (jobs/) knows job
// names and payload schemas only; each domain declares its job (defineJob) and the handler that
// runs it, and this table gives the worker all of them. Each server instance runs one worker.
import type { Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { AiProvider } from "../ai/provider.js";
import { embeddingsJobHandler } from "../askmind/vector.js";
import { authEmailJobHandler } from "../auth/emails.js";
import { interviewSummaryJobHandler } from "../interview-summaries/job.js";
import { handlersByQueue, type JobHandler } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import type { WorkspaceAiResolver } from "../ports.js";
import { createWorkspaceAiResolver } from "../settings/resolver.js";
import { summaryJobHandler } from "../summaries/job.js";
import { transcriptImportJobHandler } from "../transcripts/import-job.js";
import { transcriptListener } from "./services.js";

export interface JobDeps {
  db: Db;
  /** The server's default model and embeddings. */
  ai: AiProvider;
  embeddings: EmbeddingsProvider | null;
  /**
   * Each workspace's model, prompts and cap: the server passes its services' (so an update forgets
   * what the worker cached too). Without it (tests, benches) one is made from `ai` and `embeddings`
   * that reads the workspaces' settings and prompts but opens no stored API key and allows no
   * private model server addresses.
   */
  workspaceAi?: WorkspaceAiResolver;
  /** Base URL of the web app, for links in the emails jobs queue (default http://localhost:3000). */
  appUrl?: string;
  log: Logger;
}

export function createJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const { db, log } = deps;
  const workspaceAi =
    deps.workspaceAi ??
    createWorkspaceAiResolver({
      db,
      ai: deps.ai,
      embeddings: deps.embeddings,
      secrets: null,
      serverMonthlyTokenCap: 0,
      allowPrivateBaseUrls: false,
      timeoutMs: 60_000,
      log,
    });
  return handlersByQueue([
    summaryJobHandler({ ...deps, workspaceAi }),
    interviewSummaryJobHandler({ db, workspaceAi, appUrl: deps.appUrl ?? "http://localhost:3000", log }),
    authEmailJobHandler(db),
    transcriptImportJobHandler({ db, log, transcriptCurrent: transcriptListener(workspaceAi) }),
    // Whichever model a transcript's workspace embeds with (its own, or the server's); none: nothing to do.
    embeddingsJobHandler({ db, log, embeddingsFor: async (workspaceId) => (await workspaceAi.resolve(workspaceId)).embeddings }),
  ]);
}
