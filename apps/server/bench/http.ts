// HTTP read benchmark: the real server against a bare node:http + pg baseline doing the same work
// (bench/http/baseline/), side by side on this machine, in alternating runs.
//
// Seeds one workspace (--meetings, 3 participants each, 30 % with a transcript, 30 % with a summary
// and action items; bench/http/seed.ts), checks that both servers return the same objects for every
// call, then loads each call with autocannon (--connections keep-alive connections, --seconds per
// run, --rounds runs per side, alternating) and prints req/s, p50/p99, the ratio and the server's
// CPU ms per request, from the median run of each side. Progress goes to stderr, the report to stdout.
//
//   pnpm bench:http                       a fresh database on postgresql://postgres@127.0.0.1:5432/postgres
//   pnpm bench:http --quick               a smoke run: 1,000 meetings, 2 s runs, 1 round
//   options: --meetings 10000 --connections 64 --seconds 10 --rounds 3 --only meetings.list
//            --database-url URL (a server to create the scratch database on) --keep
//            --cpu-prof DIR (the server writes a V8 CPU profile there when it stops; open it in Chrome's DevTools)
//            --instances 2 (also: meetings.list on 2 server processes on the one database, load split
//            between them, against 1 process: the scale-out factor)
//            --embedded (also: meetings.list on the server's embedded PostgreSQL against the same server on
//            the Postgres server, at --embedded-connections 16, and the ratio; bench/http/embedded.ts)
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import superjson from "superjson";
import {
  alternate,
  freePort,
  interruption,
  keepAliveAgent,
  LOCAL_ADMIN_URL,
  loadAverage,
  machine,
  machineBusyMeter,
  medianRun,
  openScratchDatabase,
  parseOptions,
  progress,
  ratioTable,
  request,
  runLoad,
  runScript,
  SERVER_DIR,
  startMeetMindServer,
  startProcess,
  trpcQueryUrl,
  type ComparedRow,
  type LoadResult,
  type MeetMindServer,
  type RunningProcess,
} from "@meetmind/bench";
import { compareEmbedded, embeddedReport, newAccount } from "./http/embedded.js";
import { seedWorkspace, type BenchWorkspace } from "./http/seed.js";

const { args, size } = parseOptions({
  options: {
    meetings: { type: "string" },
    connections: { type: "string" },
    seconds: { type: "string" },
    rounds: { type: "string" },
    only: { type: "string" },
    instances: { type: "string" },
    "embedded-connections": { type: "string" },
    "database-url": { type: "string" },
    keep: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    embedded: { type: "boolean", default: false },
  },
  sizes: {
    meetings: { default: 10_000, quick: 1_000, min: 100, max: 1_000_000, integer: true },
    connections: { default: 64, quick: 16, min: 1, max: 1_000, integer: true },
    seconds: { default: 10, quick: 2, min: 1, max: 600 },
    rounds: { default: 3, quick: 1, min: 1, max: 20, integer: true },
    instances: { default: 1, min: 1, max: 8, integer: true },
    "embedded-connections": { default: 16, min: 1, max: 1_000, integer: true },
  },
  usage:
    "usage: pnpm bench:http [--quick] [--meetings 10000] [--connections 64] [--seconds 10] [--rounds 3] [--only meetings.list]\n" +
    "  [--database-url postgresql://...] [--keep] [--instances 2] [--embedded] [--embedded-connections 16] [--cpu-prof DIR]",
});

/** The same pool size for both servers: MeetMind's default. */
const POOL_SIZE = 10;

interface Call {
  label: string;
  procedure: string;
  /** Inputs the connections take in turn. */
  inputs: (w: BenchWorkspace) => Record<string, unknown>[];
}

const CALLS: Call[] = [
  { label: "`meetings.list`, 50 of N", procedure: "meetings.list", inputs: (w) => [{ workspaceId: w.workspaceId, limit: 50 }] },
  {
    label: "`meetings.get`",
    procedure: "meetings.get",
    inputs: (w) => w.meetingIds.map((meetingId) => ({ workspaceId: w.workspaceId, meetingId })),
  },
  {
    label: "`transcripts.get`, 200 segments",
    procedure: "transcripts.get",
    inputs: (w) => [{ workspaceId: w.workspaceId, meetingId: w.longTranscriptMeetingId, limit: 200 }],
  },
  {
    label: '`search.transcripts` "budget"',
    procedure: "search.transcripts",
    inputs: (w) => [{ workspaceId: w.workspaceId, query: "budget" }],
  },
  { label: "`actionItems.list`, 50", procedure: "actionItems.list", inputs: (w) => [{ workspaceId: w.workspaceId, limit: 50 }] },
];

