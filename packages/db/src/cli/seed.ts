// Seeds the demo workspace into the configured database if it has no users yet.
import { createPrismaClient } from "../client.js";
import { seedDemoIfEmpty } from "../seed.js";
import { openConfiguredDatabase } from "./open.js";

export async function runSeed(): Promise<void> {
  const target = await openConfiguredDatabase();
  const db = createPrismaClient(target.url, { poolSize: 1 });
  try {
    const demo = await seedDemoIfEmpty(db);
    console.log(
      demo ? `Seeded. Log in as ${demo.email} with password ${demo.password}` : "The database already has users; nothing seeded.",
    );
  } finally {
    await db.$disconnect();
    await target.close();
  }
}
