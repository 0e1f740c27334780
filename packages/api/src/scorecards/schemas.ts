import { z } from "zod";
import { pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
// Lower-cased as Postgres prints uuids, so the same id in capitals is the same id (duplicates, lookups).
const id = () => z.uuid().toLowerCase();

/** Ratings run 1..ratingScale. */
export const ratingScale = z.union([z.literal(4), z.literal(5)]);
export const MAX_CATEGORIES = 20;
/** Weights are relative; a bound keeps one category from drowning the others by accident (or overflow). */
export const MAX_WEIGHT = 100;
export const MAX_NOTE = 5_000;
export const MAX_NOTES = 20_000;

/** An empty text is no text. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((text) => (text === "" ? null : text));

const templateName = z.string().trim().min(1, "Name is required").max(200);
/** Compared case-insensitively: one live template per position (a partial unique index on lower()). */
const positionTitle = z.string().trim().min(1, "Position is required").max(200);

const categoryFields = {
  name: z.string().trim().min(1, "Category name is required").max(100),
  description: optionalText(1_000).optional(),
  weight: z.number().positive().max(MAX_WEIGHT).default(1),
};

/** Category names are unique within a template whatever their case (a scorecard shows them side by side). */
const distinctNames = (categories: { name: string }[]) =>
  new Set(categories.map((category) => category.name.toLowerCase())).size === categories.length;

const newCategories = z
  .array(z.object(categoryFields))
  .min(1, "A template needs at least one category")
  .max(MAX_CATEGORIES)
  .refine(distinctNames, "Category names must be distinct");

/**
 * The whole list, in order: an entry with the `id` of one of the template's live categories keeps it
 * (renamed, re-weighted, moved); an entry without `id` adds one; a live category left out is archived.
 */
const categoryList = z
  .array(z.object({ id: id().optional(), ...categoryFields }))
  .min(1, "A template needs at least one category")
  .max(MAX_CATEGORIES)
  .refine(distinctNames, "Category names must be distinct")
  .refine((categories) => {
    const ids = categories.flatMap((category) => (category.id ? [category.id] : []));
    return new Set(ids).size === ids.length;
  }, "A category may appear once");

export const createTemplateInput = z.object({
  workspaceId,
  name: templateName,
  positionTitle,
  ratingScale,
  categories: newCategories,
});

export const updateTemplateInput = z.object({
  workspaceId,
  templateId: id(),
  name: templateName.optional(),
  positionTitle: positionTitle.optional(),
  /** Refused (CONFLICT) once a submitted scorecard rated the template's categories. */
  ratingScale: ratingScale.optional(),
  categories: categoryList.optional(),
});

export const templateIdInput = z.object({ workspaceId, templateId: id() });

export const listTemplatesInput = z.object({
  workspaceId,
  ...pageInput,
  /** Archived templates too (their submitted scores stay readable). */
  includeArchived: z.boolean().default(false),
  /** Only the template(s) for this position, whatever the case. */
  positionTitle: positionTitle.optional(),
});

export type CreateTemplateInput = ScopedInput<typeof createTemplateInput>;
export type UpdateTemplateInput = ScopedInput<typeof updateTemplateInput>;
export type TemplateIdInput = ScopedInput<typeof templateIdInput>;
export type ListTemplatesInput = ScopedInput<typeof listTemplatesInput>;

export const categoryOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  weight: z.number(),
  position: z.number().int(),
});

