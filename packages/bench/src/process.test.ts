// One real server process: started with its environment, found healthy, loaded, measured, stopped.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "./load.js";
import { freePort, startProcess, type StartOptions } from "./process.js";

// A tiny node:http server: answers 200 with a little CPU work, and stops on SIGTERM unless told
// to ignore it.
const SERVER = `
const http = require("node:http");
const seen = {};
const server = http.createServer((req, res) => {
  let x = 0;
  for (let i = 0; i < 20000; i++) x += Math.sqrt(i);
  seen[req.url] = (seen[req.url] ?? 0) + 1;
  res.end(JSON.stringify({ ok: true, greeting: process.env.GREETING, x, seen: req.url === "/seen" ? seen : undefined }));
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  if (process.env.IGNORE_SIGTERM === "true") return;
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "meetmind-bench-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function tinyServer(env: Record<string, string>): Promise<{ options: StartOptions; url: URL }> {
  const port = await freePort();
  const url = new URL(`http://127.0.0.1:${port}/`);
  return {
    url,
    options: {
      name: "tiny",
      command: process.execPath,
      args: ["-e", SERVER],
      cwd: dir,
      env: { PORT: String(port), ...env },
      healthUrl: url,
      logFile: path.join(dir, `tiny-${port}.log`),
      startTimeoutMs: 20_000,
    },
  };
}

describe("a server process", () => {
  it("starts with its environment, takes a load, reports its CPU, and stops on SIGTERM", async () => {
    const { options, url } = await tinyServer({ GREETING: "hello" });
    const server = await startProcess(options);
    try {
      const reply = await fetch(url);
      expect(await reply.json()).toMatchObject({ ok: true, greeting: "hello" });

      const result = await runLoad({ url, connections: 4, amount: 200, cpuOf: server.pid });
      expect(result.ok).toBe(200);
      expect(result.responses).toBe(200);
      expect(result.errors + result.non2xx).toBe(0);
      expect(result.latency.count).toBe(200);
      expect(result.latency.p50).toBeGreaterThan(0);
      expect(result.latency.p99).toBeGreaterThanOrEqual(result.latency.p50);
      expect(result.perSecond).toBeGreaterThan(0);
      expect(result.cpu?.cpuMs).toBeGreaterThan(0);
      expect(result.cpu?.msPerRequest).toBeGreaterThan(0);

      // Each connection takes the paths in turn.
      await runLoad({ url, connections: 2, amount: 40, paths: ["/a", "/b"] });
      const { seen } = (await (await fetch(new URL("/seen", url))).json()) as { seen: Record<string, number> };
      expect(seen["/a"]).toBe(20);
      expect(seen["/b"]).toBe(20);
    } finally {
      const stopped = await server.stop(10_000);
      expect(stopped).toMatchObject({ clean: true, code: 0 });
    }
  });

  it("is killed, and says so, when it does not stop within its deadline", async () => {
    const { options } = await tinyServer({ IGNORE_SIGTERM: "true" });
    const server = await startProcess(options);
    const stopped = await server.stop(500);
    expect(stopped.clean).toBe(false);
    expect(stopped.signal).toBe("SIGKILL");
    expect(stopped.ms).toBeGreaterThanOrEqual(490);
  });

  it("fails to start with the end of its log when it exits first", async () => {
    const { options } = await tinyServer({});
    await expect(startProcess({ ...options, args: ["-e", "console.error('no config'); process.exit(3)"] })).rejects.toThrow(
      /tiny exited during startup \(code 3\)[^]*no config/,
    );
  });
});
