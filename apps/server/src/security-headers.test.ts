import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import helmet from "helmet";
import { expect, it } from "vitest";
import { recordHelmet, securityHeaders } from "./security-headers.js";

/** The headers a real response gets from a middleware, over real HTTP. */
async function headersFrom(middleware: (req: IncomingMessage, res: ServerResponse, next: () => void) => void) {
  const server = createServer((req, res) => {
    // Set first, as Express does: helmet must remove it.
    res.setHeader("X-Powered-By", "Express");
    middleware(req, res, () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const { date: _date, ...headers } = Object.fromEntries(response.headers);
    return headers;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

it("gives a response exactly the headers helmet itself gives it", async () => {
  const recorded = await headersFrom(securityHeaders());
  expect(recorded).toEqual(await headersFrom(helmet()));
  expect(recorded["content-security-policy"]).toContain("default-src 'self'");
  expect(recorded["strict-transport-security"]).toBeDefined();
  expect(recorded["x-powered-by"]).toBeUndefined();
});

it("records each of helmet's changes once", () => {
  const changes = recordHelmet();
  const names = changes.map((change) => ("set" in change ? change.set : change.remove).toLowerCase());
  expect(new Set(names).size).toBe(names.length);
  expect(names).toContain("x-content-type-options");
  expect(names).toContain("x-powered-by");
});
