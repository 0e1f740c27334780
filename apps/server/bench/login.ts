// Login benchmark: does the event loop stay responsive while a stream of logins keeps bcrypt busy?
//
// Starts the real server in its own process (so this load generator's event loop cannot distort
// the server's latency), signs up users, then for --seconds sends logins on a fixed open-loop
// schedule (arrivals never wait for completions) while probing `health.ready` and `users.me`.
// Prints a markdown report on stdout (progress goes to stderr). Exit code 1 only if it could not
// run; the PASS/FAIL verdict (probe p99 < 50 ms) is informational.
//
//   pnpm bench:login                         embedded PGlite in a fresh temp data dir
//   pnpm bench:login --postgres              a fresh database on postgresql://postgres@127.0.0.1:5432/postgres
//   pnpm bench:login --database-url URL      a fresh database on the server at URL (any database there to connect to)
//   options: --seconds 20 --rate 12 --users 50 --probe-interval-ms 50 --bcrypt-cost 12 --workers 0
//            --log-level info --drain-seconds 120 --built (run dist/main.js) --keep (keep the temp dir)
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const TARGET_P99_MS = 50;

// ---------------------------------------------------------------- options

// `pnpm bench:login -- --postgres` hands the script a literal "--" first: skip it.
const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();

const { values: args } = parseArgs({
  args: argv,
  options: {
    seconds: { type: "string", default: "20" },
    rate: { type: "string", default: "12" },
    users: { type: "string", default: "50" },
    "probe-interval-ms": { type: "string", default: "50" },
    "bcrypt-cost": { type: "string", default: "12" },
    workers: { type: "string", default: "0" },
    "log-level": { type: "string", default: "info" },
    "drain-seconds": { type: "string", default: "120" },
    postgres: { type: "boolean", default: false },
    "database-url": { type: "string" },
    built: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.error(
    "usage: tsx --conditions=@meetmind/source bench/login.ts [--seconds 20] [--rate 12] [--users 50]\n" +
      "  [--probe-interval-ms 50] [--bcrypt-cost 12] [--workers 0] [--log-level info] [--drain-seconds 120]\n" +
      "  [--postgres | --database-url postgresql://...] [--built] [--keep]",
  );
  process.exit(0);
}

function numberOption(name: keyof typeof args, min: number, max: number, integer = false): number {
  const raw = args[name];
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? "an integer" : "a number"} between ${min} and ${max}, got ${String(raw)}`);
  }
  return value;
}

const options = {
  seconds: numberOption("seconds", 1, 3600),
  rate: numberOption("rate", 0.1, 1000),
  users: numberOption("users", 1, 10_000, true),
  probeIntervalMs: numberOption("probe-interval-ms", 1, 10_000),
  bcryptCost: numberOption("bcrypt-cost", 4, 15, true),
  workers: numberOption("workers", 0, 64, true),
  drainSeconds: numberOption("drain-seconds", 0, 3600),
  logLevel: args["log-level"] ?? "info",
  adminUrl: args["database-url"] ?? (args.postgres ? DEFAULT_ADMIN_URL : undefined),
  built: args.built ?? false,
  keep: args.keep ?? false,
};

const progress = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------- statistics

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] ?? Number.NaN;
}

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function ms(value: number): string {
  if (Number.isNaN(value)) return "–";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

// ---------------------------------------------------------------- HTTP

interface Reply {
  status: number;
  body: string;
  /** From just before the request was written to the end of the response body. */
  ms: number;
}

function request(
  agent: http.Agent,
  url: URL,
  init: { method: "GET" | "POST"; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<Reply> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers: Record<string, string | number> = { ...init.headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method: init.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }),
      );
    });
    req.on("error", reject);
    req.setTimeout(init.timeoutMs ?? 300_000, () => req.destroy(new Error(`no answer within ${init.timeoutMs ?? 300_000} ms`)));
    req.end(body);
  });
}

/** tRPC (superjson) answers: `{ result: { data: { json } } }` or `{ error: { json: { message, data: { appCode } } } }`. */
function trpcData<T>(reply: Reply, what: string): T {
  const parsed = JSON.parse(reply.body) as { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } };
  if (reply.status !== 200 || parsed.result?.data?.json === undefined) {
    throw new Error(`${what} failed: HTTP ${reply.status} ${parsed.error?.json?.message ?? reply.body.slice(0, 300)}`);
  }
  return parsed.result.data.json;
}

function trpcErrorCode(reply: Reply): string {
  try {
    const parsed = JSON.parse(reply.body) as { error?: { json?: { data?: { appCode?: string; code?: string } } } };
    return parsed.error?.json?.data?.appCode ?? parsed.error?.json?.data?.code ?? `http_${reply.status}`;
  } catch {
    return `http_${reply.status}`;
  }
}

/** A distinct client address per simulated client; the server trusts X-Forwarded-For from loopback. */
function clientIp(index: number, block = 77): string {
  return `10.${block}.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

// ---------------------------------------------------------------- database

interface Database {
  mode: "embedded" | "postgres";
  label: string;
  /** DATABASE_URL for the server; undefined = embedded PGlite in the data dir. */
  url?: string;
  drop(): Promise<void>;
}

async function createDatabase(adminUrl: string | undefined): Promise<Database> {
  if (!adminUrl) {
    return { mode: "embedded", label: "embedded PGlite (WebAssembly, in the server process), fresh data dir", drop: async () => {} };
  }
  // Through the workspace's own Prisma client factory: no driver of our own to depend on.
  const { createPrismaClient } = await import("@meetmind/db");
  const name = `meetmind_bench_${randomBytes(6).toString("hex")}`;
  const admin = createPrismaClient(adminUrl, { poolSize: 1 });
  let version = "?";
  try {
    const rows = await admin.$queryRawUnsafe<{ server_version: string }[]>("SHOW server_version");
    version = rows[0]?.server_version.split(" ")[0] ?? "?";
    // Identifiers cannot be bound as parameters; the name is generated above, never input.
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.$disconnect();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const host = `${url.hostname}:${url.port || "5432"}`;
  progress(`created database ${name} on ${host}`);
  return {
    mode: "postgres",
    label: `PostgreSQL ${version} at ${host}, fresh database (server pool: DATABASE_POOL_SIZE=10)`,
    url: url.toString(),
    async drop() {
      const dropper = createPrismaClient(adminUrl, { poolSize: 1 });
      try {
        await dropper.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        progress(`dropped database ${name}`);
      } finally {
        await dropper.$disconnect();
      }
    },
  };
}

// ---------------------------------------------------------------- server process

interface ServerProcess {
  child: ChildProcess;
  url: URL;
  logFile: string;
  stop(): Promise<void>;
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function startServer(tmp: string, database: Database): Promise<ServerProcess> {
  const logFile = path.join(tmp, "server.log");
  const log = await open(logFile, "w");
  // A fully explicit environment: nothing from the caller's shell (DATABASE_URL, REDIS_URL,
  // SMTP_URL, ...) leaks into the measurement. Production mode, as deployed.
  const env: Record<string, string> = {
    NODE_ENV: "production",
    JWT_SECRET: randomBytes(32).toString("hex"),
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: options.logLevel,
    SEED_DEMO: "false",
    BCRYPT_COST: String(options.bcryptCost),
    PASSWORD_WORKERS: String(options.workers),
    DATA_DIR: path.join(tmp, "data"),
    TZ: "UTC",
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  };
  // Without info-level logs there is no "listening" line to read the port from: choose it here.
  const logsListening = ["info", "debug", "trace"].includes(options.logLevel);
  if (!logsListening) env.PORT = String(await freePort());
  const argv = options.built
    ? ["dist/main.js"]
    : ["--conditions=@meetmind/source", "--import", "tsx", "src/main.ts"];
  // Logs go to a file, not a pipe: a pipe we stopped reading would block the server's writes.
  const child = spawn(process.execPath, argv, { cwd: SERVER_DIR, env, stdio: ["ignore", log.fd, log.fd] });
  await log.close();
  let exited = false;
  const exit = once(child, "exit").then(() => {
    exited = true;
  });

  const deadline = performance.now() + 180_000;
  const pollAgent = probeAgent();
  let url: URL | undefined;
  while (!url) {
    if (exited) throw new Error(`the server exited during startup (code ${String(child.exitCode)}):\n${await tail(logFile)}`);
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not start within 180 s:\n${await tail(logFile)}`);
    }
    if (logsListening) {
      const text = await readFile(logFile, "utf8").catch(() => "");
      const match = /MeetMind listening on (http:\/\/[^\s"]+)/.exec(text);
      if (match?.[1]) url = new URL(match[1]);
    } else {
      const candidate = new URL(`http://127.0.0.1:${env.PORT}`);
      const reply = await request(pollAgent, new URL("/health", candidate), { method: "GET", timeoutMs: 1000 }).catch(() => undefined);
      if (reply?.status === 200) url = candidate;
    }
    if (!url) await sleep(100);
  }
  pollAgent.destroy();

  return {
    child,
    url,
    logFile,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const stopped = await Promise.race([exit.then(() => true), sleep(30_000).then(() => false)]);
      if (!stopped) {
        progress("the server did not stop within 30 s of SIGTERM; killing it");
        child.kill("SIGKILL");
        await exit;
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Keep-alive, one socket: each probe type is sequential, so it reuses its one connection. */
function probeAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

/** CPU seconds (user + system, all threads: main, bcrypt workers, PGlite) used so far by a process. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

async function processCpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5) (utime, stime); `fields` starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the benchmark

// Random digits between letters no dictionary has: the password policy refuses common words.
const PASSWORD = `Xq-${String(randomBytes(4).readUInt32BE()).padStart(10, "0")}-Wz#`;

interface BenchUser {
  email: string;
  ip: string;
}

/**
 * Signs everyone up (a few at a time: each is a bcrypt hash on a pool of one thread per core) and
 * returns the reader's access token. A sign-up answered with a server error is retried: it counts
 * as done when the retry finds the address taken (the first attempt got as far as creating it).
 */
async function signupAll(base: URL, users: BenchUser[], reader: BenchUser): Promise<{ accessToken: string; retries: string[] }> {
  const agent = new http.Agent({ keepAlive: true });
  const retries: string[] = [];
  const signup = async (user: BenchUser) => {
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
      for (let user = users[next++]; user; user = users[next++]) await signup(user);
    }),
  );
  await signup(reader);
  const { accessToken } = trpcData<{ accessToken: string }>(
    await request(agent, new URL("/trpc/auth.login", base), {
      method: "POST",
      headers: { "x-forwarded-for": reader.ip },
      body: { json: { email: reader.email, password: PASSWORD } },
      timeoutMs: 60_000,
    }),
    "auth.login (reader)",
  );
  agent.destroy();
  return { accessToken, retries };
}

interface LoginOutcome {
  dueAt: number;
  sentLagMs: number;
  doneAt?: number;
  ms?: number;
  ok?: boolean;
  code?: string;
}

async function run(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "meetmind-bench-"));
  let database: Database | undefined;
  let server: ServerProcess | undefined;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    progress("interrupted; stopping");
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    database = await createDatabase(options.adminUrl);
    progress(`starting the server (${options.built ? "dist/main.js" : "src/main.ts via tsx"}, ${database.mode} database)`);
    const startedAt = performance.now();
    server = await startServer(tmp, database);
    const base = server.url;
    progress(`server listening on ${base.href} after ${ms(performance.now() - startedAt)}; pid ${server.child.pid ?? "?"}`);

    // ---- users
    const runId = randomBytes(4).toString("hex");
    const users: BenchUser[] = Array.from({ length: options.users }, (_, i) => ({
      email: `bench-${runId}-${i}@example.com`,
      ip: clientIp(i),
    }));
    const reader: BenchUser = { email: `bench-${runId}-reader@example.com`, ip: clientIp(0, 78) };
    progress(`signing up ${users.length} users and a reader (bcrypt cost ${options.bcryptCost})`);
    const signupStarted = performance.now();
    const { accessToken, retries: signupRetries } = await signupAll(base, users, reader);
    progress(
      `signed up ${users.length + 1} users in ${ms(performance.now() - signupStarted)}` +
        (signupRetries.length ? `; ${signupRetries.length} sign-ups retried after server errors` : ""),
    );
    if (interrupted) return;

    // ---- agents and calls
    const loginAgent = new http.Agent({ keepAlive: true }); // as many sockets as logins in flight
    const healthAgent = probeAgent();
    const meAgent = probeAgent();
    const readyUrl = new URL("/trpc/health.ready", base);
    const meUrl = new URL("/trpc/users.me", base);
    const loginUrl = new URL("/trpc/auth.login", base);
    const probeReady = () => request(healthAgent, readyUrl, { method: "GET", timeoutMs: 10_000 });
    const probeMe = () =>
      request(meAgent, meUrl, {
        method: "GET",
        headers: { authorization: `Bearer ${accessToken}`, "x-forwarded-for": reader.ip },
        timeoutMs: 10_000,
      });
    const login = (user: BenchUser) =>
      request(loginAgent, loginUrl, {
        method: "POST",
        headers: { "x-forwarded-for": user.ip, "user-agent": "meetmind-bench" },
        body: { json: { email: user.email, password: PASSWORD } },
      });

    // ---- warm-up (not measured): connections, JIT, the session cache, a login through a worker
    // Errors here are not fatal: the measured calls below count them.
    for (let i = 0; i < 20; i++) {
      await probeReady().catch(() => undefined);
      await probeMe().catch(() => undefined);
    }
    for (const user of users.slice(0, 2)) await login(user).catch(() => undefined);
    await sleep(1000);

    // ---- measurement window
    const windowMs = options.seconds * 1000;
    const totalLogins = Math.floor(options.seconds * options.rate);
    progress(`running ${options.seconds} s: ${totalLogins} logins at ${options.rate}/s (open loop), probes every ${options.probeIntervalMs} ms`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const benchCpuBefore = process.cpuUsage();
    const serverCpuBefore = await processCpuSeconds(server.child.pid);
    const t0 = performance.now();
    const windowEnd = t0 + windowMs;

    const outcomes: LoginOutcome[] = [];
    const inFlight = new Set<Promise<void>>();
    let draining = false;
    const stream = (async () => {
      for (let i = 0; i < totalLogins && !interrupted; i++) {
        const dueAt = t0 + (i * 1000) / options.rate;
        const wait = dueAt - performance.now();
        if (wait > 0) await sleep(wait);
        const user = users[i % users.length] as BenchUser;
        const outcome: LoginOutcome = { dueAt, sentLagMs: performance.now() - dueAt };
        outcomes.push(outcome);
        const pending = login(user).then(
          (reply) => {
            outcome.doneAt = performance.now();
            outcome.ms = reply.ms;
            outcome.ok = reply.status === 200;
            if (!outcome.ok) outcome.code = trpcErrorCode(reply);
          },
          (error: unknown) => {
            outcome.doneAt = performance.now();
            outcome.ok = false;
            outcome.code = draining ? "unfinished" : `network: ${error instanceof Error ? error.message : String(error)}`;
          },
        );
        const tracked = pending.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
    })();

    interface ProbeResult {
      samples: number[];
      errors: Map<string, number>;
      overruns: number;
    }
    const probeLoop = async (call: () => Promise<Reply>, offsetMs: number): Promise<ProbeResult> => {
      const result: ProbeResult = { samples: [], errors: new Map(), overruns: 0 };
      let next = t0 + offsetMs;
      while (!interrupted) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= windowEnd) break;
        try {
          const reply = await call();
          result.samples.push(reply.ms);
          if (reply.status !== 200) {
            const code = trpcErrorCode(reply);
            result.errors.set(code, (result.errors.get(code) ?? 0) + 1);
          }
        } catch (error) {
          const code = `network: ${error instanceof Error ? error.message : String(error)}`;
          result.errors.set(code, (result.errors.get(code) ?? 0) + 1);
        }
        next += options.probeIntervalMs;
        // A probe slower than the interval delays the next one rather than piling up (counted).
        if (next < performance.now()) {
          result.overruns++;
          next = performance.now();
        }
      }
      return result;
    };
    const [ready, me] = await Promise.all([
      probeLoop(probeReady, 0),
      probeLoop(probeMe, options.probeIntervalMs / 2),
      stream,
    ]);
    const windowActualMs = performance.now() - t0;
    const serverCpuAfter = await processCpuSeconds(server.child.pid);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    loopDelay.disable();
    const inFlightAtEnd = inFlight.size;

    // ---- drain: let queued logins finish (bounded), so their latency is known
    if (inFlight.size > 0 && !interrupted) {
      progress(`window over; waiting up to ${options.drainSeconds} s for ${inFlight.size} logins still in flight`);
      await Promise.race([Promise.allSettled([...inFlight]), sleep(options.drainSeconds * 1000)]);
    }
    draining = true;
    loginAgent.destroy(); // aborts whatever is left: counted as unfinished
    await Promise.allSettled([...inFlight]);
    const drainedMs = performance.now() - t0;
    healthAgent.destroy();
    meAgent.destroy();

    // ---- report
    const succeeded = outcomes.filter((o) => o.ok);
    const failures = new Map<string, number>();
    for (const o of outcomes) if (!o.ok) failures.set(o.code ?? "?", (failures.get(o.code ?? "?") ?? 0) + 1);
    const inWindow = succeeded.filter((o) => (o.doneAt ?? Infinity) <= t0 + windowActualMs).length;
    const lastDone = Math.max(...succeeded.map((o) => o.doneAt ?? t0));
    const loginLatency = summarize(succeeded.map((o) => o.ms ?? 0));
    const firstHalf = summarize(succeeded.filter((o) => o.dueAt < t0 + windowMs / 2).map((o) => o.ms ?? 0));
    const sendLag = summarize(outcomes.map((o) => o.sentLagMs));
    const readySummary = summarize(ready.samples);
    const meSummary = summarize(me.samples);
    const verdict = (s: Summary, errors: number) => (s.count > 0 && errors === 0 && s.p99 < TARGET_P99_MS ? "PASS" : "FAIL");
    const errorCount = (r: ProbeResult) => [...r.errors.values()].reduce((a, b) => a + b, 0);
    const readyVerdict = verdict(readySummary, errorCount(ready));
    const meVerdict = verdict(meSummary, errorCount(me));
    const cpus = os.cpus();
    const threads = options.workers === 0 ? os.availableParallelism() : options.workers;
    const serverCpu =
      serverCpuBefore !== undefined && serverCpuAfter !== undefined
        ? `${(((serverCpuAfter - serverCpuBefore) / (windowActualMs / 1000)) * 100).toFixed(0)}% (of ${cpus.length * 100}%)`
        : "n/a";
    const benchCpuPct = (((benchCpu.user + benchCpu.system) / 1000 / windowActualMs) * 100).toFixed(0);
    const loopP99 = loopDelay.percentile(99) / 1e6;
    const loopMax = loopDelay.max / 1e6;
    const fmtErrors = (errors: Map<string, number>) =>
      errors.size === 0 ? "" : ` (${[...errors].map(([code, n]) => `${n} × ${code}`).join(", ")})`;

    const lines = [
      `#### Login benchmark: ${database.mode === "embedded" ? "embedded PGlite" : "PostgreSQL"}, bcrypt cost ${options.bcryptCost}, ${cpus.length} CPUs`,
      "",
      "| setting | value |",
      "| --- | --- |",
      `| machine | ${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version} |`,
      `| server | its own process (${options.built ? "`node dist/main.js`" : "`src/main.ts` via tsx"}), NODE_ENV=production, LOG_LEVEL=${options.logLevel} |`,
      `| database | ${database.label} |`,
      `| password hashing | bcryptjs cost ${options.bcryptCost} on ${threads} worker thread${threads === 1 ? "" : "s"} (piscina) |`,
      `| login stream | ${options.rate}/s open loop (sent on schedule, not after the previous answer) for ${options.seconds} s, ${options.users} users, one client IP each |`,
      `| probes | \`GET /trpc/health.ready\` and \`GET /trpc/users.me\` (Bearer), each every ${options.probeIntervalMs} ms, one at a time, keep-alive |`,
      "",
      "| logins | value |",
      "| --- | --- |",
      `| attempted | ${outcomes.length} |`,
      `| succeeded | ${succeeded.length} |`,
      `| failed | ${outcomes.length - succeeded.length}${fmtErrors(failures)} |`,
      `| **throughput** (successful logins completed within the ${options.seconds} s window) | **${(inWindow / (windowActualMs / 1000)).toFixed(2)}/s** (${inWindow}) |`,
      `| still queued at the end of the window | ${inFlightAtEnd} (all answered ${((lastDone - t0) / 1000).toFixed(1)} s after the start${drainedMs > lastDone + 1000 ? ", some abandoned" : ""}) |`,
      `| overall rate (all successful logins / time to the last answer) | ${(succeeded.length / ((lastDone - t0) / 1000)).toFixed(2)}/s |`,
      `| latency p50 / p95 / p99 / max (all) | ${ms(loginLatency.p50)} / ${ms(loginLatency.p95)} / ${ms(loginLatency.p99)} / ${ms(loginLatency.max)} |`,
      `| latency p50 (logins sent in the first half of the window) | ${ms(firstHalf.p50)} |`,
      "",
      `| probe | count | errors | p50 | p95 | p99 | max | p99 < ${TARGET_P99_MS} ms |`,
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
      `| \`health.ready\` | ${readySummary.count} | ${errorCount(ready)} | ${ms(readySummary.p50)} | ${ms(readySummary.p95)} | ${ms(readySummary.p99)} | ${ms(readySummary.max)} | **${readyVerdict}** |`,
      `| \`users.me\` | ${meSummary.count} | ${errorCount(me)} | ${ms(meSummary.p50)} | ${ms(meSummary.p95)} | ${ms(meSummary.p99)} | ${ms(meSummary.max)} | **${meVerdict}** |`,
      "",
      `Server CPU during the window: ${serverCpu}. Load generator: ${benchCpuPct}% CPU, event-loop delay p99 ${ms(loopP99)} (max ${ms(loopMax)}), ` +
        `login send lag p99 ${ms(sendLag.p99)} (max ${ms(sendLag.max)}), probe overruns ${ready.overruns + me.overruns}.`,
      "",
      `**${readyVerdict === "PASS" && meVerdict === "PASS" ? "PASS" : "FAIL"}**: p99 of \`health.ready\` ${ms(readySummary.p99)} and of \`users.me\` ${ms(meSummary.p99)} ` +
        `(target < ${TARGET_P99_MS} ms each) under ${options.rate} logins/s; login throughput ${(inWindow / (windowActualMs / 1000)).toFixed(2)}/s.`,
    ];
    if (signupRetries.length > 0) {
      lines.push("", `Setup: ${signupRetries.length} sign-up${signupRetries.length === 1 ? " was" : "s were"} retried after server errors (${signupRetries.join(", ")}).`);
    }
    if (ready.errors.size + me.errors.size > 0) lines.push("", `Probe errors: health.ready${fmtErrors(ready.errors)}; users.me${fmtErrors(me.errors)}.`);
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    if (server) {
      progress("stopping the server (SIGTERM)");
      const stopping = performance.now();
      await server.stop();
      progress(`server stopped in ${ms(performance.now() - stopping)}`);
      const log = await readFile(server.logFile, "utf8").catch(() => "");
      const problems = log.split("\n").filter((line) => /"level":(4|5|6)0/.test(line) && !line.includes("SMTP_URL is not set"));
      if (problems.length > 0) progress(`the server logged ${problems.length} warnings/errors, e.g.:\n${problems.slice(0, 5).join("\n")}`);
      if (server.child.exitCode !== 0) progress(`the server exited with code ${String(server.child.exitCode ?? server.child.signalCode)}`);
    }
    await database?.drop().catch((error: unknown) => progress(`could not drop the database: ${String(error)}`));
    if (options.keep) progress(`kept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

try {
  await run();
} catch (error) {
  progress(`could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
