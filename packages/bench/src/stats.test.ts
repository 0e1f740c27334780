import { describe, expect, it } from "vitest";
import { alternate, medianRun, ratioTable } from "./compare.js";
import type { LoadResult } from "./load.js";
import { sizes, UsageError } from "./script.js";
import { duration, ms, percentile, summarize } from "./stats.js";
import { table } from "./table.js";

describe("percentiles", () => {
  it("are nearest-rank: a value some sample really had", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarize sorts first and keeps the extremes", () => {
    const summary = summarize([30, 10, 20, 40]);
    expect(summary).toEqual({ count: 4, min: 10, p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
    expect(summarize([]).count).toBe(0);
  });

  it("prints milliseconds with about three significant figures", () => {
    expect(ms(12.345)).toBe("12.3");
    expect(ms(123.45)).toBe("123");
    expect(ms(Number.NaN)).toBe("–");
    expect(duration(12_500)).toBe("12.5 s");
    expect(duration(8.04)).toBe("8.0 ms");
  });
});

describe("tables", () => {
  it("are markdown with aligned columns, a | in a cell escaped", () => {
    expect(
      table(
        ["search", "ms"],
        [
          ["a | b", ms(1.25)],
          ["c", "10.0"],
        ],
        ["l", "r"],
      ).split("\n"),
    ).toEqual(["| search |   ms |", "| :----- | ---: |", "| a \\| b |  1.3 |", "| c      | 10.0 |"]);
  });

  it("compare two servers as a ratio of their throughput", () => {
    const run = (perSecond: number, p50: number, cpuMs?: number): LoadResult => ({
      responses: perSecond * 10,
      ok: perSecond * 10,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      seconds: 10,
      perSecond,
      latency: summarize([p50, p50, p50 * 3]),
      ...(cpuMs === undefined ? {} : { cpu: { cpuMs: cpuMs * perSecond * 10, wallMs: 10_000, percent: 0, msPerRequest: cpuMs } }),
    });
    expect(medianRun([run(30, 1), run(10, 1), run(20, 1)]).perSecond).toBe(20);
    const lines = ratioTable([{ label: "`meetings.get`", subject: run(60, 8, 9.5), baseline: run(200, 2, 0.6) }]).split("\n");
    expect(lines[0]).toContain("MeetMind req/s");
    expect(lines[2]?.split("|").map((cell) => cell.trim())).toEqual([
      "",
      "`meetings.get`",
      "60.0",
      "200",
      "0.30",
      "8.0 / 24.0",
      "2.0 / 6.0",
      "9.50",
      "0.60",
      "",
    ]);
  });

  it("alternate the order of the sides every round", async () => {
    const order: string[] = [];
    const results = await alternate(["a", "b"], 3, async (side, round) => {
      order.push(side);
      return round;
    });
    expect(order).toEqual(["a", "b", "b", "a", "a", "b"]);
    expect(results.get("b")).toEqual([0, 1, 2]);
  });
});

describe("sizes", () => {
  const specs = { runs: { default: 10, quick: 2, min: 1, max: 100, integer: true }, rate: { default: 12, min: 0.1, max: 1000 } };

  it("take the flag, else the quick size under --quick, else the default", () => {
    expect(sizes({}, specs)).toEqual({ runs: 10, rate: 12 });
    expect(sizes({ quick: true }, specs)).toEqual({ runs: 2, rate: 12 });
    expect(sizes({ quick: true, runs: "5", rate: "0.5" }, specs)).toEqual({ runs: 5, rate: 0.5 });
  });

  it("refuse a value out of bounds or not an integer", () => {
    expect(() => sizes({ runs: "0" }, specs)).toThrow(UsageError);
    expect(() => sizes({ runs: "2.5" }, specs)).toThrow("--runs must be an integer from 1 to 100");
    expect(() => sizes({ rate: "x" }, specs)).toThrow(UsageError);
  });
});
