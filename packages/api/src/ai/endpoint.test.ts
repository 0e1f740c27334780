import { describe, expect, it } from "vitest";
import { baseUrlProblem, normalizeBaseUrl, originOf } from "./endpoint.js";

describe("baseUrlProblem", () => {
  const strict = { allowPrivate: false };

  it("allows public addresses and, when the operator allows it, private ones", async () => {
    expect(await baseUrlProblem("https://8.8.8.8/v1", strict)).toBeNull();
    expect(await baseUrlProblem("http://[2606:4700:4700::1111]/v1", strict)).toBeNull();
    expect(await baseUrlProblem("http://127.0.0.1:11434/v1", { allowPrivate: true })).toBeNull();
  });

  it("refuses loopback, private, link-local, CGNAT, unspecified and mapped addresses without asking DNS", async () => {
    for (const url of [
      "http://127.0.0.1/v1",
      "http://127.1.2.3/v1",
      "http://10.1.2.3/v1",
      "http://172.16.0.1/v1",
      "http://192.168.1.1/v1",
      "http://169.254.169.254/latest/meta-data",
      "http://100.64.0.1/v1",
      "http://0.0.0.0/v1",
      "http://[::1]/v1",
      "http://[fd00::1]/v1",
      "http://[fe80::1]/v1",
      "http://[::ffff:10.0.0.1]/v1",
      "http://localhost:8080/v1",
      "http://api.localhost/v1",
    ]) {
      expect({ url, problem: await baseUrlProblem(url, strict) }).toEqual({
        url,
        problem: "must not point to a private, loopback or link-local address",
      });
    }
  });

  it("refuses other schemes, credentials, queries, and hosts that do not resolve", async () => {
    expect(await baseUrlProblem("ftp://8.8.8.8/v1", strict)).toBe("must be http or https");
    expect(await baseUrlProblem("https://user:pw@8.8.8.8/v1", { allowPrivate: true })).toMatch(/user name or password/);
    expect(await baseUrlProblem("https://8.8.8.8/v1?key=1", { allowPrivate: true })).toMatch(/query or fragment/);
    expect(await baseUrlProblem("https://does-not-exist.invalid/v1", strict)).toMatch(/does not resolve/);
  });
});

describe("normalizeBaseUrl and originOf", () => {
  it("drop trailing slashes; the origin is scheme, host and port", () => {
    expect(normalizeBaseUrl(" https://api.example.com/v1// ")).toBe("https://api.example.com/v1");
    expect(originOf("https://api.example.com:8443/v1")).toBe("https://api.example.com:8443");
    expect(originOf("https://api.example.com/v1")).not.toBe(originOf("https://api.example.com.evil.test/v1"));
  });
});
