// Member ids that other domains take as input (assignees, participants, mentions, filters). One
// rule for all of them: an id that is not a member of this workspace is NOT_FOUND, as any other id
// the caller may not see.
import { NotFoundError } from "../errors.js";
import type { WorkspaceScope } from "./scope.js";

/** The members with these ids (their user ids, in the order given), or NOT_FOUND if any is not one. */
export async function requireMembers(scope: WorkspaceScope, memberIds: readonly string[]): Promise<{ id: string; userId: string }[]> {
  if (memberIds.length === 0) return [];
  const members = await scope.db.workspaceMember.findMany({ where: { id: { in: [...memberIds] } }, select: { id: true, userId: true } });
  const byId = new Map(members.map((member) => [member.id, member]));
  return memberIds.map((id) => {
    const member = byId.get(id);
    if (!member) throw new NotFoundError("Member");
    return member;
  });
}

/** A member of this workspace, or NOT_FOUND. */
export async function requireMember(scope: WorkspaceScope, memberId: string): Promise<{ id: string; userId: string }> {
  const [member] = await requireMembers(scope, [memberId]);
  if (!member) throw new NotFoundError("Member");
  return member;
}
