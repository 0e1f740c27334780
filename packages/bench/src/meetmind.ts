// The MeetMind server as the benches run it: its own process (apps/server, from source through tsx
// or built), production mode, every setting given here so nothing in the caller's shell (DATABASE_URL,
// REDIS_URL, SMTP_URL...) changes what is measured, on a port chosen here, ready when
// /health/ready answers (the database included).
import { randomBytes } from "node:crypto";
import { chmod, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startProcess, type RunningProcess, type StopReport } from "./process.js";
import { duration } from "./stats.js";
import { progress } from "./script.js";

/** A path, not an import: the harness runs the server, it does not depend on its code. */
export const SERVER_DIR = fileURLToPath(new URL("../../../apps/server/", import.meta.url));

/** The server's own drain deadline (SHUTDOWN_TIMEOUT_MS); the bench's stop allows this plus STOP_MARGIN_MS. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** After the drain: settle answers, stop jobs, close the database. Seconds would mean something is stuck. */
const STOP_MARGIN_MS = 5_000;

export interface MeetMindServerOptions {
  /** Run dist/main.js (after `pnpm build`) instead of src/main.ts through tsx. */
  built: boolean;
  /** A Postgres URL; without one the server runs its embedded PostgreSQL in `<workDir>/data`. */
  databaseUrl?: string | undefined;
  /** A scratch directory: the embedded database and the server's log go here. */
  workDir: string;
  logLevel?: string;
  /** Further settings, e.g. BCRYPT_COST, PASSWORD_WORKERS, DATABASE_POOL_SIZE. */
  env?: Record<string, string>;
  /** Flags for node itself, e.g. `--cpu-prof` (Node refuses those in NODE_OPTIONS). */
  nodeArgs?: string[];
}

export interface MeetMindServer extends RunningProcess {
  url: URL;
  /** The settings it runs with (JWT_SECRET included, for a baseline that verifies the same tokens). */
  env: Record<string, string>;
  /** How it runs, for a report: "`node dist/main.js`" or "`src/main.ts` via tsx". */
  how: string;
  /** The fields of its "listening" log line (database mode, password threads...); empty below LOG_LEVEL=info. */
  listening: Record<string, unknown>;
  /** SIGTERM; says how long it took, and (on stderr) whether it missed its deadline or logged problems. */
  shutdown(): Promise<StopReport>;
}

/**
 * The embedded database's PostgreSQL runs as the postgres OS user when we are root, and must pass
 * through workDir (in our mkdtemp folders, 0700) to its data: it may enter them, not list them.
 */
async function letPostgresThrough(workDir: string): Promise<void> {
  const temp = path.resolve(tmpdir());
  for (let dir = path.resolve(workDir); dir.startsWith(`${temp}${path.sep}`); dir = path.dirname(dir)) {
    await chmod(dir, ((await stat(dir)).mode & 0o777) | 0o001);
  }
}

export async function startMeetMindServer(options: MeetMindServerOptions): Promise<MeetMindServer> {
  if (!options.databaseUrl) await letPostgresThrough(options.workDir);
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: "production",
    JWT_SECRET: randomBytes(32).toString("hex"),
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? "info",
    SEED_DEMO: "false",
    DATA_DIR: path.join(options.workDir, "data"),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    TZ: "UTC",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const url = new URL(`http://127.0.0.1:${port}/`);
  const server = await startProcess({
    name: "the server",
    command: process.execPath,
    args: [
      ...(options.nodeArgs ?? []),
      ...(options.built ? ["dist/main.js"] : ["--conditions=@meetmind/source", "--import", "tsx", "src/main.ts"]),
    ],
    cwd: SERVER_DIR,
    env,
    healthUrl: new URL("/health/ready", url),
    logFile: path.join(options.workDir, "server.log"),
  });
  const deadlineMs = Number(env.SHUTDOWN_TIMEOUT_MS) + STOP_MARGIN_MS;
  return {
    ...server,
    url,
    env,
    how: options.built ? "`node dist/main.js`" : "`src/main.ts` via tsx",
    listening: await listeningLine(server.logFile),
    async shutdown() {
      progress("stopping the server (SIGTERM)");
      const report = await server.stop(deadlineMs);
      if (report.clean) progress(`the server stopped in ${duration(report.ms)}`);
      else
        progress(
          `the server did not stop within ${duration(deadlineMs)} of SIGTERM; killed it. Its log ends:\n${await server.logTail(15)}`,
        );
      if (report.clean && report.code !== 0) progress(`the server exited with ${String(report.code ?? report.signal)}`);
      const problems = await loggedProblems(server.logFile);
      if (problems.length > 0) progress(`the server logged ${problems.length} warnings/errors, e.g.:\n${problems.slice(0, 5).join("\n")}`);
      return report;
    },
  };
}

/** The fields of the server's "MeetMind listening on" log line (pino JSON), or {} when there is none. */
async function listeningLine(logFile: string): Promise<Record<string, unknown>> {
  const log = await readFile(logFile, "utf8").catch(() => "");
  const line = log.split("\n").find((text) => text.includes("MeetMind listening on"));
  try {
    return line ? (JSON.parse(line) as Record<string, unknown>) : {};
  } catch {
    return {}; // pretty-printed logs: not JSON
  }
}

/** Warning, error and fatal lines of a pino log, less the expected ones of a bench set-up. */
export async function loggedProblems(logFile: string): Promise<string[]> {
  const log = await readFile(logFile, "utf8").catch(() => "");
  return log.split("\n").filter((line) => /"level":(4|5|6)0/.test(line) && !line.includes("SMTP_URL is not set"));
}
