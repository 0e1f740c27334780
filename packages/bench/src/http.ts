// One timed HTTP request over node:http, for calls a bench makes one at a time (set-up, probes,
// health checks); load itself goes through autocannon (load.ts).
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface Reply {
  status: number;
  body: string;
  /** From just before the request was written to the end of the response body. */
  ms: number;
}

export interface RequestInit {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default 300 s. */
  timeoutMs?: number;
}

/**
 * A keep-alive agent. `maxSockets: 1` for a caller that makes one request at a time, so it reuses
 * one connection; no limit for a stream of requests that may overlap.
 */
export function keepAliveAgent(maxSockets?: number): http.Agent {
  return new http.Agent({ keepAlive: true, ...(maxSockets ? { maxSockets } : {}) });
}

export function request(agent: http.Agent, url: URL, init: RequestInit = {}): Promise<Reply> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers: Record<string, string | number> = { ...init.headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(body);
  }
  const timeoutMs = init.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method: init.method ?? "GET", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }),
      );
    });
    req.on("error", reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.end(body);
  });
}

/** Polls `url` until it answers 200; fails when `deadlineMs` passes or `gone()` says why to stop. */
export async function waitForHealthy(url: URL, options: { timeoutMs: number; gone?: () => string | undefined }): Promise<void> {
  const agent = keepAliveAgent(1);
  const deadline = performance.now() + options.timeoutMs;
  try {
    for (;;) {
      const reason = options.gone?.();
      if (reason) throw new Error(reason);
      const reply = await request(agent, url, { timeoutMs: 2000 }).catch(() => undefined);
      if (reply?.status === 200) return;
      if (performance.now() > deadline) {
        throw new Error(
          `${url.href} did not answer 200 within ${options.timeoutMs / 1000} s (last: ${reply ? `HTTP ${reply.status}` : "no answer"})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    agent.destroy();
  }
}
