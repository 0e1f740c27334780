// Every background job the API defines, by queue. Each server instance runs a worker with these.
import type { Db } from "@meetmind/db";
import type { AiProvider } from "../ai/provider.js";
import type { Logger } from "../logger.js";
import { runSummaryJob } from "../summaries/job.js";
import { SUMMARY_QUEUE } from "../summaries/service.js";
import type { JobHandler } from "./queue.js";

export interface JobDeps {
  db: Db;
  ai: AiProvider;
  log: Logger;
}

export function createJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  return {
    [SUMMARY_QUEUE]: (payload, context) => runSummaryJob(deps, payload, context),
  };
}
