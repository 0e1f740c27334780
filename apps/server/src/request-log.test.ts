import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { requestLog, requestLogLevel, SLOW_REQUEST_MS } from "./request-log.js";

describe("requestLogLevel", () => {
  it("keeps fast successful reads at debug and always logs writes, refusals, slow requests and failures", () => {
    expect(requestLogLevel("GET", 200, 3)).toBe("debug");
    expect(requestLogLevel("POST", 200, 3)).toBe("info");
    expect(requestLogLevel("GET", 404, 3)).toBe("info");
    expect(requestLogLevel("GET", 200, SLOW_REQUEST_MS)).toBe("warn");
    expect(requestLogLevel("POST", 400, SLOW_REQUEST_MS + 1)).toBe("warn");
    expect(requestLogLevel("GET", 500, 3)).toBe("error");
    expect(requestLogLevel("GET", 503, SLOW_REQUEST_MS * 2)).toBe("error");
  });
});

describe("the request's logger", () => {
  it("carries the request id and redacts, though it is only made when something logs", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger("info", sink);
    const req = { url: "/trpc/x", method: "GET", headers: { "x-request-id": "lazy-1" }, socket: {} } as unknown as IncomingMessage;
    const res = Object.assign(new EventEmitter(), { setHeader: () => undefined }) as unknown as ServerResponse;
    requestLog(log)(req, res, () => undefined);
    expect(req.log.isLevelEnabled("debug")).toBe(false);
    req.log.info({ password: "Hunter2!" }, "from a handler");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([expect.objectContaining({ requestId: "lazy-1", msg: "from a handler", password: "[redacted]" })]);
  });
});

describe("the request's logger, written to", () => {
  it("changes only itself, never the server's logger", () => {
    const log = createLogger("info", new Writable({ write: (_chunk, _encoding, done) => done() }));
    const req = { url: "/trpc/x", method: "GET", headers: {}, socket: {} } as unknown as IncomingMessage;
    const res = Object.assign(new EventEmitter(), { setHeader: () => undefined }) as unknown as ServerResponse;
    requestLog(log)(req, res, () => undefined);
    req.log.level = "debug";
    expect(req.log.isLevelEnabled("debug")).toBe(true);
    expect(log.level).toBe("info");
  });
});
