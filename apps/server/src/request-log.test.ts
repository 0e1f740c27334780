import { describe, expect, it } from "vitest";
import { requestLogLevel, SLOW_REQUEST_MS } from "./request-log.js";

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