export const templateOutput = z.object({
  id: z.string(),
  name: z.string(),
  positionTitle: z.string(),
  ratingScale: z.number().int(),
  /** The live categories, in order (archived ones stay readable on the scorecards that rated them). */
  categories: z.array(categoryOutput),
  archivedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const templatePage = pageOf(templateOutput);

// ─── Scorecards ──────────────────────────────────────────────────────────────

export const recommendation = z.enum(["strong_no", "no", "yes", "strong_yes"]);
export type Recommendation = z.infer<typeof recommendation>;

const interviewId = id();

/**
 * What saveDraft and submit change; everything optional, and what is left out stays as it was. A
 * score entry replaces that category's rating and note (null clears them).
 */
const scorecardChanges = {
  scores: z
    .array(
      z.object({
        categoryId: id(),
        /** 1..the template's rating scale (checked against it), or null: not rated yet. */
        rating: z.number().int().min(1).max(5).nullable(),
        note: optionalText(MAX_NOTE).optional(),
      }),
    )
    .max(MAX_CATEGORIES)
    .refine((scores) => new Set(scores.map((score) => score.categoryId)).size === scores.length, "A category may appear once")
    .optional(),
  recommendation: recommendation.nullable().optional(),
  notes: optionalText(MAX_NOTES).optional(),
};

export const interviewScorecardInput = z.object({ workspaceId, interviewId });
export const saveDraftInput = z.object({ workspaceId, interviewId, ...scorecardChanges });
/**
 * Submits the caller's scorecard with these last changes. Once submitted, a submit that changes
 * something is an amendment (a new version; the previous one is kept); one that changes nothing is
 * a no-op.
 */
export const submitInput = z.object({ workspaceId, interviewId, ...scorecardChanges });
export const scorecardIdInput = z.object({ workspaceId, scorecardId: id() });

export type InterviewScorecardInput = ScopedInput<typeof interviewScorecardInput>;
export type SaveDraftInput = ScopedInput<typeof saveDraftInput>;
export type SubmitInput = ScopedInput<typeof submitInput>;
export type ScorecardIdInput = ScopedInput<typeof scorecardIdInput>;

export const scoreOutput = z.object({
  categoryId: z.string(),
  categoryName: z.string(),
  /** The category was archived from the template since (its scores stay readable). */
  categoryArchived: z.boolean(),
  rating: z.number().int().nullable(),
  note: z.string().nullable(),
});

export const scorecardOutput = z.object({
  id: z.string(),
  interviewId: z.string(),
  /** Null once the author left the workspace (the scores stay). */
  memberId: z.string().nullable(),
  authorName: z.string().nullable(),
  status: z.enum(["draft", "submitted"]),
  /** 1 until the first amendment after submission. */
  version: z.number().int(),
  submittedAt: z.date().nullable(),
  recommendation: recommendation.nullable(),
  notes: z.string().nullable(),
  /** In the template's category order. */
  scores: z.array(scoreOutput),
  updatedAt: z.date(),
});
export type ScorecardView = z.infer<typeof scorecardOutput>;

export const interviewScorecardsOutput = z.object({
  interviewId: z.string(),
  template: z.object({
    id: z.string(),
    name: z.string(),
    ratingScale: z.number().int(),
    archivedAt: z.date().nullable(),
    categories: z.array(categoryOutput),
  }),
  /** The caller's own scorecard, draft or submitted; null when they have none. */
  mine: scorecardOutput.nullable(),
  /**
   * The other panelists' submitted scorecards (drafts never), or null while `locked`: a panelist sees
   * them only once their own is submitted. Holders of `interviews:manage` always see them.
   */
  others: z.array(scorecardOutput).nullable(),
  locked: z.boolean(),
});

export const scorecardVersionOutput = z.object({
  version: z.number().int(),
  submittedAt: z.date(),
  recommendation: recommendation.nullable(),
  notes: z.string().nullable(),
  scores: z.array(scoreOutput),
});

export const scorecardHistoryOutput = z.object({
  /** The scorecard as it is now. */
  current: scorecardOutput,
  /** The submitted states it replaced, newest first. */
  versions: z.array(scorecardVersionOutput),
});

// ─── candidates.feedback ─────────────────────────────────────────────────────

export const candidateFeedbackInput = z.object({ workspaceId, candidateId: id() });
export type CandidateFeedbackInput = ScopedInput<typeof candidateFeedbackInput>;

const categoryFeedback = z.object({
  categoryId: z.string(),
  name: z.string(),
  templateId: z.string(),
  weight: z.number(),
  ratingScale: z.number().int(),
  archived: z.boolean(),
  /** Submitted ratings of this category. */
  ratings: z.number().int(),
  meanRating: z.number().nullable(),
  minRating: z.number().int().nullable(),
  maxRating: z.number().int().nullable(),
  /** The mean on a 0..1 scale: (mean − 1) / (ratingScale − 1), so 1-4 and 1-5 scales compare. */
  normalizedScore: z.number().nullable(),
  /** The ratings span 2 or more points (say a 2 and a 4). */
  disagreement: z.boolean(),
});

export const candidateFeedbackOutput = z.object({
  candidateId: z.string(),
  /**
   * Never for holders of `interviews:manage`. For anyone else true until they have submitted at
   * least one scorecard among the counted interviews and none there is still waiting for theirs;
   * so also for a member whose only seats are on cancelled or template-less interviews (nothing to
   * submit, `awaitingMine` empty). They see nothing else while locked.
   */
  locked: z.boolean(),
  /** The counted interviews still waiting for the caller's scorecard. */
  awaitingMine: z.array(z.string()),
  /** Null while locked. */
  feedback: z
    .object({
      /**
       * Interviews counted: the candidate's, not cancelled, with a template, and visible to the
       * caller: all of them for managers, only those on whose panel they sit for anyone else.
       * Everything below covers these interviews alone.
       */
      interviews: z.number().int(),
      submittedScorecards: z.number().int(),
      categories: z.array(categoryFeedback),
      /** Σ weight × normalizedScore / Σ weight over the rated categories, 0..1; null when none is rated. */
      weightedScore: z.number().nullable(),
      recommendations: z.object({ strong_no: z.number().int(), no: z.number().int(), yes: z.number().int(), strong_yes: z.number().int() }),
      /** Panelists of the counted interviews without a submitted scorecard. */
      notSubmitted: z.array(z.object({ interviewId: z.string(), memberId: z.string(), name: z.string() })),
      disagreement: z.object({
        /** Any of the two below. */
        flagged: z.boolean(),
        /** At least one no/strong_no and at least one yes/strong_yes. */
        recommendationSplit: z.boolean(),
        /** Categories whose ratings span 2 or more points. */
        categoryIds: z.array(z.string()),
      }),
    })
    .nullable(),
});
