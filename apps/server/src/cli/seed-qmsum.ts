// `pnpm seed:qmsum`: loads the 197 QMSum meetings (108,459 turns) into a new workspace owned by
// the demo user (or --email), with a progress bar. Uses the configured database.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { SingleBar, Presets } from "cli-progress";
import { seedQmsum } from "@meetmind/api";
import { loadEnv } from "@meetmind/config";
import { createPrismaClient, DEMO_EMAIL, openDatabase } from "@meetmind/db";

const { values } = parseArgs({
  options: {
    email: { type: "string", default: DEMO_EMAIL },
    split: { type: "string", multiple: true, default: ["train", "val"] },
  },
});
const splits = (values.split ?? []).filter((split): split is "train" | "val" => split === "train" || split === "val");

const env = loadEnv();
const target = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, reuseRunningEmbedded: true });
const db = createPrismaClient(target.url, { poolSize: 2 });
try {
  const email = (values.email ?? DEMO_EMAIL).toLowerCase();
  const user = await db.user.upsert({
    where: { email },
    create: { email, fullName: "QMSum owner", emailVerifiedAt: new Date() },
    update: {},
    select: { id: true },
  });
  const workspace = await db.workspace.create({
    data: { name: "QMSum corpus", slug: `qmsum-${randomBytes(3).toString("hex")}` },
    select: { id: true, slug: true },
  });
  const member = await db.workspaceMember.create({
    data: { workspaceId: workspace.id, userId: user.id, role: "owner" },
    select: { id: true },
  });

  const bar = new SingleBar(
    { format: "{bar} {value}/{total} meetings | {turns} turns | {meeting}", hideCursor: true },
    Presets.shades_classic,
  );
  let turns = 0;
  const started = performance.now();
  bar.start(1, 0, { turns: 0, meeting: "" });
  await seedQmsum(
    db,
    { workspaceId: workspace.id, userId: user.id, memberId: member.id },
    {
      splits,
      onMeeting(done, total, meeting) {
        turns += meeting.turns.length;
        bar.setTotal(total);
        bar.update(done, { turns, meeting: meeting.id });
      },
    },
  );
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(`Loaded ${turns} turns into workspace ${workspace.slug} (${workspace.id}) for ${email} in ${seconds.toFixed(1)} s.`);
} finally {
  await db.$disconnect();
  await target.close();
}
