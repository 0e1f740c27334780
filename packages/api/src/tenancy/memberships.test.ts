// The membership cache: one query for a burst of requests; a change made through the API takes
// effect at once on the instance that made it, and within MEMBERSHIP_CACHE_TTL_MS on another.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { codeOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";
import { MEMBERSHIP_CACHE_TTL_MS } from "./memberships.js";

type Services = AppServices & { close(): Promise<void> };
let database: TestDatabase;
let here: Services;
let elsewhere: Services;

beforeAll(async () => {
  database = await createTestDatabase();
  here = await createTestServices(database.db);
  elsewhere = await createTestServices(database.db); // another server instance: its own caches
});
afterAll(async () => {
  await Promise.all([here.close(), elsewhere.close()]);
  await database.close();
});

const on = (services: Services, user: AuthUser, db = database.db) =>
  createCallerFactory(appRouter)(createContextInner({ db, services, user }));

describe("workspace memberships", () => {
  it("cost one query for a burst of requests", async () => {
    const w = await createWorkspaceWorld(database.db, "burst");
    const statements: string[] = [];
    const counted = createPrismaClient(database.url, { poolSize: 1, onQuery: (sql) => statements.push(sql) });
    try {
      const services = await createTestServices(counted);
      try {
        for (let i = 0; i < 5; i++) await on(services, w.member, counted).workspaces.get({ workspaceId: w.workspaceId });
        expect(statements.filter((sql) => sql.includes('FROM "public"."workspace_members"')).length).toBe(1);
      } finally {
        await services.close();
      }
    } finally {
      await counted.$disconnect();
    }
  });

  it("follow a demotion and a removal at once here, and within the cache's lifetime elsewhere", async () => {
    const w = await createWorkspaceWorld(database.db, "change");
    const invite = { workspaceId: w.workspaceId, email: "someone@example.com", role: "member" as const };
    expect(await codeOf(on(elsewhere, w.admin).workspaces.invites.create(invite))).toBeUndefined();

    await on(here, w.owner).workspaces.members.updateRole({ workspaceId: w.workspaceId, userId: w.admin.id, role: "member" });
    expect(await codeOf(on(here, w.admin).workspaces.invites.create({ ...invite, email: "other@example.com" }))).toBe("FORBIDDEN");
    await sleep(MEMBERSHIP_CACHE_TTL_MS + 200);
    expect(await codeOf(on(elsewhere, w.admin).workspaces.invites.create({ ...invite, email: "third@example.com" }))).toBe("FORBIDDEN");

    expect(await codeOf(on(elsewhere, w.viewer).workspaces.get({ workspaceId: w.workspaceId }))).toBeUndefined();
    await on(here, w.owner).workspaces.members.remove({ workspaceId: w.workspaceId, userId: w.viewer.id });
    expect(await codeOf(on(here, w.viewer).workspaces.get({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
    await sleep(MEMBERSHIP_CACHE_TTL_MS + 200);
    expect(await codeOf(on(elsewhere, w.viewer).workspaces.get({ workspaceId: w.workspaceId }))).toBe("NOT_FOUND");
  });

  it("never let a cached role authorise a write: a demotion elsewhere stops writes here at once", async () => {
    const w = await createWorkspaceWorld(database.db, "writes");
    const invite = { workspaceId: w.workspaceId, role: "member" as const };
    // A read caches the admin's membership here.
    expect(await codeOf(on(here, w.admin).workspaces.get({ workspaceId: w.workspaceId }))).toBeUndefined();
    await on(elsewhere, w.owner).workspaces.members.updateRole({ workspaceId: w.workspaceId, userId: w.admin.id, role: "member" });
    expect(await codeOf(on(here, w.admin).workspaces.invites.create({ ...invite, email: "late@example.com" }))).toBe("FORBIDDEN");
  });

  it("forget a workspace however the client spells its id", async () => {
    const w = await createWorkspaceWorld(database.db, "caps");
    const shouted = w.workspaceId.toUpperCase();
    expect(await codeOf(on(here, w.viewer).workspaces.get({ workspaceId: shouted }))).toBeUndefined();
    await on(here, w.owner).workspaces.members.remove({ workspaceId: w.workspaceId, userId: w.viewer.id });
    expect(await codeOf(on(here, w.viewer).workspaces.get({ workspaceId: shouted }))).toBe("NOT_FOUND");
  });
});
