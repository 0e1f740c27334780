// Login benchmark: does the event loop stay responsive while a stream of logins keeps bcrypt busy?
//
// Starts the real server in its own process (so this load generator's event loop cannot distort
// the server's latency), signs up users, then for --seconds sends logins on a fixed open-loop
// schedule (arrivals never wait for completions) while probing `health.ready` and `users.me`; then
// waits for every login still queued in the server, so that it stops with nothing left to do.
// Prints a markdown report on stdout (progress goes to stderr). Exit code 1 only if it could not
// run; the PASS/FAIL verdict (probe p99 < 50 ms) is informational.
//
//   pnpm bench:login                         the embedded PostgreSQL in a fresh temp data dir
//   pnpm bench:login --postgres              a fresh database on postgresql://postgres@127.0.0.1:5432/postgres
//   pnpm bench:login --database-url URL      a fresh database on the server at URL (any database there to connect to)
//   pnpm bench:login --quick                 a smoke run: 3 s at 4 logins/s, bcrypt cost 10
//   options: --seconds 20 --rate 12 --users N (default: enough that no account gets more than 4 logins)
//            --probe-interval-ms 50 --bcrypt-cost 12 --workers 0 --log-level info --drain-seconds 300
//            --built (run dist/main.js) --keep (keep the temp dir)
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuMeter,
  duration,
  errorCount,
  formatErrors,
  interruption,
  keepAliveAgent,
  keyValueTable,
  LOCAL_ADMIN_URL,
  machine,
  openScratchDatabase,
  parseOptions,
  postgresVersion,
  probeEvery,
  progress,
  request,
  runScript,
  spread,
  startMeetMindServer,
  summarize,
  table,
  trpcData,
  trpcErrorCode,
  type MeetMindServer,
  type ProbeResult,
  type Reply,
  type ScratchDatabase,
} from "@meetmind/bench";

const TARGET_P99_MS = 50;
/**
 * Logins per account in the window. The per-account limit reserves an attempt before the password
 * check (5 at most), so more logins than this queued at once for one account would be refused.
 */
const LOGINS_PER_USER = 4;

// ---------------------------------------------------------------- options

