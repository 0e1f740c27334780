// Who is a member of which workspace, as every workspace procedure asks first. Reads (queries) use
// a brief cache, like sessions (identity/sessions.ts): a burst of reads costs one query, and a role
// change or removal reaches them at once on the instance that made it (the router forgets the
// workspace) and within MEMBERSHIP_CACHE_TTL_MS on every other one. Writes (mutations) always read
// the database: a stale role must never authorise a change that outlives the cache (an invite, a
// transfer). Only memberships are cached, never their absence: a member who just joined is let in.
import { LRUCache } from "lru-cache";
import type { Db, WorkspaceRole } from "@meetmind/db";
import { grantsOf, type GrantablePermission } from "./permissions.js";

export const MEMBERSHIP_CACHE_TTL_MS = 2_000;

export interface Membership {
  /** The member id (workspace_members.id). */
  id: string;
  role: WorkspaceRole;
  grants: GrantablePermission[];
  workspace: { id: string; name: string; slug: string };
}

export class MembershipCache {
  private readonly cache = new LRUCache<string, Membership>({ max: 50_000, ttl: MEMBERSHIP_CACHE_TTL_MS });
  /**
   * Bumped by forget(): a lookup that started before a change must not put what it read back
   * into the cache after the change forgot it.
   */
  private readonly generations = new LRUCache<string, number>({ max: 50_000, ttl: MEMBERSHIP_CACHE_TTL_MS * 5 });

  constructor(private readonly db: Db) {}

  /** The caller's membership of a live workspace, or null; `fresh` skips the cache (writes). */
  async find(workspaceId: string, userId: string, options: { fresh?: boolean } = {}): Promise<Membership | null> {
    // Ids are compared as Postgres stores them: a client may send a uuid in capitals.
    const workspaceKey = workspaceId.toLowerCase();
    const key = `${workspaceKey}:${userId}`;
    if (!options.fresh) {
      const cached = this.cache.get(key);
      if (cached) return cached;
    }
    const generation = this.generations.get(workspaceKey) ?? 0;
    const row = await this.db.workspaceMember.findFirst({
      where: { workspaceId, userId, workspace: { deletedAt: null } },
      select: { id: true, role: true, grantedPermissions: true, workspace: { select: { id: true, name: true, slug: true } } },
    });
    const membership: Membership | null = row && {
      id: row.id,
      role: row.role,
      grants: grantsOf(row.grantedPermissions),
      workspace: row.workspace,
    };
    if (membership && (this.generations.get(workspaceKey) ?? 0) === generation) this.cache.set(key, membership);
    return membership;
  }

  /** After a role change, a removal, an ownership transfer, a rename or a deletion in this workspace. */
  forget(workspaceId: string): void {
    const workspaceKey = workspaceId.toLowerCase();
    this.generations.set(workspaceKey, (this.generations.get(workspaceKey) ?? 0) + 1);
    for (const key of this.cache.keys()) if (key.startsWith(`${workspaceKey}:`)) this.cache.delete(key);
  }
}
