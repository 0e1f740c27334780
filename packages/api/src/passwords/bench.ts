// Password hashing throughput and event-loop stall: worker pool vs bcryptjs's async API on the
// main thread. Run: cd packages/api && npx tsx src/passwords/bench.ts [count=16] [cost=12]
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import bcrypt from "bcryptjs";
import { createPasswordHasher } from "./hasher.js";
import { startLoopDelaySampler } from "./loop-delay.js";

const count = Number(process.argv[2] ?? 16);
const cost = Number(process.argv[3] ?? 12);

async function measure(label: string, hashOne: (password: string) => Promise<string>): Promise<void> {
  const sampler = startLoopDelaySampler();
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => hashOne(`Bench-Password-${i}!`)));
  const seconds = (performance.now() - start) / 1000;
  const delay = sampler.stop();
  const ms = (value: number): string => `${value.toFixed(1)} ms`.padStart(9);
  console.log(
    `${label.padEnd(26)} ${(count / seconds).toFixed(2).padStart(6)} hashes/s  ` +
      `loop delay p50 ${ms(delay.p50Ms)}  p99 ${ms(delay.p99Ms)}  max ${ms(delay.maxMs)}`,
  );
}

const hasher = createPasswordHasher({ cost, workers: 0 });
await hasher.verify("warm-up", null); // start a thread and load bcryptjs before timing

console.log(`${count} hashes at cost ${cost}, ${availableParallelism()} cores`);
await measure(`worker pool (${availableParallelism()} threads)`, (password) => hasher.hash(password));
await measure("main thread, bcryptjs async", (password) => bcrypt.hash(password, cost));
await hasher.close();
