// One scorecard per interviewer and interview, against the interview's template.
//
// Who sees what (blind feedback, as Greenhouse and Ashby enforce), decided here and nowhere else:
// - a draft is its author's alone: nobody else ever reads it, managers included;
// - a panelist sees the other panelists' submitted scorecards only once their own is submitted
//   (until then `others` is null and `locked` is true);
// - holders of `interviews:manage` see every submitted scorecard of any interview;
// - anyone else does not see the interview at all (NOT_FOUND, tenancy/interview-access.ts).
// Only panelists write, and only their own. Submitting is final: a later submit that changes
// anything is an amendment, a new version, with the previous one kept in scorecard_versions.
import { Prisma } from "@meetmind/db";
import { recordAudit, type RequestMeta } from "../audit/service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { publishHiringEvent, type HiringTx } from "../interviews/events.js";
import type { AppServices } from "../ports.js";
import { uuidv7 } from "../shared/uuidv7.js";
import { requireInterview, type InterviewAccess } from "../tenancy/interview-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { InterviewScorecardInput, Recommendation, SaveDraftInput, ScorecardIdInput, ScorecardView, SubmitInput } from "./schemas.js";

export type ScorecardDeps = Pick<AppServices, "settings" | "emailQueued">;

interface TemplateCategory {
  id: string;
  name: string;
  description: string | null;
  weight: number;
  position: number;
  archivedAt: Date | null;
}

interface InterviewTemplate {
  id: string;
  name: string;
  ratingScale: number;
  archivedAt: Date | null;
  /** Every category, archived ones too (old scores name them), in order. */
  categories: TemplateCategory[];
}

type Reader = Pick<HiringTx, "scorecardTemplate" | "interviewScorecard">;

async function templateOf(db: Reader, access: InterviewAccess): Promise<InterviewTemplate> {
  const template = access.templateId
    ? await db.scorecardTemplate.findFirst({
        where: { id: access.templateId },
        select: {
          id: true,
          name: true,
          ratingScale: true,
          archivedAt: true,
          categories: {
            orderBy: [{ position: "asc" }, { id: "asc" }],
            select: { id: true, name: true, description: true, weight: true, position: true, archivedAt: true },
          },
        },
      })
    : null;
  if (!template) throw new ValidationError("This interview has no scorecard template", "interview_has_no_template");
  return template;
}

const liveCategories = (template: InterviewTemplate) => template.categories.filter((category) => !category.archivedAt);

const scorecardSelect = {
  id: true,
  interviewId: true,
  memberId: true,
  version: true,
  submittedAt: true,
  recommendation: true,
  notes: true,
  updatedAt: true,
  member: { select: { user: { select: { fullName: true, email: true } } } },
  scores: {
    select: { categoryId: true, score: true, comment: true, category: { select: { name: true, archivedAt: true, position: true } } },
  },
} as const;

interface ScorecardRow {
  id: string;
  interviewId: string;
  memberId: string | null;
  version: number;
  submittedAt: Date | null;
  recommendation: Recommendation | null;
  notes: string | null;
  updatedAt: Date;
  member: { user: { fullName: string | null; email: string } } | null;
  scores: {
    categoryId: string;
    score: number | null;
    comment: string | null;
    category: { name: string; archivedAt: Date | null; position: number };
  }[];
}

function present(row: ScorecardRow): ScorecardView {
  const scores = [...row.scores]
    .sort((a, b) => a.category.position - b.category.position || a.categoryId.localeCompare(b.categoryId))
    .map((score) => ({
      categoryId: score.categoryId,
      categoryName: score.category.name,
      categoryArchived: score.category.archivedAt !== null,
      rating: score.score,
      note: score.comment,
    }));
  return {
    id: row.id,
    interviewId: row.interviewId,
    memberId: row.memberId,
    authorName: row.member ? (row.member.user.fullName ?? row.member.user.email) : null,
    status: row.submittedAt ? "submitted" : "draft",
    version: row.version,
    submittedAt: row.submittedAt,
    recommendation: row.recommendation,
    notes: row.notes,
    scores,
    updatedAt: row.updatedAt,
  };
}

