// The cross-tenant sweep: every workspace-scoped procedure, called by a member of workspace B
// against workspace A, answers NOT_FOUND and changes nothing; and every procedure a viewer may not
// use answers a viewer FORBIDDEN and changes nothing. New procedures are swept automatically.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "./context.js";
import { appRouter } from "./app/router.js";
import type { AppServices } from "./ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "./testing/fingerprint.js";
import { createTestServices } from "./testing/services.js";
import { notWorkspaceScoped, tenantFixtures } from "./testing/tenant-fixtures.js";
import { createWorld, type World } from "./testing/world.js";
import { createCallerFactory, type Meta } from "./trpc.js";
import { ApiKeyValidator } from "./identity/api-keys.js";
import { can, keyAllows } from "./tenancy/permissions.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let world: World;
let fingerprints: DatabaseFingerprint;
/** Keys with every scope, made by A's owner in A and by B's owner in B. */
let keys: { a: ApiKeyCaller; b: ApiKeyCaller };

/** A caller by API key (`Authorization: Bearer mm_…`) rather than by session. */
interface ApiKeyCaller {
  token: string;
}
type Who = AuthUser | ApiKeyCaller;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
  // A key's use is written at most once per interval; the sweep must see no write but its callers'.
  services.apiKeys = new ApiKeyValidator(database.db, { lastUsedIntervalMs: 24 * 60 * 60 * 1000 });
  world = await createWorld(database.db);
  const fullKey = async (owner: AuthUser, workspaceId: string): Promise<ApiKeyCaller> => {
    const { token } = (await call(owner, "apiKeys.create", { workspaceId, name: "Sweep", scopes: ["read", "write", "ask"] })) as {
      token: string;
    };
    await call({ token }, "workspaces.get", { workspaceId }); // its first use, recorded now
    return { token };
  };
  keys = { a: await fullKey(world.a.owner, world.a.workspaceId), b: await fullKey(world.b.owner, world.b.workspaceId) };
  fingerprints = await databaseFingerprint(database.url);
});
afterAll(async () => {
  await fingerprints.close();
  await services.close();
  await database.close();
});

interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  meta: Meta | undefined;
  inputKeys: string[];
}

const procedures: ProcedureInfo[] = Object.entries(appRouter._def.procedures).map(([path, procedure]) => {
  const def = (procedure as unknown as { _def: { type: ProcedureInfo["type"]; meta?: Meta; inputs: unknown[] } })._def;
  const inputKeys = def.inputs.flatMap((input) => {
    const shape = (input as { shape?: Record<string, z.ZodType> }).shape;
    return shape ? Object.keys(shape) : [];
  });
  return { path, type: def.type, meta: def.meta, inputKeys };
});
const workspaceScoped = procedures.filter((p) => p.meta?.permission !== undefined);

async function call(who: Who, path: string, input: unknown): Promise<unknown> {
  const context =
    "token" in who
      ? createContextInner({ db: database.db, services, credentials: { accessToken: who.token, via: "bearer" } })
      : createContextInner({ db: database.db, services, user: who });
  const caller = createCallerFactory(appRouter)(context);
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  return fn(input);
}

async function expectRefused(who: Who, path: string, input: unknown, code: "NOT_FOUND" | "FORBIDDEN") {
  const before = await fingerprints.take();
  const outcome = await call(who, path, input).then(
    (value) => ({ ok: true as const, value }),
    (error: { code?: string; message?: string }) => ({ ok: false as const, code: error.code, message: error.message }),
  );
  expect({ path, outcome }).toEqual({ path, outcome: { ok: false, code, message: expect.any(String) } });
  expect(await fingerprints.take(), `${path} changed the database`).toBe(before);
}

describe("the sweep's own coverage", () => {
  it("finds the workspace-scoped procedures", () => {
    expect(workspaceScoped.length).toBeGreaterThanOrEqual(12);
  });

  it("has a fixture for every workspace-scoped procedure (add one for a new procedure)", () => {
    expect(workspaceScoped.map((p) => p.path).filter((path) => !tenantFixtures[path])).toEqual([]);
    expect(Object.keys(tenantFixtures).filter((path) => !workspaceScoped.some((p) => p.path === path))).toEqual([]);
  });

  it("knows every other procedure that takes an id", () => {
    const unexplained = procedures
      .filter((p) => p.meta?.permission === undefined && p.inputKeys.some((key) => /Id$|^cursor$/.test(key)))
      .map((p) => p.path)
      .filter((path) => !notWorkspaceScoped[path]);
    expect(unexplained).toEqual([]);
  });

  it("only lets viewers use mutations that change nothing but their own membership and Ask Mind threads", () => {
    const viewerMutations = workspaceScoped
      .filter((p) => p.type === "mutation" && p.meta?.permission && can("viewer", p.meta.permission))
      .map((p) => p.path);
    // Asking reads meetings; the threads it writes are the viewer's own (others only read shared ones).
    expect(viewerMutations.sort()).toEqual(
      [
        "workspaces.leave",
        "askMind.sessions.create",
        "askMind.sessions.rename",
        "askMind.sessions.share",
        "askMind.sessions.delete",
        "askMind.ask",
        "askMind.retry",
      ].sort(),
    );
  });
});

