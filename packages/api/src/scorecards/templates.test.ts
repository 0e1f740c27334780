import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
  w = await createWorkspaceWorld(database.db, `t${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db: database.db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });

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

/** A `member` granted `interviews:manage`: a hiring manager. */
async function hiringManager(): Promise<AuthUser> {
  const user = await createUser(database.db, "hiring-manager");
  await database.db.workspaceMember.create({
    data: { workspaceId: w.workspaceId, userId: user.id, role: "member", grantedPermissions: ["interviews:manage"] },
  });
  return user;
}

const designer = {
  name: "Designer loop",
  positionTitle: "Product Designer",
  ratingScale: 5 as const,
  categories: [
    { name: "Craft", description: "Visual and interaction quality", weight: 3 },
    { name: "Process", description: "" },
    { name: "Communication", weight: 0.5 },
  ],
};

describe("scorecards.templates.create", () => {
  it("makes a template with ordered, weighted categories; managers and hiring managers only", async () => {
    const created = await as(w.admin).scorecards.templates.create({ ...ws(), ...designer });
    expect(created).toMatchObject({ name: "Designer loop", positionTitle: "Product Designer", ratingScale: 5, archivedAt: null });
    expect(created.categories.map((c) => [c.name, c.description, c.weight, c.position])).toEqual([
      ["Craft", "Visual and interaction quality", 3, 0],
      ["Process", null, 1, 1],
      ["Communication", null, 0.5, 2],
    ]);
    expect(await auditActions()).toEqual(["scorecard_template.created"]);

    const manager = await hiringManager();
    const second = await as(manager).scorecards.templates.create({ ...ws(), ...designer, positionTitle: "Researcher" });
    expect(second.positionTitle).toBe("Researcher");

    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(
        () => as(user).scorecards.templates.create({ ...ws(), ...designer, positionTitle: "Mine" }),
        "FORBIDDEN",
        "insufficient_role",
      );
    }
  });

  it("allows one live template per position, whatever its case", async () => {
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.create({ ...ws(), ...designer, positionTitle: HIRING_POSITION.toUpperCase() }),
      "CONFLICT",
      "scorecard_template_position_taken",
    );
    // Another workspace has its own positions.
    const elsewhere = await as(other.owner).scorecards.templates.create({
      workspaceId: other.workspaceId,
      ...designer,
      positionTitle: "Product Designer",
    });
    expect(elsewhere.positionTitle).toBe("Product Designer");
    await as(w.owner).scorecards.templates.create({ ...ws(), ...designer });
  });

  it("refuses bad input with BAD_REQUEST and writes nothing", async () => {
    const bad: Record<string, unknown>[] = [
      { ratingScale: 3 },
      { ratingScale: 10 },
      { categories: [] },
      { categories: Array.from({ length: 21 }, (_, i) => ({ name: `C${i}` })) },
      { categories: [{ name: "Craft", weight: 0 }] },
      { categories: [{ name: "Craft", weight: -1 }] },
      { categories: [{ name: "Craft", weight: 101 }] },
      { categories: [{ name: "Craft" }, { name: "CRAFT" }] },
      { categories: [{ name: "  " }] },
      { categories: [{ name: "x".repeat(101) }] },
      { categories: [{ name: "Craft", description: "x".repeat(1001) }] },
      { name: "" },
      { name: "x".repeat(201) },
      { positionTitle: " " },
      { positionTitle: "x".repeat(201) },
    ];
    for (const override of bad) {
      await refusedWithoutWrites(() => as(w.owner).scorecards.templates.create({ ...ws(), ...designer, ...override }), "BAD_REQUEST");
    }
  });
});

describe("scorecards.templates.list", () => {
  it("lists live templates to anyone who reads interviews; archived ones on request; by position", async () => {
    const designerTemplate = await as(w.owner).scorecards.templates.create({ ...ws(), ...designer });
    await as(w.owner).scorecards.templates.archive({ ...ws(), templateId: designerTemplate.id });

    const live = await as(w.viewer).scorecards.templates.list(ws());
    expect(live.items.map((t) => t.id)).toEqual([w.hiring.template.id]);
    expect(live.items[0]?.categories.map((c) => c.id)).toEqual(w.hiring.template.categoryIds);

    const all = await as(w.member).scorecards.templates.list({ ...ws(), includeArchived: true });
    expect(all.items.map((t) => t.id)).toEqual([w.hiring.template.id, designerTemplate.id]);

    const byPosition = await as(w.member).scorecards.templates.list({ ...ws(), positionTitle: "backend ENGINEER" });
    expect(byPosition.items.map((t) => t.id)).toEqual([w.hiring.template.id]);

    const first = await as(w.member).scorecards.templates.list({ ...ws(), includeArchived: true, limit: 1 });
    const second = await as(w.member).scorecards.templates.list({
      ...ws(),
      includeArchived: true,
      limit: 1,
      cursor: first.nextCursor ?? "",
    });
    expect([...first.items, ...second.items].map((t) => t.id)).toEqual([w.hiring.template.id, designerTemplate.id]);
    expect(second.nextCursor).toBeNull();

    expect(await errorOf(as(w.member).scorecards.templates.list({ ...ws(), cursor: other.hiring.template.id }))).toEqual({
      code: "BAD_REQUEST",
      appCode: "invalid_cursor",
    });
    const theirs = (await as(other.member).scorecards.templates.list({ workspaceId: other.workspaceId })).items.map((t) => t.id);
    expect(theirs).toContain(other.hiring.template.id);
    expect(theirs).not.toContain(w.hiring.template.id);
    expect(await codeOf(as(other.owner).scorecards.templates.list(ws()))).toBe("NOT_FOUND");
  });
});

describe("scorecards.templates.update", () => {
  it("keeps, renames, reorders, adds and archives categories from the full list", async () => {
    const [tech, comm, collab] = w.hiring.template.categoryIds;
    const updated = await as(w.admin).scorecards.templates.update({
      ...ws(),
      templateId: w.hiring.template.id,
      name: "Backend loop v2",
      categories: [
        { id: comm, name: "Communication & writing", weight: 3 },
        { id: tech, name: "Technical depth", weight: 2 },
        { name: "Ownership", description: "Sees things through" },
      ],
    });
    expect(updated.name).toBe("Backend loop v2");
    expect(updated.categories.map((c) => [c.name, c.weight, c.position])).toEqual([
      ["Communication & writing", 3, 0],
      ["Technical depth", 2, 1],
      ["Ownership", 1, 2],
    ]);
    expect(updated.categories.slice(0, 2).map((c) => c.id)).toEqual([comm, tech]);
    // Left out: archived, not deleted.
    const dropped = await database.db.scorecardCategory.findUniqueOrThrow({ where: { id: collab ?? "" } });
    expect(dropped.archivedAt).toBeInstanceOf(Date);
    expect(await auditActions()).toEqual(["scorecard_template.updated"]);
  });

  it("refuses a category id that is not one of the template's live categories, and writes nothing", async () => {
    const [, , collab] = w.hiring.template.categoryIds;
    const designerTemplate = await as(w.owner).scorecards.templates.create({ ...ws(), ...designer });
    await as(w.owner).scorecards.templates.update({
      ...ws(),
      templateId: w.hiring.template.id,
      categories: [{ id: w.hiring.template.categoryIds[0], name: "Technical depth" }],
    });
    for (const foreign of [designerTemplate.categories[0]?.id, other.hiring.template.categoryIds[0], collab]) {
      await refusedWithoutWrites(
        () =>
          as(w.owner).scorecards.templates.update({
            ...ws(),
            templateId: w.hiring.template.id,
            categories: [{ id: foreign, name: "Stolen" }],
          }),
        "BAD_REQUEST",
        "invalid_category",
      );
    }
    await refusedWithoutWrites(
      () =>
        as(w.owner).scorecards.templates.update({
          ...ws(),
          templateId: w.hiring.template.id,
          categories: [
            { id: w.hiring.template.categoryIds[0], name: "A" },
            { id: w.hiring.template.categoryIds[0], name: "B" },
          ],
        }),
      "BAD_REQUEST",
    );
  });

  it("changes the rating scale until a submitted scorecard rated on it exists; drafts above a smaller scale lose those ratings", async () => {
    const designerTemplate = await as(w.owner).scorecards.templates.create({ ...ws(), ...designer });
    // A draft on the fixture template, rated 4 on a 1-4 scale: fine on 5, and the scale goes back to 4.
    await as(w.hiring.interviewer).scorecards.saveDraft({
      ...ws(),
      interviewId: w.hiring.interview.id,
      scores: [{ categoryId: w.hiring.template.categoryIds[0] ?? "", rating: 4, note: "Strong" }],
    });
    await as(w.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, ratingScale: 5 });
    await as(w.hiring.interviewer).scorecards.saveDraft({
      ...ws(),
      interviewId: w.hiring.interview.id,
      scores: [{ categoryId: w.hiring.template.categoryIds[0] ?? "", rating: 5 }],
    });
    await as(w.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, ratingScale: 4 });
    const draft = await as(w.hiring.interviewer).scorecards.get({ ...ws(), interviewId: w.hiring.interview.id });
    expect(draft.mine?.scores[0]).toMatchObject({ rating: null, note: "Strong" });

    await as(w.hiring.interviewer).scorecards.submit({
      ...ws(),
      interviewId: w.hiring.interview.id,
      scores: w.hiring.template.categoryIds.map((categoryId) => ({ categoryId, rating: 3 })),
      recommendation: "yes",
    });
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, ratingScale: 5 }),
      "CONFLICT",
      "rating_scale_locked",
    );
    // The same scale is no change; other templates are free.
    await as(w.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, ratingScale: 4, name: "Same scale" });
    expect((await as(w.owner).scorecards.templates.update({ ...ws(), templateId: designerTemplate.id, ratingScale: 4 })).ratingScale).toBe(
      4,
    );
  });

  it("refuses a taken position, an archived template, bad input, non-managers and other workspaces' templates", async () => {
    const designerTemplate = await as(w.owner).scorecards.templates.create({ ...ws(), ...designer });
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.update({ ...ws(), templateId: designerTemplate.id, positionTitle: "backend engineer" }),
      "CONFLICT",
      "scorecard_template_position_taken",
    );
    await as(w.owner).scorecards.templates.archive({ ...ws(), templateId: designerTemplate.id });
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.update({ ...ws(), templateId: designerTemplate.id, name: "Back" }),
      "CONFLICT",
      "scorecard_template_archived",
    );
    for (const override of [{ ratingScale: 6 }, { categories: [] }, { name: "" }, { templateId: "not-a-uuid" }]) {
      await refusedWithoutWrites(
        () => as(w.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, ...override } as never),
        "BAD_REQUEST",
      );
    }
    await refusedWithoutWrites(
      () => as(w.member).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, name: "Mine" }),
      "FORBIDDEN",
      "insufficient_role",
    );
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.update({ ...ws(), templateId: other.hiring.template.id, name: "Mine" }),
      "NOT_FOUND",
    );
    await refusedWithoutWrites(
      () => as(other.owner).scorecards.templates.update({ ...ws(), templateId: w.hiring.template.id, name: "Mine" }),
      "NOT_FOUND",
    );
  });
});

describe("scorecards.templates.archive", () => {
  it("retires a template, frees its position, and keeps its submitted scorecards readable", async () => {
    await as(w.hiring.interviewer).scorecards.submit({
      ...ws(),
      interviewId: w.hiring.interview.id,
      scores: w.hiring.template.categoryIds.map((categoryId, i) => ({ categoryId, rating: i + 1 })),
      recommendation: "strong_yes",
    });
    const archived = await as(w.admin).scorecards.templates.archive({ ...ws(), templateId: w.hiring.template.id });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    // Again: no change.
    expect((await as(w.admin).scorecards.templates.archive({ ...ws(), templateId: w.hiring.template.id })).archivedAt).toEqual(
      archived.archivedAt,
    );
    expect(await auditActions()).toEqual(["scorecard.submitted", "scorecard_template.archived"]);
    expect((await as(w.member).scorecards.templates.list(ws())).items).toEqual([]);

    // The position is free for a new template.
    await as(w.admin).scorecards.templates.create({ ...ws(), ...designer, positionTitle: HIRING_POSITION });

    const card = await as(w.owner).scorecards.get({ ...ws(), interviewId: w.hiring.interview.id });
    expect(card.template.archivedAt).toBeInstanceOf(Date);
    expect(card.others?.[0]?.scores.map((s) => [s.categoryName, s.rating])).toEqual([
      ["Technical depth", 1],
      ["Communication", 2],
      ["Collaboration", 3],
    ]);
  });

  it("refuses non-managers, bad ids and other workspaces' templates", async () => {
    for (const user of [w.member, w.viewer]) {
      await refusedWithoutWrites(
        () => as(user).scorecards.templates.archive({ ...ws(), templateId: w.hiring.template.id }),
        "FORBIDDEN",
        "insufficient_role",
      );
    }
    await refusedWithoutWrites(() => as(w.owner).scorecards.templates.archive({ ...ws(), templateId: "nope" }), "BAD_REQUEST");
    await refusedWithoutWrites(
      () => as(w.owner).scorecards.templates.archive({ ...ws(), templateId: other.hiring.template.id }),
      "NOT_FOUND",
    );
  });
});
