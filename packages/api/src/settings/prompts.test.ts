// settings.prompts, who may use settings.*, and settings.usage's months: through the router, against
// real Postgres. (The model server, metering and caps: settings.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@meetmind/db";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { DEFAULT_PROMPTS } from "../ai/prompts.js";
import { appRouter } from "../app/router.js";
import { createContextInner, type AuthUser } from "../context.js";
import type { AppServices } from "../ports.js";
import { databaseFingerprint, type DatabaseFingerprint } from "../testing/fingerprint.js";
import { errorOf as domainErrorOf } from "../testing/outcomes.js";
import { createTestServices } from "../testing/services.js";
import { createWorkspaceWorld } from "../testing/world.js";
import { createCallerFactory } from "../trpc.js";

let database: TestDatabase;
let db: Db;
let fingerprints: DatabaseFingerprint;
let svc: AppServices & { close(): Promise<void> };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  fingerprints = await databaseFingerprint(database.url);
  svc = await createTestServices(db);
});
afterAll(async () => {
  await svc?.close();
  await fingerprints?.close();
  await database?.close();
});

const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services: svc, user }));
const KEY = "sk-live-0123456789abcdefWXYZ";
const world = (label: string) => createWorkspaceWorld(db, label);

/** The tRPC code and appCode, as a client sees it: a refused zod schema is `invalid_input`. */
async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; appCode?: string } | undefined> {
  const outcome = await domainErrorOf(promise);
  if (!outcome) return outcome;
  return { code: outcome.code, appCode: outcome.appCode ?? (outcome.code === "BAD_REQUEST" ? "invalid_input" : undefined) };
}

async function expectNothingWritten(call: () => Promise<unknown>): Promise<{ code?: string; appCode?: string } | undefined> {
  const before = await fingerprints.take();
  const outcome = await errorOf(call());
  expect(outcome, "the call was expected to be refused").toBeDefined();
  expect(await fingerprints.take(), "a refused call changed the database").toBe(before);
  return outcome;
}

describe("settings.prompts", () => {
  it("lists every kind with its default, validates placeholders, versions each save and restores the default", async () => {
    const w = await world("prompts");
    const admin = as(w.admin);
    const ws = { workspaceId: w.workspaceId };
    const listed = await admin.settings.prompts.list(ws);
    expect(listed.map((p) => [p.kind, p.version, p.isDefault, p.text === p.defaultText])).toEqual([
      ["summary", 0, true, true],
      ["actionItems", 0, true, true],
      ["askMind", 0, true, true],
      ["interviewSummary", 0, true, true],
    ]);
    expect(listed.find((p) => p.kind === "summary")).toMatchObject({ requiredPlaceholders: ["jsonShape", "actionItemRules"] });
    expect(listed.find((p) => p.kind === "interviewSummary")).toMatchObject({
      requiredPlaceholders: ["jsonShape"],
      optionalPlaceholders: ["positionTitle"],
    });

    const bad: [string, () => Promise<unknown>, string][] = [
      [
        "missing a required placeholder",
        () => admin.settings.prompts.update({ ...ws, kind: "summary", text: "Summarize it as JSON: {{jsonShape}}" }),
        "invalid_prompt",
      ],
      [
        "an unknown placeholder",
        () => admin.settings.prompts.update({ ...ws, kind: "askMind", text: "Cite {{citationFormat}} for {{question}}." }),
        "invalid_prompt",
      ],
      ["too short", () => admin.settings.prompts.update({ ...ws, kind: "askMind", text: "{{citationFormat}}" }), "invalid_input"],
      [
        "too long",
        () => admin.settings.prompts.update({ ...ws, kind: "askMind", text: `{{citationFormat}} ${"x".repeat(20_000)}` }),
        "invalid_input",
      ],
      [
        "an unknown kind",
        () => admin.settings.prompts.update({ ...ws, kind: "poems" as "askMind", text: "Write {{citationFormat}} poems." }),
        "invalid_input",
      ],
      ["a negative base version", () => admin.settings.prompts.reset({ ...ws, kind: "askMind", baseVersion: -1 }), "invalid_input"],
    ];
    for (const [label, call, appCode] of bad) {
      expect({ label, outcome: await expectNothingWritten(call) }).toEqual({ label, outcome: { code: "BAD_REQUEST", appCode } });
    }
    const refusal = await admin.settings.prompts
      .update({ ...ws, kind: "summary", text: "Summarize it as JSON: {{jsonShape}} {{bogus}}" })
      .catch((error: Error) => error.message);
    expect(refusal).toBe(
      "text: must contain {{actionItemRules}}; unknown placeholder {{bogus}}; it may use {{jsonShape}}, {{actionItemRules}}",
    );

    const text = "Cite each claim {{citationFormat}}, in two sentences at most.";
    const v1 = await admin.settings.prompts.update({ ...ws, kind: "askMind", text, baseVersion: 0 });
    expect(v1).toMatchObject({ kind: "askMind", version: 1, isDefault: false, text, updatedBy: { id: w.admin.id } });
    // Saving the same text again makes no new version.
    expect((await admin.settings.prompts.update({ ...ws, kind: "askMind", text })).version).toBe(1);
    // An edit made from an older version is refused.
    expect(
      await expectNothingWritten(() => admin.settings.prompts.update({ ...ws, kind: "askMind", text: `${text} Be kind.`, baseVersion: 0 })),
    ).toEqual({ code: "CONFLICT", appCode: "stale_prompt_version" });
    const v2 = await as(w.owner).settings.prompts.update({ ...ws, kind: "askMind", text: `${text} Be kind.`, baseVersion: 1 });
    expect(v2.version).toBe(2);

    const reset = await admin.settings.prompts.reset({ ...ws, kind: "askMind" });
    expect(reset).toMatchObject({ version: 3, isDefault: true, text: DEFAULT_PROMPTS.askMind });
    expect((await admin.settings.prompts.reset({ ...ws, kind: "askMind" })).version, "resetting the default changes nothing").toBe(3);
    // Saving the default's own text is the default too (it follows later releases' improvements).
    await admin.settings.prompts.update({ ...ws, kind: "summary", text: "Notes as JSON {{jsonShape}} and {{actionItemRules}}" });
    expect(await admin.settings.prompts.update({ ...ws, kind: "summary", text: DEFAULT_PROMPTS.summary })).toMatchObject({
      version: 2,
      isDefault: true,
    });
    expect(await db.aiPromptVersion.count({ where: { workspaceId: w.workspaceId } })).toBe(5);
    expect(
      await db.auditEvent.count({ where: { workspaceId: w.workspaceId, action: { in: ["ai_prompt.updated", "ai_prompt.reset"] } } }),
    ).toBe(5);
    expect((await admin.settings.prompts.list(ws)).map((p) => [p.kind, p.version, p.isDefault])).toEqual([
      ["summary", 2, true],
      ["actionItems", 0, true],
      ["askMind", 3, true],
      ["interviewSummary", 0, true],
    ]);
  });
});