const presentCategory = ({ archivedAt: _, ...category }: TemplateCategory) => category;

/** The interview's scorecards as the caller may see them (the rule at the top of this file). */
export async function getScorecards(scope: WorkspaceScope, input: InterviewScorecardInput) {
  const access = await requireInterview(scope, input.interviewId);
  const template = await templateOf(scope.db, access);
  const rows: ScorecardRow[] = await scope.db.interviewScorecard.findMany({
    where: {
      interviewId: access.id,
      // Drafts: the caller's own only. Submitted: everyone's; whether the caller may see them is below.
      OR: [{ memberId: scope.memberId }, { submittedAt: { not: null } }],
    },
    orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
    select: scorecardSelect,
  });
  const mineRow = rows.find((row) => row.memberId === scope.memberId) ?? null;
  const unlocked = access.manage || mineRow?.submittedAt != null;
  return {
    interviewId: access.id,
    template: {
      id: template.id,
      name: template.name,
      ratingScale: template.ratingScale,
      archivedAt: template.archivedAt,
      categories: liveCategories(template).map(presentCategory),
    },
    mine: mineRow ? present(mineRow) : null,
    others: unlocked ? rows.filter((row) => row !== mineRow && row.submittedAt !== null).map(present) : null,
    locked: !unlocked,
  };
}

/** The interview, checked for a write by the caller: visible, on its panel, not cancelled, templated. */
async function requireWritable(scope: WorkspaceScope, interviewId: string) {
  const access = await requireInterview(scope, interviewId);
  if (!access.onPanel) {
    throw new ForbiddenError("Only the interview's panel writes scorecards for it", "not_on_panel");
  }
  if (access.status === "cancelled") throw new ConflictError("This interview was cancelled", "interview_cancelled");
  return access;
}

