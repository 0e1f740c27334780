// settings.prompts: the workspace's system prompts (ai/prompts.ts lists the kinds, defaults and
// placeholders). Every save is a new version; the highest is current. A reset is a version too,
// with no text of its own: it follows the built-in default, including a better one in a later
// release. Only the most recent KEPT_VERSIONS of a kind are kept.
import { isUniqueViolation, type Prisma } from "@meetmind/db";
import { DEFAULT_PROMPTS, PROMPT_KINDS, PROMPT_SPECS, promptProblems, type PromptKind } from "../ai/prompts.js";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ValidationError } from "../errors.js";
import type { AppServices } from "../ports.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { PromptOutput, ResetPromptInput, UpdatePromptInput } from "./schemas.js";

export const KEPT_VERSIONS = 50;

const versionSelect = {
  kind: true,
  version: true,
  text: true,
  createdAt: true,
  createdBy: { select: { id: true, fullName: true, email: true } },
} satisfies Prisma.AiPromptVersionSelect;

type VersionRow = Prisma.AiPromptVersionGetPayload<{ select: typeof versionSelect }>;

function present(kind: PromptKind, row: VersionRow | null): PromptOutput {
  const spec = PROMPT_SPECS[kind];
  const text = row?.text ?? null;
  return {
    kind,
    description: spec.description,
    text: text ?? DEFAULT_PROMPTS[kind],
    version: row?.version ?? 0,
    isDefault: text === null,
    defaultText: DEFAULT_PROMPTS[kind],
    requiredPlaceholders: [...spec.required],
    optionalPlaceholders: [...spec.optional],
    updatedAt: row?.createdAt ?? null,
    updatedBy: row?.createdBy ?? null,
  };
}

/** Every kind, in PROMPT_KINDS order, with its current text. */
export async function listPrompts(scope: WorkspaceScope): Promise<PromptOutput[]> {
  const rows = await scope.db.aiPromptVersion.findMany({
    distinct: ["kind"],
    orderBy: [{ kind: "asc" }, { version: "desc" }],
    select: versionSelect,
  });
  return PROMPT_KINDS.map((kind) => present(kind, rows.find((row) => row.kind === kind) ?? null));
}

const stale = () => new ConflictError("This prompt was changed since you loaded it: reload it and try again", "stale_prompt_version");

/** Saves `text` (null: the default) as the kind's next version, unless it is what is current already. */
async function saveVersion(
  services: Pick<AppServices, "workspaceAi">,
  scope: WorkspaceScope,
  meta: RequestMeta,
  change: { kind: PromptKind; text: string | null; baseVersion: number | undefined },
): Promise<PromptOutput> {
  const { kind, text, baseVersion } = change;
  try {
    const row = await scope.db.$transaction(async (tx) => {
      const current = await tx.aiPromptVersion.findFirst({ where: { kind }, orderBy: { version: "desc" }, select: versionSelect });
      const version = current?.version ?? 0;
      if (baseVersion !== undefined && baseVersion !== version) throw stale();
      // Saving what is already current makes no new version.
      if ((current?.text ?? null) === text) return current;
      const created = await tx.aiPromptVersion.create({
        data: { workspaceId: scope.workspaceId, kind, version: version + 1, text, createdById: scope.userId },
        select: versionSelect,
      });
      await tx.aiPromptVersion.deleteMany({ where: { kind, version: { lte: version + 1 - KEPT_VERSIONS } } });
      await recordAudit(tx, scope.workspaceId, meta, {
        action: text === null ? "ai_prompt.reset" : "ai_prompt.updated",
        targetType: "ai_prompt",
        targetId: kind,
        metadata: { kind, version: version + 1 },
      });
      return created;
    });
    services.workspaceAi.forget(scope.workspaceId);
    return present(kind, row);
  } catch (error) {
    // Two saves of the same kind at once: one wins the version number.
    if (isUniqueViolation(error)) throw stale();
    throw error;
  }
}

export async function updatePrompt(
  services: Pick<AppServices, "workspaceAi">,
  scope: WorkspaceScope,
  meta: RequestMeta,
  input: UpdatePromptInput,
): Promise<PromptOutput> {
  const problems = promptProblems(input.kind, input.text);
  if (problems.length > 0) throw new ValidationError(`text: ${problems.join("; ")}`, "invalid_prompt");
  // The default's exact text is stored as "the default", so it follows later improvements of it.
  const text = input.text === DEFAULT_PROMPTS[input.kind] ? null : input.text;
  return saveVersion(services, scope, meta, { kind: input.kind, text, baseVersion: input.baseVersion });
}

export async function resetPrompt(
  services: Pick<AppServices, "workspaceAi">,
  scope: WorkspaceScope,
  meta: RequestMeta,
  input: ResetPromptInput,
): Promise<PromptOutput> {
  return saveVersion(services, scope, meta, { kind: input.kind, text: null, baseVersion: input.baseVersion });
}
