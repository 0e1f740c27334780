// Logs: JSON lines for machines, readable lines (pino-pretty) for a person running `pnpm dev`.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { createLogger, prettyLogsWanted } from "./logger.js";

const serverDir = fileURLToPath(new URL("..", import.meta.url));

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("createLogger", () => {
  it("writes JSON lines unless asked for pretty output", () => {
    const out = sink();
    createLogger("info", out.stream).info({ meetingId: "m1" }, "imported");
    expect(JSON.parse(out.text())).toMatchObject({ msg: "imported", meetingId: "m1", level: 30 });
  });

  it("formats readable lines with pino-pretty, secrets still redacted", async () => {
    const out = sink();
    createLogger("info", out.stream, { pretty: true }).info({ password: "hunter2", user: { token: "abc" } }, "signed in");
    await expect.poll(out.text).toContain("signed in");
    expect(out.text()).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: signed in/);
    expect(out.text()).toContain("[redacted]");
    expect(out.text()).not.toMatch(/hunter2|abc/);
  });
});

describe("prettyLogsWanted", () => {
  it("only in development with a terminal on stdout", () => {
    expect(prettyLogsWanted("development", { isTTY: true })).toBe(true);
    expect(prettyLogsWanted("development", { isTTY: false })).toBe(false);
    expect(prettyLogsWanted("development", {})).toBe(false);
    expect(prettyLogsWanted("production", { isTTY: true })).toBe(false);
    expect(prettyLogsWanted("test", { isTTY: true })).toBe(false);
  });
});

describe("pnpm dev in a terminal", () => {
  it("prints readable log lines", { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "meetmind-dev-logs-"));
    const env: NodeJS.ProcessEnv = {
      // eslint-disable-next-line no-restricted-properties -- the child needs PATH and the like.
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      DATA_DIR: dataDir,
      PORT: "0",
      SEED_DEMO: "false",
    };
    delete env.TEST_DATABASE_URL;
    delete env.DATABASE_URL;
    // script(1) runs the command on a pseudo-terminal, as a developer's shell would.
    const child = spawn("script", ["-qfec", "pnpm run dev", "/dev/null"], { cwd: serverDir, env, detached: true });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await expect.poll(() => output, { timeout: 100_000, interval: 200 }).toContain("MeetMind listening on");
      const lines = stripVTControlCharacters(output);
      expect(lines).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: MeetMind listening on http:\/\//m);
      expect(lines).not.toMatch(/^\{"level"/m);
    } finally {
      // The whole group: script, pnpm, tsx watch and the server.
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
