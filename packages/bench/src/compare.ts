// Two servers doing the same work, measured in alternation on the same machine (so a noisy
// neighbour hurts both alike) and printed as a ratio: how far the subject is from the baseline.
import type { LoadResult } from "./load.js";
import { ms } from "./stats.js";
import { table } from "./table.js";

/**
 * Runs every side once per round, the order reversed every other round (A B, B A, A B...), so that
 * neither side always runs first, on a cold cache, or last, on a hot machine. Returns each side's
 * results in round order.
 */
export async function alternate<S extends string, T>(
  sides: readonly S[],
  rounds: number,
  run: (side: S, round: number) => Promise<T>,
): Promise<Map<S, T[]>> {
  const results = new Map<S, T[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) results.get(side)?.push(await run(side, round));
  }
  return results;
}

/** The run with the median throughput (the lower middle one of an even number): one real run, not a blend. */
export function medianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error("medianRun: no runs");
  return median;
}

export interface ComparedRow {
  /** What was called, e.g. "`meetings.list`, 50 of 10,000". */
  label: string;
  subject: LoadResult;
  baseline: LoadResult;
}

/** subject ÷ baseline throughput, two decimals. */
export function ratio(row: ComparedRow): string {
  return (row.subject.perSecond / row.baseline.perSecond).toFixed(2);
}

/**
 * | call | S req/s | B req/s | ratio | S p50 / p99 ms | B p50 / p99 ms | S CPU ms/req | B CPU ms/req |,
 * with a note of non-2xx answers and errors where there were any (they do not count as throughput).
 */
export function ratioTable(
  rows: readonly ComparedRow[],
  names: { subject: string; baseline: string } = { subject: "MeetMind", baseline: "baseline" },
): string {
  const rate = (result: LoadResult) => {
    const failed = result.non2xx + result.errors;
    return `${result.perSecond.toFixed(result.perSecond >= 100 ? 0 : 1)}${failed > 0 ? ` (${failed} failed)` : ""}`;
  };
  const latency = (result: LoadResult) => `${ms(result.latency.p50)} / ${ms(result.latency.p99)}`;
  const cpu = (result: LoadResult) => (result.cpu ? result.cpu.msPerRequest.toFixed(2) : "–");
  const { subject: s, baseline: b } = names;
  return table(
    ["call", `${s} req/s`, `${b} req/s`, "ratio", `${s} p50 / p99 ms`, `${b} p50 / p99 ms`, `${s} CPU ms/req`, `${b} CPU ms/req`],
    rows.map((row) => [
      row.label,
      rate(row.subject),
      rate(row.baseline),
      ratio(row),
      latency(row.subject),
      latency(row.baseline),
      cpu(row.subject),
      cpu(row.baseline),
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r"],
  );
}
