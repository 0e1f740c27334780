// Scorecards and candidates.feedback, with the blind rule tested from every side: the panelist
// before and after submitting, another panelist, a manager off the panel, a hiring manager by
// grant, a member and a viewer off the panel, and another workspace.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WorkspaceRole } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { HIRING_POSITION } from "../testing/hiring-fixtures.js";
import { codeOf, errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;
let other: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  fingerprints = await databaseFingerprint(database.url);
  other = await createWorkspaceWorld(database.db, "other");
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(database.db, `s${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db: database.db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });
const interview = () => ({ ...ws(), interviewId: w.hiring.interview.id });
const categoryIds = () => w.hiring.template.categoryIds;
const [TECH, COMM, COLLAB] = [0, 1, 2] as const;
const category = (index: number) => categoryIds()[index] ?? "";

async function refusedWithoutWrites(call: () => Promise<unknown>, code: string, appCode?: string): Promise<void> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome?.code).toBe(code);
  if (appCode) expect(outcome?.appCode).toBe(appCode);
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
}

async function auditActions(): Promise<string[]> {
  const rows = await database.db.auditEvent.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { id: "asc" } });
  return rows.map((row) => row.action);
}

/** A new member of `w` (role `member` unless said), on the panel of `interviewId` when given. */
async function addMember(
  label: string,
  options: { interviewId?: string; role?: WorkspaceRole; manager?: boolean } = {},
): Promise<{ user: AuthUser; memberId: string }> {
  const user = await createUser(database.db, label);
  const member = await database.db.workspaceMember.create({
    data: {
      workspaceId: w.workspaceId,
      userId: user.id,
      role: options.role ?? "member",
      grantedPermissions: options.manager ? ["interviews:manage"] : [],
    },
  });
  if (options.interviewId) {
    await database.db.interviewPanelist.create({
      data: { workspaceId: w.workspaceId, interviewId: options.interviewId, memberId: member.id },
    });
  }
  return { user, memberId: member.id };
}

/** Ratings in category order, and a recommendation: everything a submit needs. */
const complete = (ratings: number[], recommendation: "strong_no" | "no" | "yes" | "strong_yes" = "yes") => ({
  scores: ratings.map((rating, index) => ({ categoryId: category(index), rating })),
  recommendation,
});

describe("scorecards.saveDraft", () => {
  it("saves the panelist's draft, field by field; what is left out stays", async () => {
    const saved = await as(w.hiring.interviewer).scorecards.saveDraft({
      ...interview(),
      scores: [{ categoryId: category(COMM), rating: 3, note: "Clear answers" }],
      notes: "Good energy",
    });
    expect(saved).toMatchObject({
      id: w.hiring.scorecard.id,
      status: "draft",
      version: 1,
      submittedAt: null,
      recommendation: null,
      notes: "Good energy",
      memberId: w.hiring.interviewerMemberId,
    });
    expect(saved.scores).toEqual([
      { categoryId: category(COMM), categoryName: "Communication", categoryArchived: false, rating: 3, note: "Clear answers" },
    ]);

    const again = await as(w.hiring.interviewer).scorecards.saveDraft({
      ...interview(),
      scores: [
        { categoryId: category(COMM), rating: null },
        { categoryId: category(TECH), rating: 4 },
      ],
      recommendation: "yes",
    });
    // In the template's order; a score's note stays when only its rating is given.
    expect(again.scores.map((s) => [s.categoryName, s.rating, s.note])).toEqual([
      ["Technical depth", 4, null],
      ["Communication", null, "Clear answers"],
    ]);
    expect(again).toMatchObject({ recommendation: "yes", notes: "Good energy" });
    // Drafts are not audited nor announced.
    expect(await auditActions()).toEqual([]);
  });

  it("makes a scorecard on a panelist's first save", async () => {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    const saved = await as(second.user).scorecards.saveDraft({ ...interview(), notes: "First thoughts" });
    expect(saved).toMatchObject({ memberId: second.memberId, status: "draft", notes: "First thoughts", scores: [] });
    expect(await database.db.interviewScorecard.count({ where: { interviewId: w.hiring.interview.id } })).toBe(2);
  });

  it("refuses bad input with BAD_REQUEST and writes nothing", async () => {
    const designer = await as(w.owner).scorecards.templates.create({
      ...ws(),
      name: "Design",
      positionTitle: "Designer",
      ratingScale: 5,
      categories: [{ name: "Craft" }],
    });
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ scores: [{ categoryId: category(TECH), rating: 5 }] }, "invalid_rating"], // the template's scale is 1-4
      [{ scores: [{ categoryId: category(TECH), rating: 0 }] }, undefined],
      [{ scores: [{ categoryId: category(TECH), rating: 2.5 }] }, undefined],
      [{ scores: [{ categoryId: designer.categories[0]?.id, rating: 2 }] }, "invalid_category"],
      [{ scores: [{ categoryId: other.hiring.template.categoryIds[0], rating: 2 }] }, "invalid_category"],
      [{ scores: [{ categoryId: "not-a-uuid", rating: 2 }] }, undefined],
      [
        {
          scores: [
            { categoryId: category(TECH), rating: 2 },
            { categoryId: category(TECH), rating: 3 },
          ],
        },
        undefined,
      ],
      [{ scores: [{ categoryId: category(TECH), rating: 2, note: "x".repeat(5001) }] }, undefined],
      [{ recommendation: "maybe" }, undefined],
      [{ notes: "x".repeat(20_001) }, undefined],
      [{ interviewId: "nope" }, undefined],
    ];
    for (const [override, appCode] of cases) {
      await refusedWithoutWrites(
        () => as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), ...override }),
        "BAD_REQUEST",
        appCode,
      );
    }
    // An archived category takes no new ratings.
    await as(w.owner).scorecards.templates.update({
      ...ws(),
      templateId: w.hiring.template.id,
      categories: [
        { id: category(TECH), name: "Technical depth" },
        { id: category(COMM), name: "Communication" },
      ],
    });
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), scores: [{ categoryId: category(COLLAB), rating: 2 }] }),
      "BAD_REQUEST",
      "invalid_category",
    );
  });

  it("is the panel's alone: off-panel NOT_FOUND, a manager off the panel FORBIDDEN, a viewer FORBIDDEN, other workspaces NOT_FOUND", async () => {
    const draft = { ...interview(), notes: "Mine" };
    await refusedWithoutWrites(() => as(w.member).scorecards.saveDraft(draft), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.viewer).scorecards.saveDraft(draft), "FORBIDDEN", "insufficient_role");
    for (const manager of [w.owner, w.admin, (await addMember("hm", { manager: true })).user]) {
      await refusedWithoutWrites(() => as(manager).scorecards.saveDraft(draft), "FORBIDDEN", "not_on_panel");
    }
    await refusedWithoutWrites(() => as(other.owner).scorecards.saveDraft(draft), "NOT_FOUND");
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.saveDraft({ ...ws(), interviewId: other.hiring.interview.id }),
      "NOT_FOUND",
    );
  });

  it("refuses an interview without a template (BAD_REQUEST) or a cancelled one (CONFLICT)", async () => {
    await database.db.interview.update({ where: { id: w.hiring.interview.id }, data: { templateId: null } });
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), notes: "x" }),
      "BAD_REQUEST",
      "interview_has_no_template",
    );
    await refusedWithoutWrites(() => as(w.hiring.interviewer).scorecards.get(interview()), "BAD_REQUEST", "interview_has_no_template");
    await database.db.interview.update({
      where: { id: w.hiring.interview.id },
      data: { templateId: w.hiring.template.id, status: "cancelled", cancelledAt: new Date() },
    });
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), notes: "x" }),
      "CONFLICT",
      "interview_cancelled",
    );
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([3, 3, 3]) }),
      "CONFLICT",
      "interview_cancelled",
    );
    // Still readable.
    expect((await as(w.hiring.interviewer).scorecards.get(interview())).mine?.notes).toBe("Draft notes");
  });
});

describe("scorecards.submit", () => {
  it("needs every live category rated and a recommendation, naming what is missing; writes nothing until then", async () => {
    await as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), scores: [{ categoryId: category(TECH), rating: 3 }] });
    const before = await fingerprints.take();
    const refused = await as(w.hiring.interviewer)
      .scorecards.submit({ ...interview(), scores: [{ categoryId: category(COMM), rating: 2 }] })
      .then(
        () => null,
        (error: Error & { code?: string; cause?: { appCode?: string } }) => error,
      );
    expect(refused?.code).toBe("BAD_REQUEST");
    expect(refused?.cause?.appCode).toBe("scorecard_incomplete");
    expect(refused?.message).toContain('"Collaboration"');
    expect(refused?.message).toContain("a recommendation");
    expect(refused?.message).not.toContain('"Technical depth"');
    expect(await fingerprints.take()).toBe(before);

    // A panelist with no scorecard yet: nothing is made by a refused submit.
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    await refusedWithoutWrites(() => as(second.user).scorecards.submit(interview()), "BAD_REQUEST", "scorecard_incomplete");
    await refusedWithoutWrites(
      () => as(second.user).scorecards.submit({ ...interview(), ...complete([3, 3, 5]) }),
      "BAD_REQUEST",
      "invalid_rating",
    );
  });

  it("is final: announced and audited; saveDraft after it CONFLICTs; a changed submit is an amendment, an unchanged one nothing", async () => {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    const submitted = await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]), notes: "Hire" });
    expect(submitted).toMatchObject({ status: "submitted", version: 1, recommendation: "yes", notes: "Hire" });
    expect(submitted.submittedAt).toBeInstanceOf(Date);
    expect(await auditActions()).toEqual(["scorecard.submitted"]);
    // The other panelist hears of it (the author does not).
    const secondEmail = (await database.db.user.findUniqueOrThrow({ where: { id: second.user.id } })).email;
    const interviewerEmail = (await database.db.user.findUniqueOrThrow({ where: { id: w.hiring.interviewer.id } })).email;
    const outbox = await database.db.emailOutbox.findMany({ where: { toAddress: { in: [secondEmail, interviewerEmail] } } });
    expect(outbox.map((email) => email.toAddress)).toEqual([secondEmail]);

    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), notes: "Second thoughts" }),
      "CONFLICT",
      "scorecard_submitted",
    );
    // The same content again: no new version, no event.
    const same = await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]) });
    expect(same.version).toBe(1);
    expect(await auditActions()).toEqual(["scorecard.submitted"]);
    // An amendment must stay complete.
    await refusedWithoutWrites(
      () => as(w.hiring.interviewer).scorecards.submit({ ...interview(), recommendation: null }),
      "BAD_REQUEST",
      "scorecard_incomplete",
    );

    const amended = await as(w.hiring.interviewer).scorecards.submit({
      ...interview(),
      scores: [{ categoryId: category(COLLAB), rating: 3, note: "Better on reflection" }],
      recommendation: "strong_yes",
    });
    expect(amended).toMatchObject({ version: 2, recommendation: "strong_yes", notes: "Hire" });
    expect(amended.scores.map((s) => s.rating)).toEqual([4, 3, 3]);
    expect(await auditActions()).toEqual(["scorecard.submitted", "scorecard.amended", "scorecard.submitted"]);
    const events = await database.db.auditEvent.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { id: "asc" } });
    expect(events[2]?.metadata).toMatchObject({ scorecardId: w.hiring.scorecard.id, version: 2 });

    const history = await as(w.hiring.interviewer).scorecards.history({ ...ws(), scorecardId: w.hiring.scorecard.id });
    expect(history.current.version).toBe(2);
    expect(history.versions).toEqual([
      expect.objectContaining({ version: 1, recommendation: "yes", notes: "Hire", submittedAt: submitted.submittedAt }),
    ]);
    expect(history.versions[0]?.scores.map((s) => [s.categoryName, s.rating])).toEqual([
      ["Technical depth", 4],
      ["Communication", 3],
      ["Collaboration", 2],
    ]);
  });

  it("is the panel's alone, as saveDraft", async () => {
    const card = { ...interview(), ...complete([3, 3, 3]) };
    await refusedWithoutWrites(() => as(w.member).scorecards.submit(card), "NOT_FOUND");
    await refusedWithoutWrites(() => as(w.viewer).scorecards.submit(card), "FORBIDDEN", "insufficient_role");
    await refusedWithoutWrites(() => as(w.admin).scorecards.submit(card), "FORBIDDEN", "not_on_panel");
    await refusedWithoutWrites(() => as(other.owner).scorecards.submit(card), "NOT_FOUND");
    await refusedWithoutWrites(
      () => as(other.hiring.interviewer).scorecards.submit({ ...card, workspaceId: other.workspaceId }),
      "NOT_FOUND",
    );
  });
});

describe("blind feedback: scorecards.get", () => {
  it("hides the others' scorecards until the caller's own is submitted, and drafts always", async () => {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    const third = await addMember("third", { interviewId: w.hiring.interview.id });
    await as(third.user).scorecards.saveDraft({ ...interview(), notes: "Third's private draft", recommendation: "no" });

    // Nobody has submitted: each sees only their own.
    const before = await as(w.hiring.interviewer).scorecards.get(interview());
    expect(before).toMatchObject({ locked: true, others: null, mine: { id: w.hiring.scorecard.id, status: "draft" } });
    expect(before.template.categories.map((c) => c.id)).toEqual(categoryIds());
    expect(await as(second.user).scorecards.get(interview())).toMatchObject({ locked: true, others: null, mine: null });

    // The interviewer submits: the second panelist still sees nothing of it...
    await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]) });
    expect(await as(second.user).scorecards.get(interview())).toMatchObject({ locked: true, others: null, mine: null });
    // ...and the interviewer sees no one else's yet: the third's is a draft.
    expect(await as(w.hiring.interviewer).scorecards.get(interview())).toMatchObject({ locked: false, others: [] });

    // The second submits: both see each other's, never the third's draft.
    await as(second.user).scorecards.submit({ ...interview(), ...complete([2, 3, 2], "no") });
    const secondView = await as(second.user).scorecards.get(interview());
    expect(secondView.locked).toBe(false);
    expect(secondView.mine?.memberId).toBe(second.memberId);
    expect(secondView.others?.map((card) => [card.memberId, card.recommendation])).toEqual([[w.hiring.interviewerMemberId, "yes"]]);
    expect(secondView.others?.[0]?.scores.map((s) => s.rating)).toEqual([4, 3, 2]);
    expect((await as(w.hiring.interviewer).scorecards.get(interview())).others?.map((card) => card.memberId)).toEqual([second.memberId]);
    // The third, still drafting, sees neither.
    expect(await as(third.user).scorecards.get(interview())).toMatchObject({ locked: true, others: null, mine: { status: "draft" } });

    // Managers, by role or grant, see every submitted scorecard at once, and no draft.
    const hm = await addMember("hm", { manager: true });
    for (const manager of [w.owner, w.admin, hm.user]) {
      const view = await as(manager).scorecards.get(interview());
      expect(view.locked).toBe(false);
      expect(view.mine).toBeNull();
      expect(view.others?.map((card) => card.memberId).sort()).toEqual([w.hiring.interviewerMemberId, second.memberId].sort());
      expect(JSON.stringify(view)).not.toContain("Third's private draft");
    }
  });

  it("a manager on the panel sees the others before submitting; they still never see drafts", async () => {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    await database.db.interviewPanelist.create({
      data: { workspaceId: w.workspaceId, interviewId: w.hiring.interview.id, memberId: w.memberIds.admin },
    });
    await as(second.user).scorecards.submit({ ...interview(), ...complete([2, 2, 2], "no") });
    const view = await as(w.admin).scorecards.get(interview());
    expect(view).toMatchObject({ locked: false, mine: null });
    expect(view.others?.map((card) => card.memberId)).toEqual([second.memberId]);
    // On the panel, the admin writes their own.
    expect((await as(w.admin).scorecards.saveDraft({ ...interview(), notes: "Admin's draft" })).status).toBe("draft");
    expect(JSON.stringify(await as(second.user).scorecards.get(interview()))).not.toContain("Admin's draft");
  });

  it("is NOT_FOUND off the panel and from another workspace, and refuses bad input", async () => {
    await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]) });
    expect(await codeOf(as(w.member).scorecards.get(interview()))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.viewer).scorecards.get(interview()))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.owner).scorecards.get(interview()))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.owner).scorecards.get({ workspaceId: other.workspaceId, interviewId: w.hiring.interview.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(as(w.owner).scorecards.get({ ...ws(), interviewId: other.hiring.interview.id }))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.owner).scorecards.get({ ...ws(), interviewId: "1" }))).toBe("BAD_REQUEST");
  });

  it("keeps the names of categories archived since they were rated", async () => {
    await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]) });
    await as(w.owner).scorecards.templates.update({
      ...ws(),
      templateId: w.hiring.template.id,
      categories: [
        { id: category(TECH), name: "Systems design" },
        { id: category(COMM), name: "Communication" },
      ],
    });
    const view = await as(w.hiring.interviewer).scorecards.get(interview());
    expect(view.template.categories.map((c) => c.name)).toEqual(["Systems design", "Communication"]);
    expect(view.mine?.scores.map((s) => [s.categoryName, s.categoryArchived, s.rating])).toEqual([
      ["Systems design", false, 4],
      ["Communication", false, 3],
      ["Collaboration", true, 2],
    ]);
  });
});

describe("scorecards.history", () => {
  it("is for the author and, once submitted, for managers; NOT_FOUND to anyone else", async () => {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    const ref = { ...ws(), scorecardId: w.hiring.scorecard.id };
    // A draft: its author's only.
    expect((await as(w.hiring.interviewer).scorecards.history(ref)).versions).toEqual([]);
    expect(await codeOf(as(w.owner).scorecards.history(ref))).toBe("NOT_FOUND");

    await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2]) });
    await as(second.user).scorecards.submit({ ...interview(), ...complete([2, 3, 2], "no") });
    const managed = await as(w.admin).scorecards.history(ref);
    expect(managed.current).toMatchObject({ id: w.hiring.scorecard.id, version: 1 });
    // Another panelist, even one who submitted, sees the scorecard but not its history.
    expect(await codeOf(as(second.user).scorecards.history(ref))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.member).scorecards.history(ref))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.viewer).scorecards.history(ref))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.owner).scorecards.history({ workspaceId: other.workspaceId, scorecardId: w.hiring.scorecard.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(as(w.owner).scorecards.history({ ...ws(), scorecardId: other.hiring.scorecard.id }))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.owner).scorecards.history({ ...ws(), scorecardId: "x" }))).toBe("BAD_REQUEST");
  });
});

describe("candidates.feedback", () => {
  /**
   * The fixture interview (panel: interviewer, second) and a second interview of the same candidate
   * (panel: third), and a cancelled one (panel: fourth). Interviewer: 4/3/2 yes; second: 2/3/2 no.
   * A panelist of one sees nothing of the other: they are NOT_FOUND to each other.
   */
  async function loop() {
    const second = await addMember("second", { interviewId: w.hiring.interview.id });
    const secondInterview = await database.db.interview.create({
      data: {
        workspaceId: w.workspaceId,
        candidateId: w.hiring.candidate.id,
        templateId: w.hiring.template.id,
        positionTitle: HIRING_POSITION,
        stage: "final",
        scheduledAt: new Date(Date.now() + 2 * 86_400_000),
      },
    });
    const third = await addMember("third", { interviewId: secondInterview.id });
    const cancelled = await database.db.interview.create({
      data: {
        workspaceId: w.workspaceId,
        candidateId: w.hiring.candidate.id,
        templateId: w.hiring.template.id,
        positionTitle: HIRING_POSITION,
        stage: "phone",
        status: "cancelled",
        cancelledAt: new Date(),
        scheduledAt: new Date(),
      },
    });
    const fourth = await addMember("fourth", { interviewId: cancelled.id });
    await as(w.hiring.interviewer).scorecards.submit({ ...interview(), ...complete([4, 3, 2], "yes") });
    await as(second.user).scorecards.submit({ ...interview(), ...complete([2, 3, 2], "no") });
    return { second, third, fourth, secondInterview };
  }
  const ref = () => ({ ...ws(), candidateId: w.hiring.candidate.id });

  it("aggregates the submitted scorecards: weighted score per category, recommendations, who has not submitted, disagreement", async () => {
    const { third, secondInterview } = await loop();
    const result = await as(w.admin).candidates.feedback(ref());
    expect(result).toMatchObject({ candidateId: w.hiring.candidate.id, locked: false, awaitingMine: [] });
    const feedback = result.feedback;
    expect(feedback).toMatchObject({
      interviews: 2,
      submittedScorecards: 2,
      recommendations: { strong_no: 0, no: 1, yes: 1, strong_yes: 0 },
      notSubmitted: [{ interviewId: secondInterview.id, memberId: third.memberId, name: "third" }],
      disagreement: { flagged: true, recommendationSplit: true, categoryIds: [category(TECH)] },
    });
    expect(
      feedback?.categories.map((c) => [
        c.name,
        c.weight,
        c.ratings,
        c.meanRating,
        c.minRating,
        c.maxRating,
        c.normalizedScore,
        c.disagreement,
      ]),
    ).toEqual([
      ["Technical depth", 2, 2, 3, 2, 4, 0.6667, true],
      ["Communication", 1, 2, 3, 3, 3, 0.6667, false],
      ["Collaboration", 1, 2, 2, 2, 2, 0.3333, false],
    ]);
    // (2 × 2/3 + 1 × 2/3 + 1 × 1/3) / 4
    expect(feedback?.weightedScore).toBe(0.5833);
  });

  it("is, for a panelist, the interviews they sit on alone: nothing of another panel's scores, ids or names", async () => {
    const { second, third, secondInterview } = await loop();
    // The interviewer and the second submitted on the fixture interview, the one they sit on: they
    // see its two scorecards, and nothing of the second interview (NOT_FOUND to them), not even
    // that the third has yet to submit there.
    for (const user of [w.hiring.interviewer, second.user]) {
      const result = await as(user).candidates.feedback(ref());
      expect(result).toMatchObject({ locked: false, awaitingMine: [] });
      expect(result.feedback).toMatchObject({
        interviews: 1,
        submittedScorecards: 2,
        recommendations: { strong_no: 0, no: 1, yes: 1, strong_yes: 0 },
        notSubmitted: [],
      });
      const text = JSON.stringify(result);
      expect(text).not.toContain(secondInterview.id);
      expect(text).not.toContain(third.memberId);
      expect(text).not.toContain('"third"');
      expect(await codeOf(as(user).interviews.get({ ...ws(), interviewId: secondInterview.id }))).toBe("NOT_FOUND");
    }

    // The third submits on the second interview: they see its scorecard, none of the fixture's.
    await as(third.user).scorecards.submit({ ...ws(), interviewId: secondInterview.id, ...complete([1, 1, 1], "strong_no") });
    const opened = await as(third.user).candidates.feedback(ref());
    expect(opened).toMatchObject({ locked: false, awaitingMine: [] });
    expect(opened.feedback).toMatchObject({
      interviews: 1,
      submittedScorecards: 1,
      recommendations: { strong_no: 1, no: 0, yes: 0, strong_yes: 0 },
      notSubmitted: [],
      disagreement: { flagged: false },
    });
    expect(opened.feedback?.categories.map((c) => [c.ratings, c.meanRating])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    const text = JSON.stringify(opened);
    expect(text).not.toContain(w.hiring.interview.id);
    expect(text).not.toContain(w.hiring.interviewerMemberId);
    expect(text).not.toContain(second.memberId);
  });

  it("is locked for a panelist until they have submitted somewhere and have nothing outstanding; a seat on a cancelled or template-less interview alone opens nothing", async () => {
    const { second, third, fourth, secondInterview } = await loop();
    expect(await as(third.user).candidates.feedback(ref())).toEqual({
      candidateId: w.hiring.candidate.id,
      locked: true,
      awaitingMine: [secondInterview.id],
      feedback: null,
    });
    // On a cancelled interview only: nothing to submit, so nothing earned. The candidate itself
    // stays visible to them (through that seat), so this is locked rather than NOT_FOUND.
    expect(await as(fourth.user).candidates.feedback(ref())).toEqual({
      candidateId: w.hiring.candidate.id,
      locked: true,
      awaitingMine: [],
      feedback: null,
    });
    expect((await as(fourth.user).candidates.get(ref())).id).toBe(w.hiring.candidate.id);
    // Likewise on an interview without a template.
    const untemplated = await database.db.interview.create({
      data: {
        workspaceId: w.workspaceId,
        candidateId: w.hiring.candidate.id,
        positionTitle: HIRING_POSITION,
        stage: "phone",
        scheduledAt: new Date(),
      },
    });
    const fifth = await addMember("fifth", { interviewId: untemplated.id });
    expect(await as(fifth.user).candidates.feedback(ref())).toMatchObject({ locked: true, awaitingMine: [], feedback: null });
    // An uncounted seat beside a submitted one does not lock: the template-less interview is not counted.
    await database.db.interviewPanelist.create({
      data: { workspaceId: w.workspaceId, interviewId: untemplated.id, memberId: w.hiring.interviewerMemberId },
    });
    expect((await as(w.hiring.interviewer).candidates.feedback(ref())).feedback?.interviews).toBe(1);

    // On two interviews, submitted on one: still locked, until the other is submitted too.
    await database.db.interviewPanelist.create({
      data: { workspaceId: w.workspaceId, interviewId: secondInterview.id, memberId: second.memberId },
    });
    expect(await as(second.user).candidates.feedback(ref())).toMatchObject({
      locked: true,
      awaitingMine: [secondInterview.id],
      feedback: null,
    });
    await as(second.user).scorecards.submit({ ...ws(), interviewId: secondInterview.id, ...complete([3, 3, 3], "yes") });
    const both = await as(second.user).candidates.feedback(ref());
    expect(both).toMatchObject({ locked: false, awaitingMine: [] });
    expect(both.feedback).toMatchObject({
      interviews: 2,
      submittedScorecards: 3,
      notSubmitted: [{ interviewId: secondInterview.id, memberId: third.memberId, name: "third" }],
    });
  });

  it("shows managers, by role or by grant, every interview of the candidate, before they or anyone else submitted", async () => {
    const { third, fourth, secondInterview } = await loop();
    const hiringManager = await addMember("hiring-manager", { manager: true });
    for (const user of [w.owner, w.admin, hiringManager.user]) {
      const result = await as(user).candidates.feedback(ref());
      expect(result).toMatchObject({ locked: false, awaitingMine: [] });
      expect(result.feedback).toMatchObject({
        interviews: 2,
        submittedScorecards: 2,
        notSubmitted: [{ interviewId: secondInterview.id, memberId: third.memberId, name: "third" }],
      });
    }
    // A manager with an open seat still sees it all; awaitingMine reminds them of the seat.
    const seated = await addMember("seated-manager", { interviewId: secondInterview.id, manager: true });
    expect(await as(seated.user).candidates.feedback(ref())).toMatchObject({
      locked: false,
      awaitingMine: [secondInterview.id],
      feedback: { interviews: 2, submittedScorecards: 2 },
    });
    // The same seat without the grant is a panelist's like any other: locked while open.
    const plain = await addMember("plain-panelist", { interviewId: secondInterview.id });
    expect(await as(plain.user).candidates.feedback(ref())).toMatchObject({ locked: true, awaitingMine: [secondInterview.id] });
    expect((await as(fourth.user).candidates.feedback(ref())).locked).toBe(true);
  });

  it("drafts never count; managers see the aggregate before anyone submitted", async () => {
    await as(w.hiring.interviewer).scorecards.saveDraft({ ...interview(), ...complete([4, 4, 4], "strong_yes") });
    // The author of a draft has submitted nothing: locked.
    expect(await as(w.hiring.interviewer).candidates.feedback(ref())).toMatchObject({
      locked: true,
      awaitingMine: [w.hiring.interview.id],
      feedback: null,
    });
    const result = await as(w.owner).candidates.feedback(ref());
    expect(result.feedback).toMatchObject({
      interviews: 1,
      submittedScorecards: 0,
      weightedScore: null,
      recommendations: { strong_no: 0, no: 0, yes: 0, strong_yes: 0 },
      notSubmitted: [{ interviewId: w.hiring.interview.id, memberId: w.hiring.interviewerMemberId }],
      disagreement: { flagged: false },
    });
    expect(result.feedback?.categories.map((c) => [c.ratings, c.meanRating])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);
  });

  it("is NOT_FOUND off every panel, from another workspace, for a deleted candidate; BAD_REQUEST for a bad id", async () => {
    await loop();
    expect(await codeOf(as(w.member).candidates.feedback(ref()))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.viewer).candidates.feedback(ref()))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.owner).candidates.feedback(ref()))).toBe("NOT_FOUND");
    expect(await codeOf(as(other.owner).candidates.feedback({ workspaceId: other.workspaceId, candidateId: w.hiring.candidate.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(as(w.owner).candidates.feedback({ ...ws(), candidateId: w.hiring.deletedCandidate.id }))).toBe("NOT_FOUND");
    expect(await codeOf(as(w.owner).candidates.feedback({ ...ws(), candidateId: "x" }))).toBe("BAD_REQUEST");
  });
});
