// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in
// DATA_DIR (through the running server's PostgreSQL if one is serving it).
// `pnpm db:migrate --rolled-back <name>` marks a failed migration as rolled back first.
import { parseArgs } from "node:util";
import { applyMigrations, markRolledBack } from "../migrations/apply.js";
import { openConfiguredDatabase } from "./open.js";

const { values } = parseArgs({ options: { "rolled-back": { type: "string" } } });
const target = await openConfiguredDatabase({ migrate: false });
try {
  if (values["rolled-back"]) {
    await markRolledBack(target.url, values["rolled-back"]);
    console.log(`Marked ${values["rolled-back"]} as rolled back.`);
  }
  const { applied } = await applyMigrations(target.url, { log: (message) => console.log(message) });
  console.log(applied.length ? `Applied ${applied.length} migration(s).` : "Database is up to date.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await target.close();
}
