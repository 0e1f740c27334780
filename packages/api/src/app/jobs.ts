// Every background job the API defines, by queue. Each server instance runs a worker with these.
import type { Db, Prisma } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { AiProvider } from "../ai/provider.js";
import { EMBEDDINGS_QUEUE, runEmbeddingsJob } from "../askmind/vector.js";
import { AUTH_EMAIL_QUEUE, runAuthEmailJob } from "../auth/emails.js";
import type { Logger } from "../logger.js";
import { runSummaryJob } from "../summaries/job.js";
import { SUMMARY_QUEUE } from "../summaries/service.js";
import { failTranscriptImport, runTranscriptImportJob } from "../transcripts/import-job.js";
import { TRANSCRIPT_IMPORT_QUEUE } from "../transcripts/service.js";
import type { JobContext, JobHandler } from "../jobs/queue.js";
import { transcriptListener } from "./services.js";

export interface JobDeps {
  db: Db;
  ai: AiProvider;
  embeddings: EmbeddingsProvider | null;
  log: Logger;
}

export function createJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const { embeddings } = deps;
  return {
    [SUMMARY_QUEUE]: (payload, context) => runSummaryJob(deps, payload, context),
    [AUTH_EMAIL_QUEUE]: (payload, context) => runAuthEmailJob(deps.db, payload, context),
    [TRANSCRIPT_IMPORT_QUEUE]: Object.assign((payload: Prisma.JsonValue, context: JobContext) => runTranscriptImportJob({ ...deps, transcriptCurrent: transcriptListener(deps.embeddings) }, payload, context), {
      onFailed: (payload: Prisma.JsonValue, reason: string) => failTranscriptImport(deps.db, payload, reason),
    }),
    ...(embeddings ? { [EMBEDDINGS_QUEUE]: (payload, context) => runEmbeddingsJob({ ...deps, embeddings }, payload, context) } : {}),
  } satisfies Record<string, JobHandler>;
}
