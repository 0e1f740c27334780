// Scorecard templates: what a position's interviewers score, as ordered, weighted categories on a
// 1-4 or 1-5 scale. One live template per position (case-insensitive, a partial unique index).
//
// Categories are never deleted: submitted scores reference them. Leaving one out of an update
// archives it, and archiving a whole template keeps it readable, so an old interview's scorecards
// still name what was rated.
import { isUniqueViolation, Prisma } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { pageArgs, toPage } from "../shared/schemas.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { CreateTemplateInput, ListTemplatesInput, TemplateIdInput, UpdateTemplateInput } from "./schemas.js";

const positionTaken = () =>
  new ConflictError("A live scorecard template already exists for this position", "scorecard_template_position_taken");

const templateSelect = {
  id: true,
  name: true,
  positionTitle: true,
  ratingScale: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  categories: {
    where: { archivedAt: null },
    orderBy: [{ position: "asc" }, { id: "asc" }],
    select: { id: true, name: true, description: true, weight: true, position: true },
  },
} satisfies Prisma.ScorecardTemplateSelect;

export async function createTemplate(scope: WorkspaceScope, meta: RequestMeta, input: CreateTemplateInput) {
  const { workspaceId } = scope;
  try {
    return await scope.db.$transaction(async (tx) => {
      const template = await tx.scorecardTemplate.create({
        data: {
          workspaceId,
          createdById: scope.userId,
          name: input.name,
          positionTitle: input.positionTitle,
          ratingScale: input.ratingScale,
          categories: {
            create: input.categories.map((category, position) => ({
              workspaceId,
              name: category.name,
              description: category.description ?? null,
              weight: category.weight,
              position,
            })),
          },
        },
        select: templateSelect,
      });
      await recordAudit(tx, workspaceId, meta, {
        action: "scorecard_template.created",
        targetType: "scorecard_template",
        targetId: template.id,
        metadata: { positionTitle: template.positionTitle, categories: template.categories.length },
      });
      return template;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw positionTaken();
    throw error;
  }
}

export async function listTemplates(scope: WorkspaceScope, input: ListTemplatesInput) {
  if (input.cursor && !(await scope.db.scorecardTemplate.findFirst({ where: { id: input.cursor }, select: { id: true } }))) {
    throw new ValidationError("This cursor is not valid", "invalid_cursor");
  }
  const rows = await scope.db.scorecardTemplate.findMany({
    where: {
      ...(input.includeArchived ? {} : { archivedAt: null }),
      ...(input.positionTitle ? { positionTitle: { equals: input.positionTitle, mode: Prisma.QueryMode.insensitive } } : {}),
    },
    orderBy: { id: "asc" },
    ...pageArgs(input),
    select: templateSelect,
  });
  return toPage(rows, input.limit);
}

export async function updateTemplate(scope: WorkspaceScope, meta: RequestMeta, input: UpdateTemplateInput) {
  const { workspaceId } = scope;
  try {
    return await scope.db.$transaction(async (tx) => {
      // FOR UPDATE: two concurrent updates of one template apply one after the other.
      const locked = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT id FROM scorecard_templates WHERE workspace_id = ${workspaceId}::uuid AND id = ${input.templateId}::uuid FOR UPDATE`);
      const before = locked[0]
        ? await tx.scorecardTemplate.findFirst({
            where: { id: input.templateId },
            select: {
              id: true,
              name: true,
              positionTitle: true,
              ratingScale: true,
              archivedAt: true,
              categories: { select: { id: true, archivedAt: true } },
            },
          })
        : null;
      if (!before) throw new NotFoundError("Scorecard template");
      if (before.archivedAt) throw new ConflictError("This scorecard template is archived", "scorecard_template_archived");

      const changed: string[] = [];
      if (input.ratingScale !== undefined && input.ratingScale !== before.ratingScale) {
        const submitted = await tx.scorecardScore.count({
          where: { category: { templateId: before.id }, score: { not: null }, scorecard: { submittedAt: { not: null } } },
        });
        if (submitted > 0) {
          throw new ConflictError("The rating scale cannot change once scorecards rated on it were submitted", "rating_scale_locked");
        }
        // Drafts rated above a smaller scale lose those ratings (their notes stay).
        await tx.scorecardScore.updateMany({
          where: { category: { templateId: before.id }, score: { gt: input.ratingScale } },
          data: { score: null },
        });
        changed.push("ratingScale");
      }
      if (input.name !== undefined && input.name !== before.name) changed.push("name");
      if (input.positionTitle !== undefined && input.positionTitle !== before.positionTitle) changed.push("positionTitle");

      let added = 0;
      let archived = 0;
      if (input.categories) {
        const live = new Set(before.categories.filter((category) => !category.archivedAt).map((category) => category.id));
        for (const category of input.categories) {
          if (category.id && !live.has(category.id)) {
            throw new ValidationError("A category id is not one of this template's live categories", "invalid_category");
          }
        }
        const kept = new Set(input.categories.flatMap((category) => (category.id ? [category.id] : [])));
        const dropped = [...live].filter((categoryId) => !kept.has(categoryId));
        if (dropped.length > 0) {
          await tx.scorecardCategory.updateMany({ where: { id: { in: dropped } }, data: { archivedAt: new Date() } });
        }
        for (const [position, category] of input.categories.entries()) {
          const fields = { name: category.name, description: category.description ?? null, weight: category.weight, position };
          if (category.id) {
            await tx.scorecardCategory.update({ where: { id: category.id }, data: fields });
          } else {
            await tx.scorecardCategory.create({ data: { workspaceId, templateId: before.id, ...fields } });
            added += 1;
          }
        }
        archived = dropped.length;
        changed.push("categories");
      }

      const template = await tx.scorecardTemplate.update({
        where: { id: before.id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.positionTitle !== undefined ? { positionTitle: input.positionTitle } : {}),
          ...(input.ratingScale !== undefined ? { ratingScale: input.ratingScale } : {}),
        },
        select: templateSelect,
      });
      await recordAudit(tx, workspaceId, meta, {
        action: "scorecard_template.updated",
        targetType: "scorecard_template",
        targetId: template.id,
        metadata: { changed, categoriesAdded: added, categoriesArchived: archived },
      });
      return template;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw positionTaken();
    throw error;
  }
}

/**
 * Retires a template: it leaves the list and frees its position for a new one. Interviews scored on
 * it keep it (their scorecards stay readable, and their panels may still finish them). Archiving an
 * archived template changes nothing.
 */
export async function archiveTemplate(scope: WorkspaceScope, meta: RequestMeta, input: TemplateIdInput) {
  return scope.db.$transaction(async (tx) => {
    const before = await tx.scorecardTemplate.findFirst({ where: { id: input.templateId }, select: { id: true, archivedAt: true } });
    if (!before) throw new NotFoundError("Scorecard template");
    if (before.archivedAt) return tx.scorecardTemplate.findFirstOrThrow({ where: { id: before.id }, select: templateSelect });
    const template = await tx.scorecardTemplate.update({
      where: { id: before.id },
      data: { archivedAt: new Date() },
      select: templateSelect,
    });
    await recordAudit(tx, scope.workspaceId, meta, {
      action: "scorecard_template.archived",
      targetType: "scorecard_template",
      targetId: template.id,
    });
    return template;
  });
}
