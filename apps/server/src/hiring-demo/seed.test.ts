// `pnpm seed:interviews` loads a whole hiring loop through the procedures: what a new user sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appRouter,
  createCallerFactory,
  createContextInner,
  createJobHandlers,
  createServices,
  silentLogger,
  startJobWorker,
} from "@meetmind/api";
import type { AppServices, AuthUser } from "@meetmind/api";
import { parseEnv } from "@meetmind/config";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { DEMO_CANDIDATES } from "./loop.js";
import { seedInterviewLoop } from "./seed.js";

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
let owner: AuthUser;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await createServices({
    env: parseEnv({ NODE_ENV: "test", BCRYPT_COST: "4", PASSWORD_WORKERS: "1" }),
    db: database.db,
    log: silentLogger,
  });
  owner = await database.db.user.create({
    data: { email: "lead@hiring.example", fullName: "Hiring Lead", emailVerifiedAt: new Date() },
    select: { id: true, email: true, isAdmin: true },
  });
  const workspace = await database.db.workspace.create({ data: { name: "Demo", slug: "demo-hiring" } });
  await database.db.workspaceMember.create({ data: { workspaceId: workspace.id, userId: owner.id, role: "owner" } });
  workspaceId = workspace.id;
});
afterAll(async () => {
  await services?.close();
  await database?.close();
});

describe("seed:interviews", () => {
  it("loads one position, three candidates, panels, transcripts, submitted scorecards and summaries", async () => {
    const db = database.db;
    const jobs = startJobWorker({
      db,
      log: silentLogger,
      handlers: createJobHandlers({
        db,
        ai: services.ai,
        embeddings: services.embeddings,
        workspaceAi: services.workspaceAi,
        log: silentLogger,
      }),
      pollIntervalMs: 0,
    });
    try {
      const result = await seedInterviewLoop({ db, services, owner, workspaceId, runJobs: () => jobs.runDue() });
      expect(result).toMatchObject({ candidates: 3, interviews: 4, scorecards: 5, summaries: 2, alreadyLoaded: false });
      expect(await seedInterviewLoop({ db, services, owner, workspaceId, runJobs: () => jobs.runDue() })).toMatchObject({
        alreadyLoaded: true,
      });
    } finally {
      await jobs.stop();
    }

    const lead = createCallerFactory(appRouter)(createContextInner({ db: database.db, services, user: owner }));
    const candidates = await lead.candidates.list({ workspaceId, limit: 10 });
    expect(candidates.items.map((c) => c.name).sort()).toEqual(DEMO_CANDIDATES.map((c) => c.name).sort());
    const interviews = await lead.interviews.list({ workspaceId, limit: 10 });
    expect(interviews.items).toHaveLength(4);

    // The summaries finished, with evidence quoted from the candidates' own words.
    const withTranscript = interviews.items.filter((i) => i.meetingId !== null);
    expect(withTranscript).toHaveLength(2);
    for (const interview of withTranscript) {
      const summary = await lead.interviews.summary.get({ workspaceId, interviewId: interview.id });
      expect(summary?.status).toBe("done");
      const evidence = summary?.content?.categories.flatMap((category) => category.evidence) ?? [];
      expect(evidence.length).toBeGreaterThan(0);
    }

    // Feedback aggregates the submitted scorecards; Daniel's panel disagreed.
    const daniel = candidates.items.find((c) => c.name === "Daniel Brooks");
    if (!daniel) throw new Error("no Daniel");
    const feedback = await lead.candidates.feedback({ workspaceId, candidateId: daniel.id });
    expect(feedback.locked).toBe(false);
    expect(feedback.feedback).toMatchObject({
      interviews: 2,
      submittedScorecards: 3,
      recommendations: { strong_no: 0, no: 1, yes: 2, strong_yes: 0 },
      disagreement: { flagged: true, recommendationSplit: true },
    });

    // Sofia's onsite is ahead: her whole panel has yet to submit, and each panelist was emailed.
    const sofia = candidates.items.find((c) => c.name === "Sofia Lindqvist");
    if (!sofia) throw new Error("no Sofia");
    const pending = await lead.candidates.feedback({ workspaceId, candidateId: sofia.id });
    expect(pending.feedback?.notSubmitted).toHaveLength(3);
    const emails = await database.db.emailOutbox.findMany({
      where: { template: "hiring_interview_scheduled" },
      select: { toAddress: true },
    });
    expect(new Set(emails.map((e) => e.toAddress))).toEqual(new Set(["priya.raman@meetmind.local", "tomas.silva@meetmind.local"]));
  });
});
