// `pnpm admin:create <email>`: creates the first superuser (or promotes an existing account).
// The password is read from standard input, so it never lands in shell history:
//   printf '%s' 'S0me-long-passphrase!' | pnpm admin:create admin@example.com
import { text } from "node:stream/consumers";
import { z } from "zod";
import { createServices, ensureSuperuser, passwordSchema, silentLogger } from "@meetmind/api";
import { loadEnv } from "@meetmind/config";
import { createPrismaClient, openDatabase } from "@meetmind/db";

const email = z.string().trim().toLowerCase().pipe(z.email()).safeParse(process.argv[2]);
if (!email.success) {
  console.error("Usage: pnpm admin:create <email>   (password on standard input)");
  process.exit(2);
}
const password = passwordSchema.safeParse((await text(process.stdin)).replace(/\r?\n$/, ""));
if (!password.success) {
  console.error(`The password is too weak:\n${password.error.issues.map((issue) => `  - ${issue.message}`).join("\n")}`);
  process.exit(2);
}

const env = loadEnv();
const target = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, reuseRunningEmbedded: true });
const db = createPrismaClient(target.url, { poolSize: 1 });
const services = await createServices({ env, db, log: silentLogger });
try {
  const { created } = await ensureSuperuser(db, services, { email: email.data, password: password.data });
  console.log(created ? `Created superuser ${email.data}.` : `${email.data} is now a superuser with the new password.`);
} finally {
  await services.close();
  await db.$disconnect();
  await target.close();
}
