// HTTP load with autocannon: a fixed number of requests or a duration, over a number of concurrent
// keep-alive connections (closed loop: each connection sends its next request when the previous
// one is answered). Every response's latency is kept, so percentiles are exact and computed as
// everywhere else in the benches (stats.ts); the server's CPU over the run gives CPU ms per request.
import { inspect } from "node:util";
import autocannon from "autocannon";
import { cpuMeter, type CpuUse } from "./cpu.js";
import { summarize, type Summary } from "./stats.js";

export interface LoadOptions {
  url: URL | string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Sent as is: JSON.stringify it first. */
  body?: string;
  /** Paths each connection requests in turn (say, one per meeting id); default: the url's own. */
  paths?: readonly string[];
  /** Concurrent connections. */
  connections: number;
  /** Stop after this many requests (exactly one of amount and seconds). */
  amount?: number;
  /** Stop after this many seconds. */
  seconds?: number;
  /** The server's process id: its CPU (every thread) during the run gives CPU ms per request. */
  cpuOf?: number;
  /** A request not answered by then counts as a timeout (default 30 s). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  /** Responses received, any status. */
  responses: number;
  /** 2xx responses: what throughput counts. */
  ok: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  seconds: number;
  /** 2xx responses per second. */
  perSecond: number;
  /** Of every response, ms. */
  latency: Summary;
  /** The server's CPU over the run, when `cpuOf` was given. */
  cpu?: CpuUse & { msPerRequest: number };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if ((options.amount === undefined) === (options.seconds === undefined)) throw new Error("runLoad: give either amount or seconds");
  const latencies: number[] = [];
  const meter = options.cpuOf === undefined ? undefined : await cpuMeter(options.cpuOf);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: String(options.url),
        method: options.method ?? "GET",
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.paths ? { requests: options.paths.map((path) => ({ path })) } : {}),
        connections: options.connections,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds }),
        timeout: options.timeoutSeconds ?? 30,
      },
      (error: unknown, done) => (error ? reject(error instanceof Error ? error : new Error(inspect(error))) : resolve(done)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    options.signal?.addEventListener("abort", () => instance.stop(), { once: true });
  });
  const cpu = await meter?.stop();
  const ok = result["2xx"];
  return {
    responses: latencies.length,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    perSecond: result.duration > 0 ? ok / result.duration : Number.NaN,
    latency: summarize(latencies),
    ...(cpu ? { cpu: { ...cpu, msPerRequest: latencies.length > 0 ? cpu.cpuMs / latencies.length : Number.NaN } } : {}),
  };
}
