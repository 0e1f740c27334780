import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { HIRING_POSITION } from "../testing/hiring-fixtures.js";
import { errorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let db: Db;
let services: AppServices & { close(): Promise<void> };
let fingerprints: DatabaseFingerprint;
let w: WorkspaceWorld;
/** Another workspace, for ids that must not reach across. */
let other: WorkspaceWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  services = await createTestServices(db);
  fingerprints = await databaseFingerprint(database.url);
  other = await createWorkspaceWorld(db, "other");
});
afterAll(async () => {
  await fingerprints?.close();
  await services?.close();
  await database?.close();
});
beforeEach(async () => {
  w = await createWorkspaceWorld(db, `c${Math.random().toString(36).slice(2, 8)}`);
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
const ws = () => ({ workspaceId: w.workspaceId });

/** The call must be refused with `code` (and `appCode`, if given) and write nothing at all. */
async function refusedWithoutWrites(call: () => Promise<unknown>, code: string, appCode?: string): Promise<void> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome?.code).toBe(code);
  if (appCode) expect(outcome?.appCode).toBe(appCode);
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
}

async function auditOf(targetId: string) {
  return db.auditEvent.findMany({ where: { workspaceId: w.workspaceId, targetId }, orderBy: { id: "asc" } });
}

describe("candidates: create, get, update, delete, restore", () => {
  it("a manager creates one (email lowercased, blanks as none), reads it with its interviews, and it is audited by id only", async () => {
    const created = await as(w.admin).candidates.create({
      ...ws(),
      name: "  Grace Hopper ",
      email: "Grace.Hopper@Example.COM",
      phone: "+1 (555) 010-2030",
      links: ["https://example.com/cv.pdf", "https://example.com/cv.pdf", "http://github.com/grace"],
      positionTitle: HIRING_POSITION,
      stage: "screen",
      source: "",
      notes: "Referred by the compiler team",
    });
    expect(created).toMatchObject({
      name: "Grace Hopper",
      email: "grace.hopper@example.com",
      phone: "+1 (555) 010-2030",
      links: ["https://example.com/cv.pdf", "http://github.com/grace"],
      positionTitle: HIRING_POSITION,
      stage: "screen",
      source: null,
      deletedAt: null,
    });
    const detail = await as(w.owner).candidates.get({ ...ws(), candidateId: created.id });
    expect(detail).toMatchObject({ id: created.id, interviews: [] });

    const [audit] = await auditOf(created.id);
    expect(audit?.action).toBe("candidate.created");
    expect(JSON.stringify(audit)).not.toMatch(/grace|hopper|010-2030/i);
  });

  it("get shows the candidate's interviews: the panel sees them, an off-panel member and another workspace get NOT_FOUND", async () => {
    const candidateId = w.hiring.candidate.id;
    const seen = await as(w.hiring.interviewer).candidates.get({ ...ws(), candidateId });
    expect(seen).toMatchObject({ id: candidateId, name: w.hiring.candidate.name, email: w.hiring.candidate.email });
    expect(seen.interviews).toEqual([
      { id: w.hiring.interview.id, positionTitle: HIRING_POSITION, stage: "onsite", scheduledAt: expect.any(Date), status: "scheduled" },
    ]);
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(w.viewer).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(other.owner).candidates.get({ workspaceId: other.workspaceId, candidateId })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(other.owner).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    // A soft-deleted candidate is not there to get.
    expect((await errorOf(as(w.owner).candidates.get({ ...ws(), candidateId: w.hiring.deletedCandidate.id })))?.code).toBe("NOT_FOUND");
  });

  it("a second live candidate with the same email is a CONFLICT naming the first, in any case; bad input is a 4xx and writes nothing", async () => {
    const first = await as(w.admin).candidates.create({ ...ws(), name: "Linus", email: "linus@example.com" });
    const before = await fingerprints.take();
    const conflict = await as(w.admin)
      .candidates.create({ ...ws(), name: "Other Linus", email: "LINUS@example.com" })
      .then(
        () => null,
        (error: { code?: string; message?: string; cause?: { appCode?: string } }) => error,
      );
    expect(conflict).toMatchObject({ code: "CONFLICT", cause: { appCode: "candidate_email_taken" } });
    expect(conflict?.message).toContain(first.id);
    expect(await fingerprints.take()).toBe(before);
    // Updating another candidate onto the email: the same answer.
    await refusedWithoutWrites(
      () => as(w.admin).candidates.update({ ...ws(), candidateId: w.hiring.candidate.id, email: "linus@example.com" }),
      "CONFLICT",
      "candidate_email_taken",
    );
    // Another workspace has its own candidates.
    await as(other.owner).candidates.create({ workspaceId: other.workspaceId, name: "Linus", email: "linus@example.com" });

    const bad = [
      { name: "" },
      { name: "x".repeat(201) },
      { name: "Ok", email: "not-an-email" },
      { name: "Ok", links: ["javascript:alert(1)"] },
      { name: "Ok", links: ["ftp://example.com/cv"] },
      { name: "Ok", links: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`) },
      { name: "Ok", phone: "call me maybe" },
      { name: "Ok", notes: "x".repeat(10_001) },
    ];
    for (const input of bad) {
      await refusedWithoutWrites(() => as(w.admin).candidates.create({ ...ws(), ...input }), "BAD_REQUEST");
    }
    await refusedWithoutWrites(
      () => as(w.admin).candidates.create({ ...ws(), name: "Ok", stage: "phone-call" }),
      "BAD_REQUEST",
      "unknown_stage",
    );
    await refusedWithoutWrites(
      () => as(w.admin).candidates.update({ ...ws(), candidateId: first.id, stage: "nonsense" }),
      "BAD_REQUEST",
      "unknown_stage",
    );
  });

  it("update changes only the fields given (null clears), and is audited with field names only", async () => {
    const candidateId = w.hiring.candidate.id;
    const updated = await as(w.owner).candidates.update({
      ...ws(),
      candidateId,
      stage: "final",
      phone: "+44 1632 960000",
      positionTitle: null,
    });
    expect(updated).toMatchObject({ name: w.hiring.candidate.name, stage: "final", phone: "+44 1632 960000", positionTitle: null });
    const audit = (await auditOf(candidateId)).at(-1);
    expect(audit).toMatchObject({ action: "candidate.updated", metadata: { changed: ["phone", "positionTitle", "stage"] } });
    expect(JSON.stringify(audit)).not.toContain("1632");
    // Keeping its own email is no conflict.
    await as(w.owner).candidates.update({ ...ws(), candidateId, email: w.hiring.candidate.email.toUpperCase() });
  });

  it("only managers write: members (on the panel or not) and viewers are FORBIDDEN; an unknown or foreign id is NOT_FOUND", async () => {
    const candidateId = w.hiring.candidate.id;
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(() => as(user).candidates.create({ ...ws(), name: "Nope" }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.update({ ...ws(), candidateId, name: "Nope" }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.delete({ ...ws(), candidateId }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.restore({ ...ws(), candidateId: w.hiring.deletedCandidate.id }), "FORBIDDEN");
      await refusedWithoutWrites(() => as(user).candidates.erase({ ...ws(), candidateId }), "FORBIDDEN");
    }
    for (const candidateId of [crypto.randomUUID(), other.hiring.candidate.id]) {
      await refusedWithoutWrites(() => as(w.owner).candidates.update({ ...ws(), candidateId, name: "Nope" }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.delete({ ...ws(), candidateId }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.restore({ ...ws(), candidateId }), "NOT_FOUND");
      await refusedWithoutWrites(() => as(w.owner).candidates.erase({ ...ws(), candidateId }), "NOT_FOUND");
    }
    await refusedWithoutWrites(() => as(w.owner).candidates.get({ ...ws(), candidateId: "not-a-uuid" }), "BAD_REQUEST");
  });

  it("delete is soft and restorable; deleting twice, or restoring a live one, is NOT_FOUND; restore onto a taken email is a CONFLICT", async () => {
    const candidateId = w.hiring.candidate.id;
    await as(w.admin).candidates.delete({ ...ws(), candidateId });
    expect((await errorOf(as(w.admin).candidates.get({ ...ws(), candidateId })))?.code).toBe("NOT_FOUND");
    expect((await as(w.admin).candidates.list({ ...ws() })).items.map((c) => c.id)).not.toContain(candidateId);
    expect((await as(w.admin).candidates.list({ ...ws(), deleted: true })).items.map((c) => c.id)).toContain(candidateId);
    await refusedWithoutWrites(() => as(w.admin).candidates.delete({ ...ws(), candidateId }), "NOT_FOUND");

    // Someone else takes the email meanwhile: the restore would break uniqueness.
    const taker = await as(w.admin).candidates.create({ ...ws(), name: "Newcomer", email: w.hiring.candidate.email });
    await refusedWithoutWrites(() => as(w.admin).candidates.restore({ ...ws(), candidateId }), "CONFLICT", "candidate_email_taken");
    await as(w.admin).candidates.delete({ ...ws(), candidateId: taker.id });

    const restored = await as(w.admin).candidates.restore({ ...ws(), candidateId });
    expect(restored).toMatchObject({ id: candidateId, deletedAt: null });
    await refusedWithoutWrites(() => as(w.admin).candidates.restore({ ...ws(), candidateId }), "NOT_FOUND");
    expect((await auditOf(candidateId)).map((a) => a.action)).toEqual(["candidate.deleted", "candidate.restored"]);
  });
});

describe("candidates.list", () => {
  it("pages newest first, filters by position, stage and name/email query, and shows a panelist only their candidates", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        (
          await as(w.admin).candidates.create({
            ...ws(),
            name: `Paged ${i}`,
            email: `paged_${i}@example.com`,
            positionTitle: i % 2 ? "Designer" : HIRING_POSITION,
            stage: i % 2 ? "screen" : "technical",
          })
        ).id,
      );
    }
    const all = [...made].reverse().concat(w.hiring.candidate.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(w.owner).candidates.list({ ...ws(), limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);

    const ids = async (filters: Record<string, unknown>) =>
      (await as(w.owner).candidates.list({ ...ws(), ...filters })).items.map((c) => c.id);
    expect(await ids({ positionTitle: "Designer" })).toEqual([made[3], made[1]]);
    expect(await ids({ positionTitle: "designer", stage: "screen" })).toEqual([made[3], made[1]]);
    expect(await ids({ stage: "technical" })).toEqual([made[4], made[2], made[0]]);
    expect(await ids({ query: "PAGED 3" })).toEqual([made[3]]);
    // `_` is an underscore, not a wildcard; the query matches emails too.
    expect(await ids({ query: "d_1@" })).toEqual([made[1]]);
    expect(await ids({ query: "zzz" })).toEqual([]);

    // The interviewer sees the one candidate of their interview; the member and viewer see none.
    expect((await as(w.hiring.interviewer).candidates.list({ ...ws() })).items.map((c) => c.id)).toEqual([w.hiring.candidate.id]);
    expect((await as(w.member).candidates.list({ ...ws() })).items).toEqual([]);
    expect((await as(w.viewer).candidates.list({ ...ws() })).items).toEqual([]);
    // Another workspace's caller never sees ours.
    expect((await as(other.owner).candidates.list({ workspaceId: other.workspaceId })).items.map((c) => c.id)).not.toContain(
      w.hiring.candidate.id,
    );
  });

  it("refuses a foreign or unknown cursor and unbounded input", async () => {
    expect(await errorOf(as(w.owner).candidates.list({ ...ws(), cursor: other.hiring.candidate.id }))).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "invalid_cursor",
    });
    for (const input of [{ limit: 0 }, { limit: 101 }, { query: "x".repeat(101) }, { query: "   " }]) {
      expect((await errorOf(as(w.owner).candidates.list({ ...ws(), ...input })))?.code).toBe("BAD_REQUEST");
    }
  });
});

describe("workspaces.members.setPermissions", () => {
  it("grants interviews:manage to a member, who then sees and manages every candidate; revoking takes it away", async () => {
    const memberId = w.memberIds.member;
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");

    await as(w.admin).workspaces.members.setPermissions({ ...ws(), memberId, permissions: ["interviews:manage"] });
    const listed = (await as(w.viewer).workspaces.members.list({ ...ws() })).items.find((m) => m.memberId === memberId);
    expect(listed?.grantedPermissions).toEqual(["interviews:manage"]);
    expect((await as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })).interviews).toHaveLength(1);
    expect((await as(w.member).candidates.list({ ...ws() })).items.map((c) => c.id)).toEqual([w.hiring.candidate.id]);
    await as(w.member).candidates.create({ ...ws(), name: "Hired by a hiring manager" });

    await as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId, permissions: [] });
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");
    expect((await errorOf(as(w.member).candidates.create({ ...ws(), name: "Nope" })))?.code).toBe("FORBIDDEN");

    const audits = await db.auditEvent.findMany({
      where: { workspaceId: w.workspaceId, action: "member.permissions_changed" },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.metadata)).toEqual([
      { userId: w.member.id, from: [], to: ["interviews:manage"] },
      { userId: w.member.id, from: ["interviews:manage"], to: [] },
    ]);
  });

  it("a role change away from member drops the grants", async () => {
    await as(w.admin).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds.member, permissions: ["interviews:manage"] });
    await as(w.admin).workspaces.members.updateRole({ ...ws(), userId: w.member.id, role: "viewer" });
    await as(w.admin).workspaces.members.updateRole({ ...ws(), userId: w.member.id, role: "member" });
    expect((await errorOf(as(w.member).candidates.get({ ...ws(), candidateId: w.hiring.candidate.id })))?.code).toBe("NOT_FOUND");
  });

  it("grants go to members only; others are a BAD_REQUEST, unknown permissions too, and nothing is written", async () => {
    for (const role of ["viewer", "admin", "owner"] as const) {
      await refusedWithoutWrites(
        () => as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds[role], permissions: ["interviews:manage"] }),
        "BAD_REQUEST",
        "grant_requires_member_role",
      );
    }
    await refusedWithoutWrites(
      () =>
        as(w.owner).workspaces.members.setPermissions({
          ...ws(),
          memberId: w.memberIds.member,
          permissions: ["workspace:delete"],
        } as never),
      "BAD_REQUEST",
    );
    await refusedWithoutWrites(
      () =>
        as(w.owner).workspaces.members.setPermissions({ ...ws(), memberId: other.memberIds.member, permissions: ["interviews:manage"] }),
      "NOT_FOUND",
    );
    for (const user of [w.member, w.viewer, w.hiring.interviewer]) {
      await refusedWithoutWrites(
        () => as(user).workspaces.members.setPermissions({ ...ws(), memberId: w.memberIds.member, permissions: ["interviews:manage"] }),
        "FORBIDDEN",
      );
    }
  });
});

describe("candidates: stages and the deleted list (review fixes)", () => {
  it("create and update take a stage in any case and store the list's spelling; list filters by stage in any case", async () => {
    const created = await as(w.admin).candidates.create({ ...ws(), name: "Stage Case", stage: "SCREEN" });
    expect(created.stage).toBe("screen");
    const updated = await as(w.admin).candidates.update({ ...ws(), candidateId: created.id, stage: "OnSite" });
    expect(updated.stage).toBe("onsite");
    expect((await as(w.owner).candidates.list({ ...ws(), stage: "ONSITE" })).items.map((c) => c.id)).toContain(created.id);
    await refusedWithoutWrites(
      () => as(w.admin).candidates.update({ ...ws(), candidateId: created.id, stage: "offer" }),
      "BAD_REQUEST",
      "unknown_stage",
    );
  });

  it("only hiring managers list deleted candidates: a panelist or member is FORBIDDEN", async () => {
    expect((await as(w.owner).candidates.list({ ...ws(), deleted: true })).items.map((c) => c.id)).toEqual([w.hiring.deletedCandidate.id]);
    for (const user of [w.hiring.interviewer, w.member, w.viewer]) {
      expect(await errorOf(as(user).candidates.list({ ...ws(), deleted: true }))).toMatchObject({
        code: "FORBIDDEN",
        appCode: "insufficient_role",
      });
    }
  });

  it("a cursor the caller may not see is refused as a nonexistent one is, so ids cannot be probed", async () => {
    const hidden = await as(w.admin).candidates.create({ ...ws(), name: "Off Their Panel" });
    const panelist = as(w.hiring.interviewer);
    const unknown = await errorOf(panelist.candidates.list({ ...ws(), cursor: crypto.randomUUID() }));
    const invisible = await errorOf(panelist.candidates.list({ ...ws(), cursor: hidden.id }));
    expect(unknown).toMatchObject({ code: "BAD_REQUEST", appCode: "invalid_cursor" });
    expect(invisible).toEqual(unknown);
    // Their own candidate is a valid cursor (the page after it is empty).
    expect((await panelist.candidates.list({ ...ws(), cursor: w.hiring.candidate.id })).items).toEqual([]);
  });
});