describe("who may see and change AI settings", () => {
  it("owners and admins manage; members and viewers may only read usage; another workspace is NOT_FOUND", async () => {
    const w = await world("roles");
    const other = await world("roles-other");
    // A server of its own (nothing listens there: no call below reaches it).
    await as(w.admin).settings.ai.update({ workspaceId: w.workspaceId, baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: KEY });
    const ws = { workspaceId: w.workspaceId };
    const calls: [string, (c: ReturnType<typeof as>) => Promise<unknown>][] = [
      ["ai.get", (c) => c.settings.ai.get(ws)],
      ["ai.update", (c) => c.settings.ai.update({ ...ws, monthlyTokenCap: 1 })],
      ["ai.testConnection", (c) => c.settings.ai.testConnection(ws)],
      ["prompts.list", (c) => c.settings.prompts.list(ws)],
      ["prompts.update", (c) => c.settings.prompts.update({ ...ws, kind: "askMind", text: "Say anything, cite {{citationFormat}}." })],
      ["prompts.reset", (c) => c.settings.prompts.reset({ ...ws, kind: "summary" })],
    ];
    for (const [label, call] of calls) {
      for (const user of [w.member, w.viewer]) {
        expect({ label, outcome: await expectNothingWritten(() => call(as(user))) }).toEqual({
          label,
          outcome: { code: "FORBIDDEN", appCode: "insufficient_role" },
        });
      }
      for (const user of [other.owner, other.admin]) {
        expect({ label, outcome: await expectNothingWritten(() => call(as(user))) }).toEqual({
          label,
          outcome: { code: "NOT_FOUND", appCode: "not_found" },
        });
      }
    }
    expect(await errorOf(as(other.owner).settings.usage.get(ws))).toEqual({ code: "NOT_FOUND", appCode: "not_found" });
    for (const user of [w.member, w.viewer]) expect((await as(user).settings.usage.get(ws)).month).toMatch(/^\d{4}-\d{2}$/);
    // The owner may do what admins may.
    expect((await as(w.owner).settings.ai.get(ws)).provider.apiKey).toBe("sk-…WXYZ");
  });
});

describe("settings.usage", () => {
  it("reads a given month, and refuses a malformed one", async () => {
    const w = await world("months");
    const ws = { workspaceId: w.workspaceId };
    expect(await as(w.member).settings.usage.get({ ...ws, month: "2020-02" })).toMatchObject({
      month: "2020-02",
      totalTokens: 0,
      resetsAt: new Date("2020-03-01T00:00:00.000Z"),
    });
    for (const month of ["2020-13", "20-01", "2020-1", "10000-01"]) {
      expect(await errorOf(as(w.member).settings.usage.get({ ...ws, month }))).toEqual({ code: "BAD_REQUEST", appCode: "invalid_input" });
    }
  });
});
