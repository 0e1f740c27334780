// The interview rule itself (tenancy/interview-access.ts), and the meeting rule's interview arm
// (tenancy/meeting-access.ts): who sees an interview, a candidate, and the meeting an interview was
// held in. The procedures' own tests show the same answers through the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopedDb, type Db, type WorkspaceRole } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { deleteMeeting, restoreMeeting } from "../meetings/service.js";
import { createUser, createWorkspaceWorld, type WorkspaceWorld } from "../testing/world.js";
import { requireCandidate, requireInterview } from "./interview-access.js";
import { meetingAccessOf, visibleMeetingIds } from "./meeting-access.js";
import type { GrantablePermission } from "./permissions.js";
import type { WorkspaceScope } from "./scope.js";

let database: TestDatabase;
let db: Db;
let w: WorkspaceWorld;
let other: WorkspaceWorld;
/** A member (role `member`) granted `interviews:manage`: a hiring manager. */
let manager: { userId: string; memberId: string };
let interviewMeetingId: string;

function scopeOf(
  world: WorkspaceWorld,
  userId: string,
  memberId: string,
  role: WorkspaceRole,
  grants: GrantablePermission[] = [],
): WorkspaceScope {
  return { db: scopedDb(db, world.workspaceId), workspaceId: world.workspaceId, userId, memberId, role, grants };
}
const as = (role: WorkspaceRole) => scopeOf(w, w[role].id, w.memberIds[role], role);
const interviewer = () => scopeOf(w, w.hiring.interviewer.id, w.hiring.interviewerMemberId, "member");
const hiringManager = () => scopeOf(w, manager.userId, manager.memberId, "member", ["interviews:manage"]);

const outcome = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: { appCode?: string }) => ({ ok: false as const, appCode: error.appCode }),
  );

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  w = await createWorkspaceWorld(db, "ia");
  other = await createWorkspaceWorld(db, "ia-other");
  const user = await createUser(db, "ia-hiring-manager");
  const member = await db.workspaceMember.create({
    data: { workspaceId: w.workspaceId, userId: user.id, role: "member", grantedPermissions: ["interviews:manage"] },
  });
  manager = { userId: user.id, memberId: member.id };
  // A workspace-visible meeting created by the plain member, with a grant to the viewer: as an
  // interview's meeting, none of that counts any more.
  const meeting = await db.meeting.create({
    data: { workspaceId: w.workspaceId, title: "Onsite", createdById: w.member.id, visibility: "workspace", isInterview: true },
  });
  await db.meetingGrant.create({
    data: { workspaceId: w.workspaceId, meetingId: meeting.id, memberId: w.memberIds.viewer, level: "edit" },
  });
  await db.interview.update({ where: { id: w.hiring.interview.id }, data: { meetingId: meeting.id } });
  interviewMeetingId = meeting.id;
});
afterAll(async () => {
  await database.close();
});

describe("an interview", () => {
  it("is seen by its panel, as a panelist", async () => {
    const access = await requireInterview(interviewer(), w.hiring.interview.id);
    expect(access).toMatchObject({ id: w.hiring.interview.id, candidateId: w.hiring.candidate.id, onPanel: true, manage: false });
  });

  it("is seen by owners, admins and granted hiring managers, who manage it", async () => {
    for (const scope of [as("owner"), as("admin"), hiringManager()]) {
      expect(await requireInterview(scope, w.hiring.interview.id)).toMatchObject({ onPanel: false, manage: true });
    }
  });

  it("is NOT_FOUND to members and viewers off its panel, whatever else they may see", async () => {
    for (const scope of [as("member"), as("viewer")]) {
      expect(await outcome(requireInterview(scope, w.hiring.interview.id))).toEqual({ ok: false, appCode: "not_found" });
    }
  });

  it("is NOT_FOUND from another workspace, even to its owner", async () => {
    const theirs = scopeOf(other, other.owner.id, other.memberIds.owner, "owner");
    expect(await outcome(requireInterview(theirs, w.hiring.interview.id))).toEqual({ ok: false, appCode: "not_found" });
  });

  it("is NOT_FOUND to an ungranted member once they leave the panel", async () => {
    await db.interviewPanelist.deleteMany({ where: { interviewId: w.hiring.interview.id, memberId: w.hiring.interviewerMemberId } });
    try {
      expect(await outcome(requireInterview(interviewer(), w.hiring.interview.id))).toEqual({ ok: false, appCode: "not_found" });
    } finally {
      await db.interviewPanelist.create({
        data: { workspaceId: w.workspaceId, interviewId: w.hiring.interview.id, memberId: w.hiring.interviewerMemberId },
      });
    }
  });
});

