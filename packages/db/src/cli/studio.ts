// `pnpm db:studio`: Prisma Studio on the configured database. On the embedded database it connects
// through the running server's loopback socket, or serves the data directory itself meanwhile.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { loadEnv } from "@meetmind/config";
import { paths } from "../paths.js";
import { openConfiguredDatabase } from "./open.js";

const env = loadEnv();
const target = await openConfiguredDatabase();
let url = target.url;
if (target.mode === "embedded") {
  // The embedded socket runs every connection in one Postgres session; Studio's prepared
  // statements only survive that with a single pooled connection.
  url += `${url.includes("?") ? "&" : "?"}max=1`;
}

const prismaCli = path.join(path.dirname(createRequire(import.meta.url).resolve("prisma/package.json")), "build/index.js");
const child = spawn(
  process.execPath,
  [
    prismaCli,
    "studio",
    "--config",
    path.join(paths.repoRoot, "prisma.config.ts"),
    "--url",
    url,
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
