// `pnpm db:seed` (also `prisma db seed`): the demo workspace, on a database with no users.
import { runSeed } from "../packages/db/src/cli/seed.js";

await runSeed();
