// CPU time per request: what a server process (all its threads: event loop, workers, an embedded
// database) spent while a load ran, read from the operating system through pidusage (on Linux,
// utime + stime of /proc/<pid>/stat), or this process's own through process.cpuUsage.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import pidusage from "pidusage";

export interface CpuUse {
  /** CPU time used (user + system), ms. */
  cpuMs: number;
  /** Wall-clock time measured over, ms. */
  wallMs: number;
  /** cpuMs / wallMs as a percentage: 100 is one core busy the whole time. */
  percent: number;
}

/** CPU time (user + system, every thread) a process has used since it started, ms. */
export async function processCpuMs(pid: number): Promise<number> {
  return (await pidusage(pid)).ctime;
}

/**
 * Starts measuring the CPU of process `pid` (this process when omitted); `stop()` says how much it
 * used since. Reads before and after only: the measurement costs nothing while the load runs.
 */
export async function cpuMeter(pid?: number): Promise<{ stop(): Promise<CpuUse> }> {
  const read = async (): Promise<number> => {
    if (pid === undefined) {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    }
    return processCpuMs(pid);
  };
  const cpuBefore = await read();
  const wallBefore = performance.now();
  return {
    async stop() {
      const cpuMs = (await read()) - cpuBefore;
      const wallMs = performance.now() - wallBefore;
      return { cpuMs, wallMs, percent: wallMs > 0 ? (cpuMs / wallMs) * 100 : Number.NaN };
    },
  };
}

/** Busy and total CPU time of the whole machine since boot, in clock ticks (Linux /proc/stat). */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...fields] = line.trim().split(/\s+/);
    const ticks = fields.map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are the idle ones.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring how busy the whole machine is (every core, every process); `stop()` gives the
 * busy share, 0–1, or NaN where /proc/stat is not there. Near 1 means nothing more can run: a
 * throughput that stops growing then is the machine's limit, not the program's.
 */
export function machineBusyMeter(): { stop(): number } {
  const before = machineTicks();
  return {
    stop() {
      const after = machineTicks();
      if (!before || !after || after.total === before.total) return Number.NaN;
      return (after.busy - before.busy) / (after.total - before.total);
    },
  };
}
