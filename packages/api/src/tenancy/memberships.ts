// Who is a member of which workspace, as every workspace procedure asks first. Cached briefly, like
// sessions (identity/sessions.ts): a burst of reads costs one query, and a role change or removal
// takes effect at once on the instance that made it (the router forgets the workspace's entries)
// and within MEMBERSHIP_CACHE_TTL_MS on every other one. Only memberships are cached, never their
// absence: a member who just joined is let in on their first request.
import { LRUCache } from "lru-cache";
import type { Db, WorkspaceRole } from "@meetmind/db";

export const MEMBERSHIP_CACHE_TTL_MS = 2_000;

export interface Membership {
  /** The member id (workspace_members.id). */
  id: string;
  role: WorkspaceRole;
  workspace: { id: string; name: string; slug: string };
}

export class MembershipCache {
  private readonly cache = new LRUCache<string, Membership>({ max: 50_000, ttl: MEMBERSHIP_CACHE_TTL_MS });

  constructor(private readonly db: Db) {}

  /** The caller's membership of a live workspace, or null. */
  async find(workspaceId: string, userId: string): Promise<Membership | null> {
    const key = `${workspaceId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const membership = await this.db.workspaceMember.findFirst({
      where: { workspaceId, userId, workspace: { deletedAt: null } },
      select: { id: true, role: true, workspace: { select: { id: true, name: true, slug: true } } },
    });
    if (membership) this.cache.set(key, membership);
    return membership;
  }

  /** After a role change, a removal, an ownership transfer or a deletion in this workspace. */
  forget(workspaceId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${workspaceId}:`)) this.cache.delete(key);
  }
}
