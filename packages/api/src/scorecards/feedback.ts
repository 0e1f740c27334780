// candidates.feedback: the panel's submitted scorecards on one candidate, aggregated across their
// interviews. Counted: the candidate's interviews that are not cancelled, have a template (one
// without a template has no scorecards to wait for) and that the caller may see
// (`interviewVisibleSql`): every one for holders of `interviews:manage`, only those whose panel they
// sit on for anyone else. Interview B is NOT_FOUND to a panelist of A alone, so its scores,
// recommendations, id and panel must not reach them through the aggregate either.
//
// The blind rule reaches the aggregate too. A non-manager sees it only once they have submitted at
// least one scorecard among the counted interviews and none of their seats there is still open;
// until then `locked` is true and `awaitingMine` lists the open ones. Having submitted something is
// required, not just nothing outstanding: a member whose only seat is on a cancelled or template-less
// interview has nothing to submit, and so nothing to trade for the others' views (locked, with
// `awaitingMine` empty; not NOT_FOUND, as the candidate itself stays visible to them through that
// seat). Managers always see it. Drafts never count.
//
// Disagreement is flagged when either
//   - the recommendations split: at least one no/strong_no and at least one yes/strong_yes, or
//   - a category's ratings span 2 or more points (a 2 and a 4 on the same category).
import { Prisma, queryRows } from "@meetmind/db";
import { interviewVisibleSql, managesInterviews, requireCandidate } from "../tenancy/interview-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { CandidateFeedbackInput } from "./schemas.js";

/** A category's ratings this far apart (max − min) or more are a disagreement. */
export const DISAGREEMENT_SPREAD = 2;

interface PanelRow {
  interviewId: string;
  memberId: string;
  name: string;
  submitted: boolean;
}

