// Suggested prompts: the workspace's own (edited by admins) followed by prompts derived from the
// topics of the scope's most recent summarized meetings.
import type { Prisma } from "@meetmind/db";
import { ConflictError, NotFoundError } from "../errors.js";
import { visibleMeetingIds } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import { meetingFilter } from "./scope.js";
import { checkScope } from "./service.js";
import type { DeleteSuggestedPromptInput, SuggestedPromptsInput, UpsertSuggestedPromptInput } from "./schemas.js";

/** Workspace prompts an admin may keep. */
export const MAX_WORKSPACE_PROMPTS = 50;
const DERIVED_PROMPTS = 5;
const RECENT_MEETINGS = 5;

const promptSelect = { id: true, text: true, position: true } satisfies Prisma.AskMindSuggestedPromptSelect;

export async function listWorkspacePrompts(scope: WorkspaceScope) {
  return scope.db.askMindSuggestedPrompt.findMany({
    orderBy: [{ position: "asc" }, { id: "asc" }],
    take: MAX_WORKSPACE_PROMPTS,
    select: promptSelect,
  });
}

function topicTitles(topics: Prisma.JsonValue): string[] {
  if (!Array.isArray(topics)) return [];
  return topics.flatMap((topic) => {
    const title = topic && typeof topic === "object" && !Array.isArray(topic) ? topic.title : undefined;
    return typeof title === "string" && title.trim() ? [title.trim()] : [];
  });
}

/**
 * Topics of the scope's latest summaries, of meetings the caller may see: the rule is applied to
 * a few more than needed (Prisma cannot join it), so hidden meetings only make the list shorter.
 */
async function recentVisibleSummaries(scope: WorkspaceScope, input: SuggestedPromptsInput) {
  const recent = await scope.db.meetingSummary.findMany({
    where: { isCurrent: true, meeting: meetingFilter(input.scope ?? { kind: "workspace" }) },
    orderBy: { completedAt: "desc" },
    take: RECENT_MEETINGS * 4,
    select: { topics: true, meetingId: true },
  });
  const visible = await visibleMeetingIds(
    scope,
    recent.map((summary) => summary.meetingId),
  );
  return recent.filter((summary) => visible.has(summary.meetingId)).slice(0, RECENT_MEETINGS);
}

export async function listSuggestedPrompts(scope: WorkspaceScope, input: SuggestedPromptsInput) {
  if (input.scope) await checkScope(scope, input.scope);
  const [own, recent] = await Promise.all([listWorkspacePrompts(scope), recentVisibleSummaries(scope, input)]);
  const seen = new Set(own.map((prompt) => prompt.text.toLowerCase()));
  const derived: string[] = [];
  for (const title of recent.flatMap((summary) => topicTitles(summary.topics))) {
    const text = `What was discussed about ${title}?`;
    if (derived.length >= DERIVED_PROMPTS || seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    derived.push(text);
  }
  return [
    ...own.map((prompt) => ({ id: prompt.id, text: prompt.text, source: "workspace" as const })),
    ...derived.map((text) => ({ id: null, text, source: "topic" as const })),
  ];
}

export async function upsertSuggestedPrompt(scope: WorkspaceScope, input: UpsertSuggestedPromptInput) {
  if (input.promptId) {
    const existing = await scope.db.askMindSuggestedPrompt.findFirst({ where: { id: input.promptId }, select: { id: true } });
    if (!existing) throw new NotFoundError("Prompt");
    return scope.db.askMindSuggestedPrompt.update({
      where: { id: existing.id },
      data: { text: input.text, ...(input.position !== undefined ? { position: input.position } : {}) },
      select: promptSelect,
    });
  }
  const count = await scope.db.askMindSuggestedPrompt.count();
  if (count >= MAX_WORKSPACE_PROMPTS)
    throw new ConflictError(`A workspace can keep at most ${MAX_WORKSPACE_PROMPTS} suggested prompts`, "too_many_prompts");
  return scope.db.askMindSuggestedPrompt.create({
    data: { workspaceId: scope.workspaceId, createdById: scope.userId, text: input.text, position: input.position ?? count },
    select: promptSelect,
  });
}

export async function deleteSuggestedPrompt(scope: WorkspaceScope, input: DeleteSuggestedPromptInput): Promise<void> {
  const existing = await scope.db.askMindSuggestedPrompt.findFirst({ where: { id: input.promptId }, select: { id: true } });
  if (!existing) throw new NotFoundError("Prompt");
  await scope.db.askMindSuggestedPrompt.delete({ where: { id: existing.id } });
}
