// A server under test in its own process, so the load generator's event loop cannot distort the
// server's latency: started with an explicit environment, ready when its health URL answers 200,
// stopped with SIGTERM and a deadline. Its output goes to a log file, not a pipe (a pipe nobody
// reads any more would block the server's writes).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { open, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { waitForHealthy } from "./http.js";

export interface StartOptions {
  /** For messages: "MeetMind", "baseline". */
  name: string;
  /** An absolute path (e.g. process.execPath): the environment below has no PATH unless given one. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment: nothing from the caller's shell leaks into the measurement. */
  env: Record<string, string>;
  /** Ready once this answers 200. */
  healthUrl: URL;
  logFile: string;
  /** Default 180 s: an embedded database's first start on a loaded machine is slow. */
  startTimeoutMs?: number;
}

export interface StopReport {
  ms: number;
  /** false: it was still running at the deadline and was killed. */
  clean: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  name: string;
  pid: number;
  logFile: string;
  /** From spawn to healthy, ms. */
  startMs: number;
  /** SIGTERM, then SIGKILL to its whole process group if it has not exited within `timeoutMs`. */
  stop(timeoutMs: number): Promise<StopReport>;
  /** The last lines of its log. */
  logTail(lines?: number): Promise<string>;
}

/** A free TCP port on the loopback interface (the OS picks it; free again when this returns). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function tailOf(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function startProcess(options: StartOptions): Promise<RunningProcess> {
  const log = await open(options.logFile, "w");
  const started = performance.now();
  // Its own process group (detached), so a last-resort kill reaches whatever it started too.
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", log.fd, log.fd],
    detached: true,
  });
  const spawned = once(child, "spawn"); // listening before anything else is awaited, not to miss it
  await log.close();
  try {
    await spawned;
  } catch (error) {
    throw new Error(`${options.name} could not start: ${String(error)}`);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} has no process id`);

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const killGroup = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  // Should this script end without stopping it (a crash), the server must not outlive it.
  const onExit = () => exit === undefined && killGroup();
  process.once("exit", onExit);

  try {
    await waitForHealthy(options.healthUrl, {
      timeoutMs: options.startTimeoutMs ?? 180_000,
      gone: () => (exit ? `${options.name} exited during startup (code ${String(exit.code ?? exit.signal)})` : undefined),
    });
  } catch (error) {
    killGroup();
    await exited;
    process.off("exit", onExit);
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its log ends:\n${await tailOf(options.logFile)}`);
  }
  const startMs = performance.now() - started;

  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    startMs,
    async stop(timeoutMs) {
      const stopping = performance.now();
      if (!exit) child.kill("SIGTERM");
      const clean = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!clean) {
        killGroup();
        await exited;
      }
      process.off("exit", onExit);
      return { ms: performance.now() - stopping, clean, code: exit?.code ?? null, signal: exit?.signal ?? null };
    },
    logTail: (lines) => tailOf(options.logFile, lines),
  };
}
