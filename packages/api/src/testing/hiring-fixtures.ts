// The hiring part of a test workspace: a scorecard template, candidates, and an interview whose
// panel is one extra member (the `interviewer`), so the world's plain member is off the panel and
// sees none of it. Written straight to the database, as the rest of the world is; domain tests
// that need more (a transcript, scorecards) build it through the procedures.
import type { Db } from "@meetmind/db";
import type { AuthUser } from "../context.js";

export interface HiringWorld {
  /** A member (role `member`) on the interview's panel. */
  interviewer: AuthUser;
  interviewerMemberId: string;
  /** "Backend Engineer", rating 1–4, three categories (ids in order). */
  template: { id: string; categoryIds: string[] };
  candidate: { id: string; name: string; email: string };
  deletedCandidate: { id: string };
  /** A scheduled onsite interview of `candidate`, panel: the interviewer; no meeting yet. */
  interview: { id: string };
  /** The interviewer's draft scorecard on `interview`. */
  scorecard: { id: string };
}

export const HIRING_POSITION = "Backend Engineer";

export async function createHiringWorld(
  db: Db,
  workspaceId: string,
  label: string,
  createUser: (db: Db, label: string) => Promise<AuthUser>,
  createdById: string,
): Promise<HiringWorld> {
  const interviewer = await createUser(db, `${label}-interviewer`);
  const interviewerMember = await db.workspaceMember.create({ data: { workspaceId, userId: interviewer.id, role: "member" } });
  const template = await db.scorecardTemplate.create({
    data: {
      workspaceId,
      name: `${HIRING_POSITION} loop`,
      positionTitle: HIRING_POSITION,
      ratingScale: 4,
      createdById,
      categories: {
        create: [
          { workspaceId, name: "Technical depth", description: "Designs and explains systems", weight: 2, position: 0 },
          { workspaceId, name: "Communication", description: "Clear and structured", weight: 1, position: 1 },
          { workspaceId, name: "Collaboration", description: "Works with others", weight: 1, position: 2 },
        ],
      },
    },
    select: { id: true, categories: { select: { id: true }, orderBy: { position: "asc" } } },
  });
  const email = `ada-${label}@candidates.example`;
  const candidate = await db.candidate.create({
    data: { workspaceId, name: `Ada Candidate ${label}`, email, positionTitle: HIRING_POSITION, stage: "onsite", createdById },
  });
  const deletedCandidate = await db.candidate.create({
    data: { workspaceId, name: `Old Candidate ${label}`, positionTitle: HIRING_POSITION, deletedAt: new Date(), createdById },
  });
  const interview = await db.interview.create({
    data: {
      workspaceId,
      candidateId: candidate.id,
      templateId: template.id,
      positionTitle: HIRING_POSITION,
      stage: "onsite",
      scheduledAt: new Date(Date.now() + 86_400_000),
      createdById,
      panel: { create: [{ workspaceId, memberId: interviewerMember.id }] },
    },
  });
  const scorecard = await db.interviewScorecard.create({
    data: { workspaceId, interviewId: interview.id, memberId: interviewerMember.id, notes: "Draft notes" },
  });
  return {
    interviewer,
    interviewerMemberId: interviewerMember.id,
    template: { id: template.id, categoryIds: template.categories.map((c) => c.id) },
    candidate: { id: candidate.id, name: candidate.name, email },
    deletedCandidate: { id: deletedCandidate.id },
    interview: { id: interview.id },
    scorecard: { id: scorecard.id },
  };
}
