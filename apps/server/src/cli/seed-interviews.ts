// `pnpm seed:interviews`: loads a demo hiring loop (one position, three candidates, panels,
// transcripts, submitted scorecards, AI interview summaries) into the demo user's workspace (or
// --email's first owned workspace), so `pnpm serve` shows interviews working. Uses the configured
// database, the configured model (or the offline extractive mode), and runs the summary jobs itself.
import { parseArgs } from "node:util";
import { createJobHandlers, createServices, silentLogger, startJobWorker } from "@meetmind/api";
import { loadEnv } from "@meetmind/config";
import { createPrismaClient, DEMO_EMAIL, openDatabase } from "@meetmind/db";
import { seedInterviewLoop } from "../hiring-demo/seed.js";

const { values } = parseArgs({ options: { email: { type: "string", default: DEMO_EMAIL } } });

const env = loadEnv();
const target = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, reuseRunningEmbedded: true });
const db = createPrismaClient(target.url, { poolSize: 4 });
const services = await createServices({ env: { ...env, PASSWORD_WORKERS: 1 }, db, log: silentLogger });
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
  const email = (values.email ?? DEMO_EMAIL).toLowerCase();
  const owner = await db.user.findUnique({ where: { email }, select: { id: true, email: true, isAdmin: true } });
  if (!owner) throw new Error(`No user ${email}: start the server once (pnpm serve) to create the demo user, or pass --email`);
  const membership = await db.workspaceMember.findFirst({
    where: { userId: owner.id, role: "owner", workspace: { deletedAt: null } },
    orderBy: { createdAt: "asc" },
    select: { workspace: { select: { id: true, slug: true } } },
  });
  if (!membership) throw new Error(`${email} owns no workspace`);
  const result = await seedInterviewLoop({ db, services, owner, workspaceId: membership.workspace.id, runJobs: () => jobs.runDue() });
  console.log(
    result.alreadyLoaded
      ? `The demo hiring loop is already in workspace ${membership.workspace.slug}; nothing added.`
      : `Loaded ${result.candidates} candidates, ${result.interviews} interviews, ${result.scorecards} submitted scorecards and ${result.summaries} summaries into workspace ${membership.workspace.slug} for ${email}.`,
  );
} finally {
  await jobs.stop();
  await services.close();
  await db.$disconnect();
  await target.close();
}
