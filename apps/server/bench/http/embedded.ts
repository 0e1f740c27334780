// `pnpm bench:http --embedded`: the same server on its embedded PostgreSQL (no DATABASE_URL) against
// itself on the Postgres server the main comparison uses, `meetings.list` at --embedded-connections
// (16 by default). Each side has its own account and workspace, seeded alike. Issue 14 asks the
// embedded side for at least half the throughput.
import { mkdir, readFile } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import {
  alternate,
  medianRun,
  progress,
  ratio,
  ratioTable,
  request,
  runLoad,
  startMeetMindServer,
  trpcBody,
  trpcData,
  trpcQueryUrl,
  type ComparedRow,
  type MeetMindServer,
} from "@meetmind/bench";
import { seedWorkspace } from "./seed.js";

/** What issue 14 requires of the embedded database at 16 connections. */
export const EMBEDDED_MIN_RATIO = 0.5;

export interface Account {
  authorization: string;
  userId: string;
  workspaceId: string;
}

/** Signs up a member through the API (a real token and session) and creates their workspace. */
export async function newAccount(agent: http.Agent, url: URL): Promise<Account> {
  const signup = trpcData<{ accessToken: string; user: { id: string } }>(
    await request(agent, new URL("/trpc/auth.signup", url), {
      method: "POST",
      body: trpcBody({ email: "bench@example.com", password: "Quartz-Harbor-Lantern-2026!", fullName: "Bench" }),
    }),
    "auth.signup",
  );
  const authorization = `Bearer ${signup.accessToken}`;
  const workspace = trpcData<{ id: string }>(
    await request(agent, new URL("/trpc/workspaces.create", url), {
      method: "POST",
      headers: { authorization },
      body: trpcBody({ name: "Bench" }),
    }),
    "workspaces.create",
  );
  return { authorization, userId: signup.user.id, workspaceId: workspace.id };
}

export interface EmbeddedComparison {
  /** The server on Postgres, with its seeded account. */
  postgres: { server: MeetMindServer; account: Account };
  agent: http.Agent;
  workDir: string;
  meetings: number;
  connections: number;
  seconds: number;
  rounds: number;
  poolSize: number;
  signal: AbortSignal;
}

/** Starts the embedded server, seeds it, loads both in alternation; returns the row (subject: embedded). */
export async function compareEmbedded(options: EmbeddedComparison): Promise<ComparedRow> {
  progress("starting the server on its embedded PostgreSQL (node dist/main.js, no DATABASE_URL)");
  await mkdir(options.workDir, { recursive: true });
  const embedded = await startMeetMindServer({
    built: true,
    workDir: options.workDir,
    env: { DATABASE_POOL_SIZE: String(options.poolSize), ACCESS_TOKEN_TTL_SECONDS: "86400", BCRYPT_COST: "10" },
  });
  try {
    const account = await newAccount(options.agent, embedded.url);
    // The server wrote its database's URL (password included) where the db tools look for it.
    const state = JSON.parse(await readFile(path.join(options.workDir, "data", "embedded.json"), "utf8")) as { url: string };
    progress(`seeding ${options.meetings} meetings into the embedded database`);
    await seedWorkspace(state.url, account, options.meetings);

    const sides = {
      embedded: { server: embedded, account },
      Postgres: options.postgres,
    };
    const pathFor = (workspaceId: string) => {
      const url = trpcQueryUrl(new URL("http://x/"), "meetings.list", { workspaceId, limit: 50 });
      return `${url.pathname}${url.search}`;
    };
    const runs = await alternate(["embedded", "Postgres"] as const, options.rounds, async (side, round) => {
      progress(`meetings.list at ${options.connections} connections: ${side}, round ${round + 1} of ${options.rounds}`);
      const { server, account: who } = sides[side];
      return runLoad({
        url: server.url,
        paths: [pathFor(who.workspaceId)],
        headers: { authorization: who.authorization },
        connections: options.connections,
        seconds: options.seconds,
        cpuOf: server.pid,
        signal: options.signal,
      });
    });
    return {
      label: `\`meetings.list\`, 50 of ${options.meetings.toLocaleString("en")}, ${options.connections} connections`,
      subject: medianRun(runs.get("embedded") ?? []),
      baseline: medianRun(runs.get("Postgres") ?? []),
    };
  } finally {
    await embedded.shutdown();
  }
}

/** The report's section: the table, the ratio against the requirement. */
export function embeddedReport(row: ComparedRow, details: string): string {
  const value = Number(ratio(row));
  return [
    "\n## The embedded PostgreSQL against the Postgres server\n",
    `${details}\n`,
    ratioTable([row], { subject: "embedded", baseline: "Postgres" }),
    `\nEmbedded ÷ Postgres: **${value.toFixed(2)}×** (required: ≥ ${EMBEDDED_MIN_RATIO}; ${value >= EMBEDDED_MIN_RATIO ? "holds" : "DOES NOT HOLD"}). ` +
      "CPU ms/req is the server process's own; the database's is in its PostgreSQL processes.",
  ].join("\n");
}
