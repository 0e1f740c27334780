// CPU time per request: what a server process (all its threads: event loop, workers, an embedded
// database) spent while a load ran, read from the operating system through pidusage (on Linux,
// utime + stime of /proc/<pid>/stat), or this process's own through process.cpuUsage.
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
