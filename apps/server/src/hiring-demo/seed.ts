// Loads the demo hiring loop (hiring-demo/loop.ts) into a workspace through the API's own
// procedures, as each person would: the owner sets up the template, candidates and interviews and
// imports the transcripts; each panelist submits their scorecard; summaries are generated on the job
// queue. So the demo exercises the same rules (panels, blind feedback, events) a client meets.
import type { AppServices } from "@meetmind/api";
import { appRouter, createCallerFactory, createContextInner, type AuthUser } from "@meetmind/api";
import type { Db } from "@meetmind/db";
import { DEMO_CANDIDATES, DEMO_INTERVIEWERS, DEMO_POSITION, DEMO_TEMPLATE, type DemoInterview, type PanelistKey } from "./loop.js";

export interface SeedInterviewsResult {
  workspaceId: string;
  candidates: number;
  interviews: number;
  scorecards: number;
  summaries: number;
  /** True when the workspace already had the demo loop: nothing was added. */
  alreadyLoaded: boolean;
}

export interface SeedInterviewsOptions {
  db: Db;
  services: AppServices;
  /** The workspace's owner (the demo user): the hiring lead, on most panels. */
  owner: AuthUser;
  workspaceId: string;
  /** Runs queued jobs (the summaries) to completion; the CLI runs a job worker. */
  runJobs: () => Promise<unknown>;
  now?: Date;
}

const DAY_MS = 86_400_000;

function transcriptText(interview: DemoInterview, names: Record<PanelistKey | "candidate", string>): string {
  return (interview.transcript ?? []).map(([time, who, words]) => `[${time}] ${names[who]}: ${words}`).join("\n");
}

export async function seedInterviewLoop(options: SeedInterviewsOptions): Promise<SeedInterviewsResult> {
  const { db, services, owner, workspaceId } = options;
  const now = options.now ?? new Date();
  const as = (user: AuthUser) => createCallerFactory(appRouter)(createContextInner({ db, services, user }));
  const lead = as(owner);
  const ws = { workspaceId };
  const result: SeedInterviewsResult = { workspaceId, candidates: 0, interviews: 0, scorecards: 0, summaries: 0, alreadyLoaded: false };

  // The loop is many calls, not one transaction: a run that stopped halfway left some candidates.
  const present = [];
  for (const demo of DEMO_CANDIDATES) {
    const found = await lead.candidates.list({ ...ws, query: demo.email, limit: 1 });
    if (found.items.length > 0) present.push(demo.name);
  }
  if (present.length === DEMO_CANDIDATES.length) return { ...result, alreadyLoaded: true };
  if (present.length > 0) {
    throw new Error(`A previous run stopped halfway (${present.join(", ")} exist): erase those candidates, then run it again`);
  }

  // The interviewers: accounts without a password (they sign in through a reset link if ever).
  const people: Record<PanelistKey, { user: AuthUser; memberId: string; name: string }> = {} as never;
  const ownerMember = await db.workspaceMember.findFirstOrThrow({
    where: { workspaceId, userId: owner.id },
    select: { id: true, user: { select: { fullName: true } } },
  });
  people.lead = { user: owner, memberId: ownerMember.id, name: ownerMember.user.fullName ?? "Hiring lead" };
  for (const [key, person] of Object.entries(DEMO_INTERVIEWERS) as [
    keyof typeof DEMO_INTERVIEWERS,
    (typeof DEMO_INTERVIEWERS)[keyof typeof DEMO_INTERVIEWERS],
  ][]) {
    const user = await db.user.upsert({
      where: { email: person.email },
      create: { email: person.email, fullName: person.name, emailVerifiedAt: now },
      update: {},
      select: { id: true, email: true, isAdmin: true },
    });
    const member = await db.workspaceMember.upsert({
      where: { workspaceId_userId: { workspaceId, userId: user.id } },
      create: { workspaceId, userId: user.id, role: "member" },
      update: {},
      select: { id: true },
    });
    people[key] = { user, memberId: member.id, name: person.name };
  }

  const template = await lead.scorecards.templates.create({ ...ws, ...DEMO_TEMPLATE });
  const categoryIds = template.categories.map((category) => category.id);

  for (const demo of DEMO_CANDIDATES) {
    const candidate = await lead.candidates.create({
      ...ws,
      name: demo.name,
      email: demo.email,
      source: demo.source,
      stage: demo.stage,
      links: demo.links,
      positionTitle: DEMO_POSITION,
    });
    result.candidates += 1;
    for (const plan of demo.interviews) {
      const interview = await lead.interviews.create({
        ...ws,
        candidateId: candidate.id,
        positionTitle: DEMO_POSITION,
        stage: plan.stage,
        scheduledAt: new Date(now.getTime() + plan.dayOffset * DAY_MS),
        durationMinutes: 45,
        panelMemberIds: plan.panel.map((key) => people[key].memberId),
        templateId: template.id,
      });
      result.interviews += 1;
      const interviewRef = { ...ws, interviewId: interview.id };
      if (plan.transcript) {
        const names = { lead: people.lead.name, priya: people.priya.name, tomas: people.tomas.name, candidate: demo.name };
        await lead.interviews.transcript.import({ ...interviewRef, format: "text", content: transcriptText(plan, names), language: "en" });
        await lead.interviews.transcript.mapSpeakers({
          ...interviewRef,
          speakers: [
            { label: demo.name, candidate: true },
            ...[...new Set(plan.transcript.map(([, who]) => who))]
              .filter((who): who is PanelistKey => who !== "candidate")
              .map((who) => ({ label: people[who].name, memberId: people[who].memberId })),
          ],
        });
      }
      if (plan.dayOffset < 0) await lead.interviews.update({ ...interviewRef, status: "completed" });
      for (const card of plan.scorecards) {
        await as(people[card.by].user).scorecards.submit({
          ...interviewRef,
          scores: card.ratings.map((rating, index) => ({ categoryId: categoryIds[index] ?? "", rating })),
          recommendation: card.recommendation,
          notes: card.notes,
        });
        result.scorecards += 1;
      }
      if (plan.transcript) {
        await lead.interviews.summary.generate(interviewRef);
        result.summaries += 1;
      }
    }
  }
  await options.runJobs();
  return result;
}