const { args, size } = parseOptions({
  options: {
    seconds: { type: "string" },
    rate: { type: "string" },
    users: { type: "string" },
    "probe-interval-ms": { type: "string" },
    "bcrypt-cost": { type: "string" },
    workers: { type: "string" },
    "drain-seconds": { type: "string" },
    "log-level": { type: "string", default: "info" },
    postgres: { type: "boolean", default: false },
    "database-url": { type: "string" },
    built: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
  sizes: {
    seconds: { default: 20, quick: 3, min: 1, max: 3600 },
    rate: { default: 12, quick: 4, min: 0.1, max: 1000 },
    users: { default: 0, min: 0, max: 10_000, integer: true },
    "probe-interval-ms": { default: 50, min: 1, max: 10_000 },
    "bcrypt-cost": { default: 12, quick: 10, min: 4, max: 15, integer: true },
    workers: { default: 0, min: 0, max: 64, integer: true },
    "drain-seconds": { default: 300, min: 0, max: 3600 },
  },
  usage:
    "usage: pnpm bench:login [--quick] [--seconds 20] [--rate 12] [--users N] [--probe-interval-ms 50] [--bcrypt-cost 12]\n" +
    "  [--workers 0] [--log-level info] [--drain-seconds 300] [--postgres | --database-url postgresql://...] [--built] [--keep]",
});
const options = {
  seconds: size.seconds,
  rate: size.rate,
  totalLogins: Math.floor(size.seconds * size.rate),
  users: size.users || Math.max(4, Math.ceil((size.seconds * size.rate) / LOGINS_PER_USER)),
  probeIntervalMs: size["probe-interval-ms"],
  bcryptCost: size["bcrypt-cost"],
  workers: size.workers,
  drainSeconds: size["drain-seconds"],
  logLevel: args["log-level"],
  adminUrl: args["database-url"] ?? (args.postgres ? LOCAL_ADMIN_URL : undefined),
  built: args.built,
  keep: args.keep,
};

// ---------------------------------------------------------------- the run

runScript(async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "meetmind-bench-"));
  const { signal, release } = interruption();
  let database: ScratchDatabase | undefined;
  let server: MeetMindServer | undefined;
  try {
    database = options.adminUrl ? await openScratchDatabase({ adminUrl: options.adminUrl, purpose: "bench_login", progress }) : undefined;
    const databaseLabel = options.adminUrl
      ? `PostgreSQL ${await postgresVersion(options.adminUrl)} at ${new URL(options.adminUrl).host}, ${database?.label ?? ""}; server pool DATABASE_POOL_SIZE=10`
      : "embedded PostgreSQL 17 (the server's child processes), fresh data dir";
    progress(
      `starting the server (${options.built ? "dist/main.js" : "src/main.ts via tsx"}, ${database ? "Postgres" : "embedded"} database)`,
    );
    server = await startMeetMindServer({
      built: options.built,
      databaseUrl: database?.url,
      workDir: tmp,
      logLevel: options.logLevel,
      env: { BCRYPT_COST: String(options.bcryptCost), PASSWORD_WORKERS: String(options.workers) },
    });
    progress(`server healthy on ${server.url.href} after ${duration(server.startMs)}; pid ${server.pid}`);

    const runId = randomBytes(4).toString("hex");
    const users: BenchUser[] = Array.from({ length: options.users }, (_, i) => ({
      email: `bench-${runId}-${i}@example.com`,
      ip: clientIp(i),
    }));
    const reader: BenchUser = { email: `bench-${runId}-reader@example.com`, ip: clientIp(0, 78) };
    progress(`signing up ${users.length} users and a reader (bcrypt cost ${options.bcryptCost})`);
    const signupStarted = performance.now();
    const setup = await signUpAll(server.url, users, reader);
    progress(`signed up ${users.length + 1} users in ${duration(performance.now() - signupStarted)}`);
    if (signal.aborted) return;

    const calls = benchCalls(server.url, setup.accessToken, reader);
    await warmUp(calls, users);
    const window = await measureWindow(calls, users, server.pid, signal);
    await drain(window, signal);
    calls.close();
    process.stdout.write(`${report(window, databaseLabel, server, setup.retries)}\n`);
  } finally {
    await server?.shutdown();
    await database?.close().catch((error: unknown) => progress(`could not drop the database: ${String(error)}`));
    if (options.keep) progress(`kept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
    release();
  }
});

// ---------------------------------------------------------------- users and calls

// Random digits between letters no dictionary has: the password policy refuses common words.
const PASSWORD = `Xq-${String(randomBytes(4).readUInt32BE()).padStart(10, "0")}-Wz#`;

interface BenchUser {
  email: string;
  ip: string;
}

/** A distinct client address per simulated client; the server trusts X-Forwarded-For from loopback. */
function clientIp(index: number, block = 77): string {
  return `10.${block}.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/**
 * Signs everyone up (a few at a time: each is a bcrypt hash on a pool of one thread per core) and
 * returns the reader's access token. A sign-up answered with a server error is retried: it counts
 * as done when the retry finds the address taken (the first attempt got as far as creating it).
 */
async function signUpAll(base: URL, users: BenchUser[], reader: BenchUser): Promise<{ accessToken: string; retries: string[] }> {
  const agent = keepAliveAgent();
  const retries: string[] = [];
  const signUp = async (user: BenchUser) => {
    for (let attempt = 1; ; attempt++) {
      const reply = await request(agent, new URL("/trpc/auth.signup", base), {
        method: "POST",
        headers: { "x-forwarded-for": user.ip },
        body: { json: { email: user.email, password: PASSWORD, fullName: "Bench User" } },
        timeoutMs: 60_000,
      });
      if (reply.status === 200) return;
      const code = trpcErrorCode(reply);
      if (attempt > 1 && code === "email_taken") return;
      if (reply.status < 500 || attempt === 3) trpcData(reply, `auth.signup ${user.email}`);
      retries.push(code);
      await sleep(500);
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let user = users[next++]; user; user = users[next++]) await signUp(user);
    }),
  );
  await signUp(reader);
  const reply = await request(agent, new URL("/trpc/auth.login", base), {
    method: "POST",
    headers: { "x-forwarded-for": reader.ip },
    body: { json: { email: reader.email, password: PASSWORD } },
    timeoutMs: 60_000,
  });
  agent.destroy();
  return { accessToken: trpcData<{ accessToken: string }>(reply, "auth.login (reader)").accessToken, retries };
}

interface BenchCalls {
  login: (user: BenchUser) => Promise<Reply>;
  /** Probes resolve to an error code, or undefined when answered 200. */
  probeReady: () => Promise<string | undefined>;
  probeMe: () => Promise<string | undefined>;
  /** Aborts whatever is still in flight. */
  close: () => void;
}

function benchCalls(base: URL, accessToken: string, reader: BenchUser): BenchCalls {
  const loginAgent = keepAliveAgent(); // as many sockets as logins in flight
  // One keep-alive socket per probe: each probe runs one call at a time.
  const readyAgent = keepAliveAgent(1);
  const meAgent = keepAliveAgent(1);
  const probe = async (agent: http.Agent, url: URL, headers: Record<string, string> = {}) => {
    const reply = await request(agent, url, { headers, timeoutMs: 10_000 });
    return reply.status === 200 ? undefined : trpcErrorCode(reply);
  };
  return {
    login: (user) =>
      request(loginAgent, new URL("/trpc/auth.login", base), {
        method: "POST",
        headers: { "x-forwarded-for": user.ip, "user-agent": "meetmind-bench" },
        body: { json: { email: user.email, password: PASSWORD } },
      }),
    probeReady: () => probe(readyAgent, new URL("/trpc/health.ready", base)),
    probeMe: () =>
      probe(meAgent, new URL("/trpc/users.me", base), { authorization: `Bearer ${accessToken}`, "x-forwarded-for": reader.ip }),
    close() {
      for (const agent of [loginAgent, readyAgent, meAgent]) agent.destroy();
    },
  };
}

/** Not measured: connections, JIT, the session cache, a login through a worker. Errors here are not fatal. */
async function warmUp(calls: BenchCalls, users: BenchUser[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await calls.probeReady().catch(() => undefined);
    await calls.probeMe().catch(() => undefined);
  }
  for (const user of users.slice(0, 2)) await calls.login(user).catch(() => undefined);
  await sleep(1000);
}

// ---------------------------------------------------------------- the measured window

interface LoginOutcome {
  dueAt: number;
  sentLagMs: number;
  doneAt?: number;
  ms?: number;
  ok?: boolean;
  code?: string;
}

interface Window {
  t0: number;
  windowMs: number;
  outcomes: LoginOutcome[];
  inFlight: Set<Promise<void>>;
  inFlightAtEnd: number;
  ready: ProbeResult;
  me: ProbeResult;
  serverCpuPercent: number;
  benchCpuPercent: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** Set once the bench gave up on the logins still in flight: their network errors are "unfinished". */
  abandoned: boolean;
}

async function measureWindow(calls: BenchCalls, users: BenchUser[], serverPid: number, signal: AbortSignal): Promise<Window> {
  progress(
    `running ${options.seconds} s: ${options.totalLogins} logins at ${options.rate}/s (open loop), probes every ${options.probeIntervalMs} ms`,
  );
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const benchCpu = await cpuMeter();
  const serverCpu = await cpuMeter(serverPid);
  const t0 = performance.now();
  const windowMs = options.seconds * 1000;
  // Shared with the logins' callbacks, which read `abandoned` after this returns.
  const window = { t0, outcomes: [] as LoginOutcome[], inFlight: new Set<Promise<void>>(), abandoned: false };

  // Logins on schedule, whether or not earlier ones were answered.
  const stream = (async () => {
    for (let i = 0; i < options.totalLogins && !signal.aborted; i++) {
      const dueAt = t0 + (i * 1000) / options.rate;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      const outcome: LoginOutcome = { dueAt, sentLagMs: performance.now() - dueAt };
      window.outcomes.push(outcome);
      const pending = calls.login(users[i % users.length] as BenchUser).then(
        (reply) => {
          outcome.doneAt = performance.now();
          outcome.ms = reply.ms;
          outcome.ok = reply.status === 200;
          if (!outcome.ok) outcome.code = trpcErrorCode(reply);
        },
        (error: unknown) => {
          outcome.doneAt = performance.now();
          outcome.ok = false;
          outcome.code = window.abandoned ? "unfinished" : `network: ${error instanceof Error ? error.message : String(error)}`;
        },
      );
      const tracked = pending.finally(() => window.inFlight.delete(tracked));
      window.inFlight.add(tracked);
    }
  })();
  const probing = { until: t0 + windowMs, intervalMs: options.probeIntervalMs, signal };
  const [ready, me] = await Promise.all([
    probeEvery(calls.probeReady, { ...probing, startAt: t0 }),
    probeEvery(calls.probeMe, { ...probing, startAt: t0 + options.probeIntervalMs / 2 }),
    stream,
  ]);
  const server = await serverCpu.stop();
  const bench = await benchCpu.stop();
  loopDelay.disable();
  return Object.assign(window, {
    windowMs: performance.now() - t0,
    inFlightAtEnd: window.inFlight.size,
    ready,
    me,
    serverCpuPercent: server.percent,
    benchCpuPercent: bench.percent,
    loopP99Ms: loopDelay.percentile(99) / 1e6,
    loopMaxMs: loopDelay.max / 1e6,
  });
}

/**
 * Lets the logins still queued in the server finish (bounded by --drain-seconds), so their latency
 * is known and the server is stopped with no work left (a stop with hashes still queued waits for them).
 */
async function drain(window: Window, signal: AbortSignal): Promise<void> {
  if (window.inFlight.size > 0 && !signal.aborted) {
    progress(`window over; waiting up to ${options.drainSeconds} s for ${window.inFlight.size} logins still in flight`);
    const deadline = performance.now() + options.drainSeconds * 1000;
    while (window.inFlight.size > 0 && performance.now() < deadline && !signal.aborted) {
      await Promise.race([Promise.allSettled([...window.inFlight]), sleep(10_000)]);
      if (window.inFlight.size > 0) progress(`  ${window.inFlight.size} logins still in flight`);
    }
  }
  window.abandoned = true;
  if (window.inFlight.size > 0) progress(`gave up on ${window.inFlight.size} logins; the server may take long to stop`);
}

// ---------------------------------------------------------------- report

function report(window: Window, databaseLabel: string, server: MeetMindServer, signupRetries: string[]): string {
  const { t0, windowMs, outcomes, ready, me } = window;
  const succeeded = outcomes.filter((o) => o.ok);
  const failures = new Map<string, number>();
  for (const o of outcomes) if (!o.ok) failures.set(o.code ?? "unfinished", (failures.get(o.code ?? "unfinished") ?? 0) + 1);
  const inWindow = succeeded.filter((o) => (o.doneAt ?? Infinity) <= t0 + windowMs).length;
  const lastDone = Math.max(t0, ...succeeded.map((o) => o.doneAt ?? t0));
  const throughput = (inWindow / (windowMs / 1000)).toFixed(2);
  const loginLatency = summarize(succeeded.map((o) => o.ms ?? 0));
  const firstHalf = summarize(succeeded.filter((o) => o.dueAt < t0 + windowMs / 2).map((o) => o.ms ?? 0));
  const sendLag = summarize(outcomes.map((o) => o.sentLagMs));
  const readySummary = summarize(ready.samples);
  const meSummary = summarize(me.samples);
  const verdict = (probe: ProbeResult) => {
    const s = summarize(probe.samples);
    return s.count > 0 && errorCount(probe) === 0 && s.p99 < TARGET_P99_MS ? "PASS" : "FAIL";
  };
  const cpus = os.cpus().length;
  // The server decides for PASSWORD_WORKERS=0 (one per core, less one on the embedded database).
  const threads = typeof server.listening.passwordThreads === "number" ? server.listening.passwordThreads : options.workers || "?";
  const probeRow = (name: string, probe: ProbeResult) => {
    const s = summarize(probe.samples);
    return [name, s.count, errorCount(probe), ...spread(s).split(" / "), `**${verdict(probe)}**`];
  };

  const lines = [
    `#### Login benchmark: ${options.adminUrl ? "PostgreSQL" : "embedded PostgreSQL"}, bcrypt cost ${options.bcryptCost}, ${cpus} CPUs`,
    "",
    keyValueTable(
      ["setting", "value"],
      [
        [
          "machine",
          `${machine()}; load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")} at the end`,
        ],
        ["server", `its own process (${server.how}), NODE_ENV=production, LOG_LEVEL=${options.logLevel}`],
        ["database", databaseLabel],
        [
          "password hashing",
          `bcryptjs cost ${options.bcryptCost} on ${threads} worker thread${threads === 1 ? "" : "s"} (piscina, PASSWORD_WORKERS=${options.workers})`,
        ],
        [
          "login stream",
          `${options.rate}/s open loop (sent on schedule, not after the previous answer) for ${options.seconds} s, ${options.users} users, one client IP each`,
        ],
        [
          "probes",
          `\`GET /trpc/health.ready\` and \`GET /trpc/users.me\` (Bearer), each every ${options.probeIntervalMs} ms, one at a time, keep-alive`,
        ],
      ],
    ),
    "",
    keyValueTable(
      ["logins", "value"],
      [
        ["attempted", outcomes.length],
        ["succeeded", succeeded.length],
        ["failed", `${outcomes.length - succeeded.length}${formatErrors(failures)}`],
        [`**throughput** (successful logins completed within the ${options.seconds} s window)`, `**${throughput}/s** (${inWindow})`],
        [
          "still queued at the end of the window",
          `${window.inFlightAtEnd} (all answered ${((lastDone - t0) / 1000).toFixed(1)} s after the start${failures.has("unfinished") ? ", some abandoned" : ""})`,
        ],
        ["overall rate (all successful logins / time to the last answer)", `${(succeeded.length / ((lastDone - t0) / 1000)).toFixed(2)}/s`],
        ["latency p50 / p95 / p99 / max (all), ms", spread(loginLatency)],
        ["latency p50 (logins sent in the first half of the window), ms", spread(firstHalf, ["p50"])],
      ],
    ),
    "",
    table(
      ["probe", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", `p99 < ${TARGET_P99_MS} ms`],
      [probeRow("`health.ready`", ready), probeRow("`users.me`", me)],
      ["l", "r", "r", "r", "r", "r", "r", "c"],
    ),
    "",
    `Server CPU during the window: ${window.serverCpuPercent.toFixed(0)}% (of ${cpus * 100}%). ` +
      `Load generator: ${window.benchCpuPercent.toFixed(0)}% CPU, event-loop delay p99 ${duration(window.loopP99Ms)} (max ${duration(window.loopMaxMs)}), ` +
      `login send lag p99 ${duration(sendLag.p99)} (max ${duration(sendLag.max)}), probe overruns ${ready.overruns + me.overruns}.`,
    "",
    `**${verdict(ready) === "PASS" && verdict(me) === "PASS" ? "PASS" : "FAIL"}**: p99 of \`health.ready\` ${duration(readySummary.p99)} ` +
      `and of \`users.me\` ${duration(meSummary.p99)} (target < ${TARGET_P99_MS} ms each) under ${options.rate} logins/s; login throughput ${throughput}/s.`,
  ];
  if (signupRetries.length > 0) {
    lines.push(
      "",
      `Setup: ${signupRetries.length} sign-up${signupRetries.length === 1 ? " was" : "s were"} retried after server errors (${signupRetries.join(", ")}).`,
    );
  }
  if (ready.errors.size + me.errors.size > 0)
    lines.push("", `Probe errors: health.ready${formatErrors(ready.errors)}; users.me${formatErrors(me.errors)}.`);
  return lines.join("\n");
}
