// Measures how late the event loop runs timers, for the hasher's tests and benchmark: the number
// that shows whether CPU work on the main thread is stalling every other request.
//
// A setInterval drift sampler rather than perf_hooks.monitorEventLoopDelay: that histogram only
// starts measuring at its first tick, so a stall that begins right after enable() (work started
// in the same tick, as a benchmark does) goes unrecorded. Seen with bcryptjs's async API: 16
// concurrent hashes blocked for ~1 s while monitorEventLoopDelay reported a 5 ms maximum.
import { createHistogram, performance } from "node:perf_hooks";

export interface LoopDelayStats {
  /** Milliseconds by which timer ticks came late (beyond the sampling interval). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

export function startLoopDelaySampler(intervalMs = 5): { stop(): LoopDelayStats } {
  const histogram = createHistogram(); // integers ≥ 1: lateness is recorded in microseconds
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    histogram.record(Math.max(1, Math.round((now - last - intervalMs) * 1000)));
    last = now;
  }, intervalMs);
  const toMs = (microseconds: number): number => (histogram.count === 0 ? 0 : microseconds / 1000);
  return {
    stop() {
      clearInterval(timer);
      // A stall still in progress shows up only at the next tick; count the time since the last one.
      const now = performance.now();
      if (now - last > intervalMs) histogram.record(Math.max(1, Math.round((now - last - intervalMs) * 1000)));
      return {
        p50Ms: toMs(histogram.percentile(50)),
        p99Ms: toMs(histogram.percentile(99)),
        maxMs: toMs(histogram.max),
        samples: histogram.count,
      };
    },
  };
}