const pathOf = (procedure: string, input: unknown) => {
  const url = trpcQueryUrl(new URL("http://x/"), procedure, input);
  return `${url.pathname}${url.search}`;
};

runScript(async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "meetmind-bench-http-"));
  const { signal, release } = interruption();
  const database = await openScratchDatabase({
    adminUrl: args["database-url"] ?? LOCAL_ADMIN_URL,
    purpose: "bench_http",
    keep: args.keep,
    progress,
  });
  let meetmind: Awaited<ReturnType<typeof startMeetMindServer>> | undefined;
  let baseline: RunningProcess | undefined;
  const extra: MeetMindServer[] = [];
  try {
    progress("starting the server (node dist/main.js)");
    meetmind = await startMeetMindServer({
      built: true,
      databaseUrl: database.url,
      workDir: tmp,
      env: {
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        ACCESS_TOKEN_TTL_SECONDS: "86400",
        BCRYPT_COST: "10",
      },
      ...(args["cpu-prof"] ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] } : {}),
    });
    const agent = keepAliveAgent();
    const account = await newAccount(agent, meetmind.url);
    const { authorization } = account;
    progress(`seeding ${size.meetings} meetings`);
    const seeded = await seedWorkspace(database.url, account, size.meetings);

    const port = await freePort();
    baseline = await startProcess({
      name: "the baseline",
      command: process.execPath,
      args: [
        ...(args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : []),
        "--import",
        "tsx",
        "bench/http/baseline/server.ts",
      ],
      cwd: SERVER_DIR,
      env: {
        DATABASE_URL: database.url,
        JWT_SECRET: meetmind.env.JWT_SECRET ?? "",
        PORT: String(port),
        POOL_SIZE: String(POOL_SIZE),
        TZ: "UTC",
      },
      healthUrl: new URL(`http://127.0.0.1:${port}/health/ready`),
      logFile: path.join(tmp, "baseline.log"),
    });
    const servers = {
      MeetMind: { url: meetmind.url, pid: meetmind.pid },
      baseline: { url: new URL(`http://127.0.0.1:${port}/`), pid: baseline.pid },
    };

    const calls = CALLS.filter((call) => !args.only || call.procedure === args.only);
    // Same objects from both, for every input the load will send.
    for (const call of calls) {
      for (const input of call.inputs(seeded).slice(0, 5)) {
        const [ours, theirs] = await Promise.all(
          Object.values(servers).map(async ({ url }) => {
            const reply = await request(agent, new URL(pathOf(call.procedure, input), url), { headers: { authorization } });
            const body = JSON.parse(reply.body) as { result?: { data?: Parameters<typeof superjson.deserialize>[0] } };
            if (reply.status !== 200 || !body.result?.data)
              throw new Error(`${call.procedure} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
            return superjson.deserialize(body.result.data);
          }),
        );
        if (!isDeepStrictEqual(JSON.parse(JSON.stringify(ours)), JSON.parse(JSON.stringify(theirs)))) {
          throw new Error(
            `${call.procedure}: the baseline's answer differs from MeetMind's for ${JSON.stringify(input)}:\n` +
              `MeetMind: ${JSON.stringify(ours).slice(0, 600)}\nbaseline: ${JSON.stringify(theirs).slice(0, 600)}`,
          );
        }
      }
    }
    progress("both servers return the same objects");

    const rows: ComparedRow[] = [];
    for (const call of calls) {
      const paths = call.inputs(seeded).map((input) => pathOf(call.procedure, input));
      const runs = await alternate(["MeetMind", "baseline"] as const, size.rounds, async (side, round) => {
        progress(`${call.procedure}: ${side}, round ${round + 1} of ${size.rounds}`);
        const server = servers[side];
        return runLoad({
          url: server.url,
          paths,
          headers: { authorization },
          connections: size.connections,
          seconds: size.seconds,
          cpuOf: server.pid,
          signal,
        });
      });
      const median = (side: "MeetMind" | "baseline"): LoadResult => medianRun(runs.get(side) ?? []);
      rows.push({
        label: call.label.replace("N", size.meetings.toLocaleString("en")),
        subject: median("MeetMind"),
        baseline: median("baseline"),
      });
    }

    console.log(`## HTTP reads: MeetMind against a node:http + pg baseline\n`);
    console.log(
      `${new Date().toISOString().slice(0, 10)}, ${machine()}, ${database.label}; ${size.meetings.toLocaleString("en")} meetings, ` +
        `${size.connections} connections, ${size.seconds} s runs, median of ${size.rounds} alternating rounds; both pools ${POOL_SIZE}; ` +
        `load average after the runs ${loadAverage()}.\n`,
    );
    console.log(ratioTable(rows));

    if (size.instances > 1) {
      const first = meetmind;
      // Nothing but Postgres holds shared state, so more processes on the one database should add
      // throughput: each gets an equal share of the connections (as a round-robin balancer would).
      for (let i = 1; i < size.instances; i++) {
        progress(`starting server ${i + 1} of ${size.instances}`);
        const workDir = path.join(tmp, `instance-${i + 1}`);
        await mkdir(workDir, { recursive: true });
        extra.push(
          await startMeetMindServer({
            built: true,
            databaseUrl: database.url,
            workDir,
            env: { DATABASE_POOL_SIZE: String(POOL_SIZE), ACCESS_TOKEN_TTL_SECONDS: "86400", JWT_SECRET: first.env.JWT_SECRET ?? "" },
          }),
        );
      }
      const instances = [first, ...extra];
      const paths = [pathOf("meetings.list", { workspaceId: seeded.workspaceId, limit: 50 })];
      const load = (url: URL, connections: number) =>
        runLoad({ url, paths, headers: { authorization }, connections, seconds: size.seconds, signal });
      // Each run also says how busy the whole machine was: a second process can only add what the
      // first left idle (the load generator and Postgres share the same cores).
      const runs = await alternate(["one", "all"] as const, size.rounds, async (side, round) => {
        progress(
          `meetings.list on ${side === "one" ? "1 process" : `${instances.length} processes`}, round ${round + 1} of ${size.rounds}`,
        );
        const busy = machineBusyMeter();
        if (side === "one") {
          const perSecond = (await load(first.url, size.connections)).perSecond;
          return { perSecond, busy: busy.stop() };
        }
        const share = Math.max(1, Math.floor(size.connections / instances.length));
        const results = await Promise.all(instances.map((server) => load(server.url, share)));
        return { perSecond: results.reduce((sum, result) => sum + result.perSecond, 0), busy: busy.stop() };
      });
      const medianOf = (values: { perSecond: number; busy: number }[] = []) =>
        [...values].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((values.length - 1) / 2)] ?? { perSecond: 0, busy: Number.NaN };
      const one = medianOf(runs.get("one"));
      const all = medianOf(runs.get("all"));
      const percent = (share: number) => `${(share * 100).toFixed(0)} %`;
      console.log(
        `\nScale-out, \`meetings.list\`: ${instances.length} processes ${all.perSecond.toFixed(0)} req/s (machine ${percent(all.busy)} busy), ` +
          `1 process ${one.perSecond.toFixed(0)} req/s (machine ${percent(one.busy)} busy): **${(all.perSecond / one.perSecond).toFixed(2)}×** ` +
          `(median of ${size.rounds}). The most more processes could add on this machine: ${(1 / one.busy).toFixed(2)}× ` +
          `(all ${os.cpus().length} cores busy), with the load generator and Postgres on the same cores.`,
      );
    }

    if (args.embedded) {
      const row = await compareEmbedded({
        postgres: { server: meetmind, account },
        agent,
        workDir: path.join(tmp, "embedded"),
        meetings: size.meetings,
        connections: size["embedded-connections"],
        seconds: size.seconds,
        rounds: size.rounds,
        poolSize: POOL_SIZE,
        signal,
      });
      console.log(
        embeddedReport(
          row,
          `Both servers \`node dist/main.js\`, pool ${POOL_SIZE}, ${size.meetings.toLocaleString("en")} meetings each; Postgres: ` +
            `${database.label}; median of ${size.rounds} alternating ${size.seconds} s runs; load average after the runs ${loadAverage()}.`,
        ),
      );
    }
  } finally {
    release();
    await baseline?.stop(10_000);
    for (const server of extra) await server.shutdown();
    await meetmind?.shutdown();
    await database.close();
    if (!args.keep) await rm(tmp, { recursive: true, force: true });
  }
});
