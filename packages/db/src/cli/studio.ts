// `pnpm db:studio`: Prisma Studio on the configured database. On the embedded database it connects
// to the PostgreSQL server a running MeetMind server started, or starts the data directory's itself.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { loadEnv } from "@meetmind/config";
import { paths } from "../paths.js";
import { openConfiguredDatabase } from "./open.js";

const env = loadEnv();
const target = await openConfiguredDatabase();

const prismaCli = path.join(path.dirname(createRequire(import.meta.url).resolve("prisma/package.json")), "build/index.js");
const child = spawn(
  process.execPath,
  [
    prismaCli,
    "studio",
    "--config",
    path.join(paths.repoRoot, "prisma.config.ts"),
    "--url",
    target.url,
    "--port",
    String(env.STUDIO_PORT),
    "--browser",
    "none",
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", cwd: paths.repoRoot },
);
console.log(`Prisma Studio on http://127.0.0.1:${env.STUDIO_PORT} (${target.mode} database)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => child.kill(signal));
child.on("exit", (code) => {
  target.close().then(
    () => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
});