/** The caller's scorecard row, created (as an empty draft) if need be and locked for this transaction. */
async function lockOwnScorecard(tx: HiringTx, scope: WorkspaceScope, interviewId: string): Promise<ScorecardRow> {
  // INSERT … ON CONFLICT: two first saves at once make one scorecard, not a unique violation.
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO interview_scorecards (id, interview_id, workspace_id, member_id, updated_at)
    VALUES (${uuidv7()}::uuid, ${interviewId}::uuid, ${scope.workspaceId}::uuid, ${scope.memberId}::uuid, now())
    ON CONFLICT (interview_id, member_id) DO NOTHING`);
  await tx.$queryRaw(Prisma.sql`
    SELECT id FROM interview_scorecards
     WHERE workspace_id = ${scope.workspaceId}::uuid AND interview_id = ${interviewId}::uuid AND member_id = ${scope.memberId}::uuid
       FOR UPDATE`);
  return tx.interviewScorecard.findFirstOrThrow({ where: { interviewId, memberId: scope.memberId }, select: scorecardSelect });
}

type Changes = Omit<SaveDraftInput, "interviewId">;

/** Checks the score entries against the interview's template (live categories, its scale). */
function checkScores(template: InterviewTemplate, changes: Changes): void {
  const live = new Set(liveCategories(template).map((category) => category.id));
  for (const score of changes.scores ?? []) {
    if (!live.has(score.categoryId)) {
      throw new ValidationError("A category is not one of this interview's scorecard categories", "invalid_category");
    }
    if (score.rating !== null && score.rating > template.ratingScale) {
      throw new ValidationError(`Ratings run from 1 to ${template.ratingScale} on this scorecard`, "invalid_rating");
    }
  }
}

/** The scorecard's content after `changes`: what is left out stays. */
interface Content {
  recommendation: Recommendation | null;
  notes: string | null;
  /** By category id. */
  scores: Map<string, { rating: number | null; note: string | null }>;
}

function contentOf(row: ScorecardRow): Content {
  return {
    recommendation: row.recommendation,
    notes: row.notes,
    scores: new Map(row.scores.map((score) => [score.categoryId, { rating: score.score, note: score.comment }])),
  };
}

function applyChanges(before: Content, changes: Changes): Content {
  const scores = new Map(before.scores);
  for (const score of changes.scores ?? []) {
    const previous = scores.get(score.categoryId);
    scores.set(score.categoryId, { rating: score.rating, note: score.note !== undefined ? score.note : (previous?.note ?? null) });
  }
  return {
    recommendation: changes.recommendation !== undefined ? changes.recommendation : before.recommendation,
    notes: changes.notes !== undefined ? changes.notes : before.notes,
    scores,
  };
}

function sameContent(a: Content, b: Content): boolean {
  if (a.recommendation !== b.recommendation || a.notes !== b.notes) return false;
  const blank = { rating: null, note: null };
  const ids = new Set([...a.scores.keys(), ...b.scores.keys()]);
  return [...ids].every((categoryId) => {
    const x = a.scores.get(categoryId) ?? blank;
    const y = b.scores.get(categoryId) ?? blank;
    return x.rating === y.rating && x.note === y.note;
  });
}

/** Writes `changes` onto the scorecard (the caller's, locked). */
async function writeChanges(tx: HiringTx, scope: WorkspaceScope, scorecardId: string, changes: Changes): Promise<void> {
  for (const score of changes.scores ?? []) {
    await tx.scorecardScore.upsert({
      where: { scorecardId_categoryId: { scorecardId, categoryId: score.categoryId } },
      create: {
        workspaceId: scope.workspaceId,
        scorecardId,
        categoryId: score.categoryId,
        score: score.rating,
        comment: score.note ?? null,
      },
      update: { score: score.rating, ...(score.note !== undefined ? { comment: score.note } : {}) },
    });
  }
  await tx.interviewScorecard.update({
    where: { id: scorecardId },
    data: {
      ...(changes.recommendation !== undefined ? { recommendation: changes.recommendation } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      // Touch it even when only scores changed: updatedAt is when the author last saved.
      updatedAt: new Date(),
    },
  });
}

/** Saves the caller's draft (creating it on first save). A submitted scorecard changes through submit only. */
export async function saveDraft(scope: WorkspaceScope, input: SaveDraftInput): Promise<ScorecardView> {
  const { interviewId, ...changes } = input;
  const access = await requireWritable(scope, interviewId);
  const template = await templateOf(scope.db, access);
  checkScores(template, changes);
  return scope.db.$transaction(async (tx) => {
    const row = await lockOwnScorecard(tx, scope, access.id);
    if (row.submittedAt) {
      throw new ConflictError("This scorecard was submitted; submit again with the changes to amend it", "scorecard_submitted");
    }
    await writeChanges(tx, scope, row.id, changes);
    return present(await tx.interviewScorecard.findFirstOrThrow({ where: { id: row.id }, select: scorecardSelect }));
  });
}

/** What a submitted scorecard must have: a rating for every live category, and a recommendation. */
function requireComplete(template: InterviewTemplate, content: Content): void {
  const unrated = liveCategories(template).filter((category) => content.scores.get(category.id)?.rating == null);
  const missing = [
    ...(unrated.length > 0 ? [`a rating for ${unrated.map((category) => `"${category.name}"`).join(", ")}`] : []),
    ...(content.recommendation === null ? ["a recommendation"] : []),
  ];
  if (missing.length > 0) throw new ValidationError(`The scorecard needs ${missing.join(" and ")}`, "scorecard_incomplete");
}

/**
 * Submits the caller's scorecard with `changes`. The first submit makes it final (version 1); a later
 * one that changes something amends it: the submitted state so far is kept as a version, the new one
 * is version + 1, audited as an amendment. Either way the panel and hiring managers hear of it.
 */
export async function submitScorecard(
  scope: WorkspaceScope,
  deps: ScorecardDeps,
  meta: RequestMeta,
  input: SubmitInput,
): Promise<ScorecardView> {
  const { interviewId, ...changes } = input;
  const access = await requireWritable(scope, interviewId);
  const template = await templateOf(scope.db, access);
  checkScores(template, changes);
  const { view, published } = await scope.db.$transaction(async (tx) => {
    const row = await lockOwnScorecard(tx, scope, access.id);
    const before = contentOf(row);
    const after = applyChanges(before, changes);
    requireComplete(template, after);
    if (row.submittedAt && sameContent(before, after)) return { view: present(row), published: false };

    const version = row.submittedAt ? row.version + 1 : row.version;
    if (row.submittedAt) {
      await tx.scorecardVersion.create({
        data: {
          workspaceId: scope.workspaceId,
          scorecardId: row.id,
          version: row.version,
          recommendation: row.recommendation,
          notes: row.notes,
          scores: row.scores.map((score) => ({ categoryId: score.categoryId, score: score.score, comment: score.comment })),
          submittedAt: row.submittedAt,
        },
      });
    }
    await writeChanges(tx, scope, row.id, changes);
    await tx.interviewScorecard.update({ where: { id: row.id }, data: { submittedAt: new Date(), version } });
    if (row.submittedAt) {
      await recordAudit(tx, scope.workspaceId, meta, {
        action: "scorecard.amended",
        targetType: "scorecard",
        targetId: row.id,
        metadata: { interviewId: access.id, version, previousVersion: row.version },
      });
    }
    await publishHiringEvent(
      tx,
      { workspaceId: scope.workspaceId, meta, appUrl: deps.settings.appUrl },
      { name: "scorecard.submitted", interviewId: access.id, scorecardId: row.id, version },
    );
    return {
      view: present(await tx.interviewScorecard.findFirstOrThrow({ where: { id: row.id }, select: scorecardSelect })),
      published: true,
    };
  });
  if (published) deps.emailQueued();
  return view;
}

/**
 * A scorecard's submitted versions: for its author, and for holders of `interviews:manage` once it
 * is submitted. Anyone else (other panelists included) gets NOT_FOUND, as for a draft.
 */
export async function scorecardHistory(scope: WorkspaceScope, input: ScorecardIdInput) {
  const found = await scope.db.interviewScorecard.findFirst({
    where: { id: input.scorecardId },
    select: { interviewId: true, memberId: true, submittedAt: true },
  });
  if (!found) throw new NotFoundError("Scorecard");
  const access = await requireInterview(scope, found.interviewId, { notFound: "Scorecard" });
  const own = found.memberId === scope.memberId;
  if (!own && !(access.manage && found.submittedAt)) throw new NotFoundError("Scorecard");

  const row = await scope.db.interviewScorecard.findFirstOrThrow({ where: { id: input.scorecardId }, select: scorecardSelect });
  const versions = await scope.db.scorecardVersion.findMany({
    where: { scorecardId: row.id },
    orderBy: { version: "desc" },
    select: { version: true, submittedAt: true, recommendation: true, notes: true, scores: true },
  });
  // Versions name categories by id; their names are read now (categories are never deleted).
  const categoryIds = new Set(versions.flatMap((version) => storedScores(version.scores).map((score) => score.categoryId)));
  const categories = await scope.db.scorecardCategory.findMany({
    where: { id: { in: [...categoryIds] } },
    select: { id: true, name: true, archivedAt: true, position: true },
  });
  const byId = new Map(categories.map((category) => [category.id, category]));
  return {
    current: present(row),
    versions: versions.map((version) => ({
      version: version.version,
      submittedAt: version.submittedAt,
      recommendation: version.recommendation,
      notes: version.notes,
      scores: storedScores(version.scores)
        .flatMap((score) => {
          const category = byId.get(score.categoryId);
          return category ? [{ score, category }] : [];
        })
        .sort((a, b) => a.category.position - b.category.position)
        .map(({ score, category }) => ({
          categoryId: score.categoryId,
          categoryName: category.name,
          categoryArchived: category.archivedAt !== null,
          rating: score.score,
          note: score.comment,
        })),
    })),
  };
}

interface StoredScore {
  categoryId: string;
  score: number | null;
  comment: string | null;
}

/** scorecard_versions.scores as written by submitScorecard; anything else in it is skipped. */
function storedScores(value: Prisma.JsonValue): StoredScore[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return [];
    const { categoryId, score, comment } = entry;
    if (typeof categoryId !== "string") return [];
    return [{ categoryId, score: typeof score === "number" ? score : null, comment: typeof comment === "string" ? comment : null }];
  });
}
