// A small call made on a fixed schedule while something else loads the system, one at a time: how
// long it took tells whether the system stays responsive. A call slower than the interval delays the
// next one (counted as an overrun) rather than piling calls up.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProbeResult {
  /** Latency of each call, ms. */
  samples: number[];
  /** Failed calls by code. */
  errors: Map<string, number>;
  overruns: number;
}

export interface ProbeOptions {
  intervalMs: number;
  /** When the first call is due (performance.now() time); default now. */
  startAt?: number;
  /** No call starts at or after this performance.now() time. */
  until?: number;
  /** Stops the loop (the call under way finishes). */
  signal?: AbortSignal;
  /**
   * "sent" (default): from when the call starts; "due": from when it was due, so a blocked event
   * loop in this process that starts it late counts too (for probes of this process itself).
   */
  from?: "sent" | "due";
}

/**
 * Calls `call` every `intervalMs` until `until` or the signal. `call` resolves to an error code for a
 * failed call (counted, still timed) or undefined; a thrown error is counted as "network: message"
 * and not timed.
 */
export async function probeEvery(call: () => Promise<string | undefined>, options: ProbeOptions): Promise<ProbeResult> {
  const result: ProbeResult = { samples: [], errors: new Map(), overruns: 0 };
  const countError = (code: string) => result.errors.set(code, (result.errors.get(code) ?? 0) + 1);
  let due = options.startAt ?? performance.now();
  while (!options.signal?.aborted) {
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (options.signal?.aborted || (options.until !== undefined && performance.now() >= options.until)) break;
    const started = options.from === "due" ? due : performance.now();
    try {
      const code = await call();
      result.samples.push(performance.now() - started);
      if (code !== undefined) countError(code);
    } catch (error) {
      countError(`network: ${error instanceof Error ? error.message : String(error)}`);
    }
    due += options.intervalMs;
    if (due < performance.now()) {
      result.overruns++;
      due = performance.now();
    }
  }
  return result;
}

export function errorCount(result: ProbeResult): number {
  return [...result.errors.values()].reduce((sum, n) => sum + n, 0);
}

/** " (3 × rate_limited, 1 × network: ...)", or "" when there were none. */
export function formatErrors(errors: ReadonlyMap<string, number>): string {
  return errors.size === 0 ? "" : ` (${[...errors].map(([code, n]) => `${n} × ${code}`).join(", ")})`;
}