describe("through an API key", () => {
  // No key reaches interviews:manage: an owner's key sees what its creator's panel seats show.
  const ownersKey = () => ({ ...as("owner"), viaApiKey: true });

  it("does not manage interviews: the owner's key sees no interview, candidate or interview meeting off its creator's panel", async () => {
    expect(await outcome(requireInterview(ownersKey(), w.hiring.interview.id))).toEqual({ ok: false, appCode: "not_found" });
    expect(await outcome(requireCandidate(ownersKey(), w.hiring.candidate.id))).toEqual({ ok: false, appCode: "not_found" });
    expect(await meetingAccessOf(ownersKey(), interviewMeetingId)).toBeNull();
  });

  it("still sees what its creator's panel seat shows", async () => {
    const panelistsKey = { ...interviewer(), viaApiKey: true };
    expect(await requireInterview(panelistsKey, w.hiring.interview.id)).toMatchObject({ onPanel: true, manage: false });
  });
});

describe("a candidate", () => {
  it("is seen by managers and by the panel of one of their interviews", async () => {
    for (const scope of [as("owner"), hiringManager(), interviewer()]) {
      expect(await requireCandidate(scope, w.hiring.candidate.id)).toEqual({ id: w.hiring.candidate.id, name: w.hiring.candidate.name });
    }
  });

  it("is NOT_FOUND to everyone else, and to another workspace", async () => {
    const theirs = scopeOf(other, other.owner.id, other.memberIds.owner, "owner");
    for (const scope of [as("member"), as("viewer"), theirs]) {
      expect(await outcome(requireCandidate(scope, w.hiring.candidate.id))).toEqual({ ok: false, appCode: "not_found" });
    }
  });

  it("is found deleted only when asked for a deleted one", async () => {
    expect(await outcome(requireCandidate(as("owner"), w.hiring.deletedCandidate.id))).toEqual({ ok: false, appCode: "not_found" });
    expect(await requireCandidate(as("owner"), w.hiring.deletedCandidate.id, { deleted: true })).toMatchObject({
      id: w.hiring.deletedCandidate.id,
    });
    expect(await outcome(requireCandidate(as("owner"), w.hiring.candidate.id, { deleted: true }))).toEqual({
      ok: false,
      appCode: "not_found",
    });
  });
});

describe("the meeting an interview was held in", () => {
  it("is seen by the panel at edit level, without managing it", async () => {
    expect(await meetingAccessOf(interviewer(), interviewMeetingId)).toMatchObject({ isInterview: true, level: "edit", manage: false });
  });

  it("is managed by interview managers (owners and admins by role, hiring managers by grant)", async () => {
    for (const scope of [as("owner"), as("admin"), hiringManager()]) {
      expect(await meetingAccessOf(scope, interviewMeetingId)).toMatchObject({ isInterview: true, level: "edit", manage: true });
    }
  });

  it("is invisible to its creator and to a grantee off the panel: visibility and grants do not apply", async () => {
    expect(await meetingAccessOf(as("member"), interviewMeetingId)).toBeNull();
    expect(await meetingAccessOf(as("viewer"), interviewMeetingId)).toBeNull();
    expect(await visibleMeetingIds(as("member"), [interviewMeetingId, w.meeting.id])).toEqual(new Set([w.meeting.id]));
    expect(await visibleMeetingIds(interviewer(), [interviewMeetingId])).toEqual(new Set([interviewMeetingId]));
  });

  it("is deleted and restored by interview managers only, not by a panelist", async () => {
    const input = { workspaceId: w.workspaceId, meetingId: interviewMeetingId };
    expect(await outcome(deleteMeeting(interviewer(), input))).toEqual({ ok: false, appCode: "insufficient_access" });
    await deleteMeeting(hiringManager(), input);
    expect(await outcome(restoreMeeting(interviewer(), input))).toEqual({ ok: false, appCode: "insufficient_access" });
    await restoreMeeting(hiringManager(), input);
    expect(await meetingAccessOf(interviewer(), interviewMeetingId)).toMatchObject({ level: "edit" });
  });

  it("leaves ordinary meetings to the meeting rule (a hiring manager gains nothing there)", async () => {
    const secret = await db.meeting.create({
      data: { workspaceId: w.workspaceId, title: "Board", createdById: w.admin.id, visibility: "private" },
    });
    expect(await meetingAccessOf(hiringManager(), secret.id)).toBeNull();
    expect(await meetingAccessOf(as("admin"), secret.id)).toMatchObject({ isInterview: false, manage: true });
  });
});
