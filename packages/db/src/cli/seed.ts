// Seeds the demo workspace into the configured database if it has no users yet.
import { loadEnv } from "@meetmind/config";
import { createPrismaClient } from "../client.js";
import { openDatabase } from "../database.js";
import { seedDemoIfEmpty } from "../seed.js";

export async function runSeed(): Promise<void> {
  const env = loadEnv();
  const target = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    reuseRunningEmbedded: true,
    log: (message) => console.log(message),
  });
  const db = createPrismaClient(target.url, { poolSize: 1 });
  try {
    const demo = await seedDemoIfEmpty(db);
    console.log(demo ? `Seeded. Log in as ${demo.email} with password ${demo.password}` : "The database already has users; nothing seeded.");
  } finally {
    await db.$disconnect();
    await target.close();
  }
}
