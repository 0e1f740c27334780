// Every background job, registered where the services are composed. The queue (jobs/) knows job
// names and payload schemas only; each domain declares its job (defineJob) and the handler that
// runs it, and this table gives the worker all of them. Each server instance runs one worker.
import type { Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { AiProvider } from "../ai/provider.js";
import { embeddingsJobHandler } from "../askmind/vector.js";
import { authEmailJobHandler } from "../auth/emails.js";
import { handlersByQueue, type JobHandler } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import { summaryJobHandler } from "../summaries/job.js";
import { transcriptImportJobHandler } from "../transcripts/import-job.js";
import { transcriptListener } from "./services.js";

export interface JobDeps {
  db: Db;
  ai: AiProvider;
  embeddings: EmbeddingsProvider | null;
  log: Logger;
}

export function createJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const { db, embeddings, log } = deps;
  return handlersByQueue([
    summaryJobHandler(deps),
    authEmailJobHandler(db),
    transcriptImportJobHandler({ db, log, transcriptCurrent: transcriptListener(embeddings) }),
    // Without an embeddings model nothing queues this job; none is claimed either.
    ...(embeddings ? [embeddingsJobHandler({ db, log, embeddings })] : []),
  ]);
}