describe("cross-tenant access looks like NOT_FOUND and changes nothing", () => {
  for (const procedure of workspaceScoped) {
    it(procedure.path, async () => {
      const fixture = tenantFixtures[procedure.path];
      if (!fixture) throw new Error(`no fixture for ${procedure.path}`);
      const input = fixture.input(world);
      // B's owner — every permission in B — naming A's workspace...
      await expectRefused(world.b.owner, procedure.path, { ...input, workspaceId: world.a.workspaceId }, "NOT_FOUND");
      // ...and, where the input names A's resources, naming them from inside B.
      if (fixture.namesResources) {
        await expectRefused(world.b.owner, procedure.path, { ...input, workspaceId: world.b.workspaceId }, "NOT_FOUND");
      }
      // A user in no workspace at all.
      await expectRefused(world.outsider, procedure.path, { ...input, workspaceId: world.a.workspaceId }, "NOT_FOUND");
    });
  }
});

/**
 * Input keys that carry the id of something in a workspace (other than the workspace itself;
 * `externalId` is the meeting platform's id, free text to us).
 */
const isIdKey = (key: string) => !["workspaceId", "externalId"].includes(key) && (/(Id|Ids)$/.test(key) || key === "scope");

describe("an id from another workspace is NOT_FOUND wherever it appears, alone", () => {
  it("every id a procedure takes is in its fixture, so each one is probed", () => {
    const missing = workspaceScoped.flatMap((p) => {
      const given = Object.keys(tenantFixtures[p.path]?.input(world) ?? {});
      return p.inputKeys.filter((key) => isIdKey(key) && !given.includes(key)).map((key) => `${p.path}: ${key}`);
    });
    expect(missing).toEqual([]);
  });

  // B's owner, in B, with B's own ids everywhere but one key, which names A's resource.
  const swapped = (w: World): World => ({ a: w.b, b: w.a, outsider: w.outsider });
  for (const procedure of workspaceScoped) {
    const fixture = tenantFixtures[procedure.path];
    if (!fixture) continue;
    it(procedure.path, async () => {
      const theirs = fixture.input(world);
      const ours = fixture.input(swapped(world));
      for (const key of Object.keys(theirs).filter(isIdKey)) {
        await expectRefused(world.b.owner, procedure.path, { ...ours, [key]: theirs[key], workspaceId: world.b.workspaceId }, "NOT_FOUND");
      }
    });
  }
});

describe("a viewer cannot write", () => {
  for (const procedure of workspaceScoped) {
    const permission = procedure.meta?.permission;
    if (!permission || can("viewer", permission)) continue;
    it(procedure.path, async () => {
      const fixture = tenantFixtures[procedure.path];
      if (!fixture) throw new Error(`no fixture for ${procedure.path}`);
      await expectRefused(world.a.viewer, procedure.path, { ...fixture.input(world), workspaceId: world.a.workspaceId }, "FORBIDDEN");
    });
  }
});

/** Input keys that reach a meeting: the meeting itself, or something on it. */
const reachesMeeting = (input: Record<string, unknown>) =>
  ["meetingId", "meetingIds", "commentId", "segmentId", "actionItemId", "linkId"].some((key) => key in input) ||
  (typeof input.scope === "object" && input.scope !== null && ("meetingId" in input.scope || "meetingIds" in input.scope));

// The second axis: inside the workspace. A's meetings made private (A's member created `meeting`,
// and A's viewer holds a view grant on it; `deletedMeeting` has no owner): A's owner and admin, who
// hold every permission but neither ownership nor a grant, find nothing through any procedure that
// reaches a meeting.
describe("a meeting a member may not see is NOT_FOUND to them and changes nothing", () => {
  const meetingIds = () => [world.a.meeting.id, world.a.deletedMeeting.id];
  beforeAll(async () => {
    await database.db.meeting.updateMany({ where: { id: { in: meetingIds() } }, data: { visibility: "private" } });
  });
  afterAll(async () => {
    await database.db.meeting.updateMany({ where: { id: { in: meetingIds() } }, data: { visibility: "workspace" } });
  });

  // Tests are collected before the world exists: a stand-in answers every property, for the keys.
  const anything: unknown = new Proxy(() => undefined, { get: () => anything });
  const probed = workspaceScoped.filter((p) => {
    const fixture = tenantFixtures[p.path];
    return fixture !== undefined && reachesMeeting(fixture.input(anything as World));
  });

  it("probes every procedure that takes a meeting or something on one", () => {
    expect(probed.length).toBeGreaterThanOrEqual(25);
  });

  for (const procedure of probed) {
    it(procedure.path, async () => {
      const input = { ...tenantFixtures[procedure.path]?.input(world), workspaceId: world.a.workspaceId };
      await expectRefused(world.a.admin, procedure.path, input, "NOT_FOUND");
      await expectRefused(world.a.owner, procedure.path, input, "NOT_FOUND");
    });
  }
});

