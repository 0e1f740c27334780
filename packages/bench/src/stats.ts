// Latency figures: nearest-rank percentiles over every sample (no histogram buckets, so a p99 is a
// latency that some request really had), and how the benches print milliseconds.

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0–100) of an ascending array; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] ?? Number.NaN;
}

export function sortedOf(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = sortedOf(samples);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Milliseconds for a table cell whose header says "ms": three significant figures or so. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** A duration in prose: "23.8 ms", "412 ms", "12.5 s". */
export function duration(valueMs: number): string {
  if (!Number.isFinite(valueMs)) return "–";
  if (valueMs >= 10_000) return `${(valueMs / 1000).toFixed(1)} s`;
  return `${ms(valueMs)} ms`;
}

/** "p50 / p95 / p99 / max" of a summary, in ms without the unit. */
export function spread(summary: Summary, keys: readonly ("min" | "p50" | "p95" | "p99" | "max")[] = ["p50", "p95", "p99", "max"]): string {
  return keys.map((key) => ms(summary[key])).join(" / ");
}

export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