interface CategoryRow {
  categoryId: string;
  name: string;
  templateId: string;
  weight: number;
  ratingScale: number;
  archived: boolean;
  ratings: number;
  meanRating: number | null;
  minRating: number | null;
  maxRating: number | null;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export async function candidateFeedback(scope: WorkspaceScope, input: CandidateFeedbackInput) {
  const candidate = await requireCandidate(scope, input.candidateId);
  const ws = scope.workspaceId;
  const interviews = await queryRows<{ id: string; templateId: string }>(
    scope.db,
    Prisma.sql`
    SELECT i.id, i.template_id AS "templateId" FROM interviews i
     WHERE i.workspace_id = ${ws}::uuid AND i.candidate_id = ${candidate.id}::uuid
       AND i.status <> 'cancelled' AND i.template_id IS NOT NULL
       AND ${interviewVisibleSql("i", scope)}
     ORDER BY i.scheduled_at, i.id`,
  );
  const interviewIds = interviews.map((interview) => interview.id);
  const panel =
    interviewIds.length === 0
      ? []
      : await queryRows<PanelRow>(
          scope.db,
          Prisma.sql`
          SELECT p.interview_id AS "interviewId", p.member_id AS "memberId", coalesce(u.full_name, u.email) AS name,
                 EXISTS (SELECT 1 FROM interview_scorecards s
                          WHERE s.interview_id = p.interview_id AND s.member_id = p.member_id AND s.submitted_at IS NOT NULL) AS submitted
            FROM interview_panelists p
            JOIN workspace_members wm ON wm.id = p.member_id
            JOIN users u ON u.id = wm.user_id
           WHERE p.workspace_id = ${ws}::uuid AND p.interview_id = ANY(${interviewIds}::uuid[])
           ORDER BY p.interview_id, name, p.member_id`,
        );
  const mine = panel.filter((seat) => seat.memberId === scope.memberId);
  const awaitingMine = mine.filter((seat) => !seat.submitted).map((seat) => seat.interviewId);
  const locked = !managesInterviews(scope) && (awaitingMine.length > 0 || !mine.some((seat) => seat.submitted));
  if (locked || interviewIds.length === 0) {
    return { candidateId: candidate.id, locked, awaitingMine, feedback: locked ? null : emptyFeedback() };
  }

  const recommendations = await queryRows<{ recommendation: string; count: number }>(
    scope.db,
    Prisma.sql`
    SELECT s.recommendation::text AS recommendation, count(*)::int AS count FROM interview_scorecards s
     WHERE s.workspace_id = ${ws}::uuid AND s.interview_id = ANY(${interviewIds}::uuid[])
       AND s.submitted_at IS NOT NULL AND s.recommendation IS NOT NULL
     GROUP BY s.recommendation`,
  );
  const submittedScorecards = await queryRows<{ count: number }>(
    scope.db,
    Prisma.sql`
    SELECT count(*)::int AS count FROM interview_scorecards s
     WHERE s.workspace_id = ${ws}::uuid AND s.interview_id = ANY(${interviewIds}::uuid[]) AND s.submitted_at IS NOT NULL`,
  );
  const templateIds = [...new Set(interviews.map((interview) => interview.templateId))];
  // The live categories of the templates in use (rated or not), and any other category a submitted
  // scorecard rated (archived since, or from a template the interview no longer uses).
  const categories = await queryRows<CategoryRow>(
    scope.db,
    Prisma.sql`
    WITH rated AS (
      SELECT sc.category_id, count(*)::int AS ratings, avg(sc.score)::float8 AS mean, min(sc.score)::int AS lo, max(sc.score)::int AS hi
        FROM scorecard_scores sc JOIN interview_scorecards s ON s.id = sc.scorecard_id
       WHERE s.workspace_id = ${ws}::uuid AND s.interview_id = ANY(${interviewIds}::uuid[])
         AND s.submitted_at IS NOT NULL AND sc.score IS NOT NULL
       GROUP BY sc.category_id)
    SELECT c.id AS "categoryId", c.name, c.template_id AS "templateId", c.weight::float8 AS weight, t.rating_scale AS "ratingScale",
           c.archived_at IS NOT NULL AS archived, coalesce(r.ratings, 0) AS ratings,
           r.mean AS "meanRating", r.lo AS "minRating", r.hi AS "maxRating"
      FROM scorecard_categories c
      JOIN scorecard_templates t ON t.id = c.template_id
      LEFT JOIN rated r ON r.category_id = c.id
     WHERE c.workspace_id = ${ws}::uuid
       AND ((c.template_id = ANY(${templateIds}::uuid[]) AND c.archived_at IS NULL) OR r.category_id IS NOT NULL)
     ORDER BY c.template_id, c.position, c.id`,
  );

  const perCategory = categories.map((category) => {
    const normalized = category.meanRating === null ? null : (category.meanRating - 1) / (category.ratingScale - 1);
    const spread = category.minRating === null || category.maxRating === null ? 0 : category.maxRating - category.minRating;
    return { ...category, normalized, disagreement: spread >= DISAGREEMENT_SPREAD };
  });
  let weights = 0;
  let weighted = 0;
  for (const category of perCategory) {
    if (category.normalized === null) continue;
    weights += category.weight;
    weighted += category.weight * category.normalized;
  }
  const weightedScore = weights > 0 ? round(weighted / weights) : null;

  const counts = { strong_no: 0, no: 0, yes: 0, strong_yes: 0 };
  for (const row of recommendations) {
    if (row.recommendation in counts) counts[row.recommendation as keyof typeof counts] = row.count;
  }
  const recommendationSplit = counts.strong_no + counts.no > 0 && counts.yes + counts.strong_yes > 0;
  const disagreeing = perCategory.filter((category) => category.disagreement).map((category) => category.categoryId);

  return {
    candidateId: candidate.id,
    locked: false,
    awaitingMine,
    feedback: {
      interviews: interviewIds.length,
      submittedScorecards: submittedScorecards[0]?.count ?? 0,
      categories: perCategory.map(({ normalized, ...category }) => ({
        ...category,
        meanRating: category.meanRating === null ? null : round(category.meanRating),
        normalizedScore: normalized === null ? null : round(normalized),
      })),
      weightedScore,
      recommendations: counts,
      notSubmitted: panel.filter((seat) => !seat.submitted).map(({ interviewId, memberId, name }) => ({ interviewId, memberId, name })),
      disagreement: { flagged: recommendationSplit || disagreeing.length > 0, recommendationSplit, categoryIds: disagreeing },
    },
  };
}

function emptyFeedback() {
  return {
    interviews: 0,
    submittedScorecards: 0,
    categories: [],
    weightedScore: null,
    recommendations: { strong_no: 0, no: 0, yes: 0, strong_yes: 0 },
    notSubmitted: [],
    disagreement: { flagged: false, recommendationSplit: false, categoryIds: [] },
  };
}
