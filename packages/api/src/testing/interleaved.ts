// A deterministic interleaving for services that check outside a transaction and write inside one:
// another request's change, committed, lands between the two.
import { scopedDb, type Db } from "@meetmind/db";
import type { WorkspaceScope } from "../tenancy/scope.js";

/** `scope`, with a client whose every `$transaction` first runs `meanwhile` (on `db`, committed). */
export function interleavedScope(db: Db, scope: Omit<WorkspaceScope, "db">, meanwhile: () => Promise<unknown>): WorkspaceScope {
  const client = scopedDb(db, scope.workspaceId);
  const interleaved = new Proxy(client, {
    get(target, property) {
      if (property !== "$transaction") return Reflect.get(target, property, target) as unknown;
      return async (...args: Parameters<typeof target.$transaction>) => {
        await meanwhile();
        return target.$transaction(...args);
      };
    },
  });
  return { ...scope, db: interleaved };
}
