// A Prisma client kept inside one workspace: every query on a tenant-owned table is constrained to
// it (reads and writes alike), so a foreign id simply finds nothing.
import type { Db } from "./client.js";
import { shareDirectQueries } from "./direct.js";

/** Tables with a workspace_id column. schema.test.ts fails if a new one is missing here. */
export const TENANT_MODELS = new Set([
  "WorkspaceMember",
  "WorkspaceInvite",
  "Meeting",
  "MeetingParticipant",
  "MeetingComment",
  "Transcript",
  "TranscriptSegment",
  "SegmentEmbedding",
  "MeetingSummary",
  "ActionItem",
  "Candidate",
  "Interview",
  "InterviewPanelist",
  "ScorecardTemplate",
  "ScorecardVersion",
  "InterviewSummary",
  "ScorecardCategory",
  "InterviewScorecard",
  "ScorecardScore",
  "Integration",
  "IntegrationChannel",
  "AskMindSession",
  "AskMindMessage",
  "AskMindSuggestedPrompt",
  "AuditEvent",
  "WorkspaceAiSettings",
  "AiPromptVersion",
  "AiUsageCounter",
  "MeetingGrant",
  "Group",
  "GroupMember",
  "ShareLink",
  "ApiKey",
]);

type Args = Record<string, unknown>;

const WITH_WHERE = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "delete",
  "deleteMany",
  "upsert",
]);

function constrain(operation: string, args: Args, workspaceId: string): Args {
  const next: Args = { ...args };
  if (WITH_WHERE.has(operation)) next.where = { ...(args.where as Args | undefined), workspaceId };
  if (operation === "create" || operation === "upsert") {
    const key = operation === "create" ? "data" : "create";
    next[key] = { ...(args[key] as Args), workspaceId };
  }
  if (operation === "createMany" || operation === "createManyAndReturn") {
    const data = args.data as Args | Args[];
    next.data = Array.isArray(data) ? data.map((row) => ({ ...row, workspaceId })) : { ...data, workspaceId };
  }
  if ((operation === "update" || operation === "updateMany" || operation === "upsert") && args.data) {
    // A row may not be moved into another workspace either.
    const key = operation === "upsert" ? "update" : "data";
    const data = args[key] as Args;
    if ("workspaceId" in data && data.workspaceId !== workspaceId) next[key] = { ...data, workspaceId };
  }
  return next;
}

/**
 * Extended clients are cached per client and workspace: building one per request (Prisma's
 * $extends) showed up on the hot path. The cache holds the most recently used workspaces only.
 */
const SCOPED_CLIENTS_PER_DB = 1_000;
const scopedClients = new WeakMap<Db, Map<string, ScopedDb>>();

export function scopedDb(db: Db, workspaceId: string): ScopedDb {
  let clients = scopedClients.get(db);
  if (!clients) scopedClients.set(db, (clients = new Map<string, ScopedDb>()));
  const cached = clients.get(workspaceId);
  if (cached) {
    // Map keeps insertion order: re-inserting makes it the most recent.
    clients.delete(workspaceId);
    clients.set(workspaceId, cached);
    return cached;
  }
  const client = extendForWorkspace(db, workspaceId);
  shareDirectQueries(db, client);
  clients.set(workspaceId, client);
  if (clients.size > SCOPED_CLIENTS_PER_DB) {
    const oldest = clients.keys().next();
    if (!oldest.done) clients.delete(oldest.value);
  }
  return client;
}

function extendForWorkspace(db: Db, workspaceId: string) {
  return db.$extends({
    name: "workspace-scope",
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          if (!TENANT_MODELS.has(model)) return query(args);
          return query(constrain(operation, args, workspaceId));
        },
      },
    },
  });
}

export type ScopedDb = ReturnType<typeof extendForWorkspace>;