/** Input keys that reach an interview: the interview itself, its candidate, a scorecard on it. */
const reachesInterview = (input: Record<string, unknown>) => ["interviewId", "candidateId", "scorecardId"].some((key) => key in input);

// The third axis: interviews are their panel's. A's plain member holds `interviews:read` and
// `interviews:write` but sits on no panel (the world's interviewer does): every procedure those
// permissions open and that reaches an interview or candidate finds nothing. (The procedures that
// need `interviews:manage` refuse the member's role first: the viewer pass above covers that side.)
describe("an interview off one's panel is NOT_FOUND and changes nothing", () => {
  const anything: unknown = new Proxy(() => undefined, { get: () => anything });
  const probed = workspaceScoped.filter((p) => {
    const fixture = tenantFixtures[p.path];
    const permission = p.meta?.permission;
    return (
      fixture !== undefined &&
      (permission === "interviews:read" || permission === "interviews:write") &&
      reachesInterview(fixture.input(anything as World))
    );
  });

  it("probes every procedure that takes an interview, a candidate or a scorecard", () => {
    expect(probed.length).toBeGreaterThanOrEqual(8);
  });

  for (const procedure of probed) {
    it(procedure.path, async () => {
      const input = { ...tenantFixtures[procedure.path]?.input(world), workspaceId: world.a.workspaceId };
      await expectRefused(world.a.member, procedure.path, input, "NOT_FOUND");
    });
  }
});

// The interview's meeting follows the interview rule: A's `meeting` (created by A's member, who also
// holds a share link and comments on it) made the hiring interview's meeting. The member is off the
// panel: every procedure that reaches the meeting or something on it finds nothing.
describe("an interview's meeting off one's panel is NOT_FOUND and changes nothing", () => {
  beforeAll(async () => {
    await database.db.meeting.update({ where: { id: world.a.meeting.id }, data: { isInterview: true } });
    await database.db.interview.update({ where: { id: world.a.hiring.interview.id }, data: { meetingId: world.a.meeting.id } });
  });
  afterAll(async () => {
    await database.db.interview.update({ where: { id: world.a.hiring.interview.id }, data: { meetingId: null } });
    await database.db.meeting.update({ where: { id: world.a.meeting.id }, data: { isInterview: false } });
  });

  const anything: unknown = new Proxy(() => undefined, { get: () => anything });
  const probed = workspaceScoped.filter((p) => {
    const fixture = tenantFixtures[p.path];
    const permission = p.meta?.permission;
    // meetings.restore names the world's deleted meeting, not this one.
    return (
      fixture !== undefined &&
      permission !== undefined &&
      p.path !== "meetings.restore" &&
      can("member", permission) &&
      reachesMeeting(fixture.input(anything as World))
    );
  });

  it("probes every procedure a member may call that takes a meeting or something on one", () => {
    expect(probed.length).toBeGreaterThanOrEqual(25);
  });

  for (const procedure of probed) {
    it(procedure.path, async () => {
      const input = { ...tenantFixtures[procedure.path]?.input(world), workspaceId: world.a.workspaceId };
      await expectRefused(world.a.member, procedure.path, input, "NOT_FOUND");
    });
  }
});

describe("an API key reaches its own workspace only, and only what keys may do there", () => {
  const everyScope = ["read", "write", "ask"] as const;
  for (const procedure of workspaceScoped) {
    const permission = procedure.meta?.permission;
    if (!permission) continue;
    const allowed = keyAllows(everyScope, permission, procedure.type);
    it(procedure.path, async () => {
      const fixture = tenantFixtures[procedure.path];
      if (!fixture) throw new Error(`no fixture for ${procedure.path}`);
      const input = fixture.input(world);
      // B's key, every scope, naming A's workspace: as for a non-member.
      await expectRefused(keys.b, procedure.path, { ...input, workspaceId: world.a.workspaceId }, "NOT_FOUND");
      // ...and naming A's resources from inside B, where a key may call the procedure at all.
      if (allowed && fixture.namesResources) {
        await expectRefused(keys.b, procedure.path, { ...input, workspaceId: world.b.workspaceId }, "NOT_FOUND");
      }
      // What no key may do (management, leaving) is refused even to the owner's key in its own workspace.
      if (!allowed) await expectRefused(keys.a, procedure.path, { ...input, workspaceId: world.a.workspaceId }, "FORBIDDEN");
    });
  }
});
