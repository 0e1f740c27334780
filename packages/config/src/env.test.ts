import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EnvError, envSchema, parseEnv } from "./env.js";

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error("expected the settings to be rejected");
}

describe("parseEnv", () => {
  it("gives development defaults for an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ NODE_ENV: "development", PORT: 3000, HOST: "127.0.0.1", DATA_DIR: ".data", SEED_DEMO: true });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("coerces and splits values", () => {
    const env = parseEnv({
      PORT: "8080",
      CORS_ORIGINS: "https://a.example, https://b.example",
      SEED_DEMO: "false",
      DATABASE_URL: "postgresql://u@h:5432/db",
    });
    expect(env.PORT).toBe(8080);
    expect(env.CORS_ORIGINS).toEqual(["https://a.example", "https://b.example"]);
    expect(env.SEED_DEMO).toBe(false);
    expect(env.DATABASE_URL).toBe("postgresql://u@h:5432/db");
  });

  it("treats an empty DATABASE_URL as unset (embedded mode)", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ PORT: "70000", DATABASE_URL: "mysql://x", BODY_LIMIT: "lots", JWT_SECRET: "short" });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual(["BODY_LIMIT", "DATABASE_URL", "JWT_SECRET", "PORT"]);
  });

  it("has no development defaults in production", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual(["JWT_SECRET: is required in production"]);
    expect(problemsOf({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40), CORS_ORIGINS: "*" })).toEqual([
      "CORS_ORIGINS: must not be * in production",
    ]);
    const env = parseEnv({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40) });
    expect(env.JWT_SECRET).toBe("s".repeat(40));
  });
});

describe("AI settings", () => {
  const key = Buffer.alloc(32, 1).toString("base64");

  it("encrypts stored secrets with a built-in key outside production, and with none in production unless given", () => {
    expect(parseEnv({}).SECRETS_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(["dev"]);
    expect(parseEnv({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40) }).SECRETS_ENCRYPTION_KEYS).toEqual([]);
    expect(
      parseEnv({ SECRETS_ENCRYPTION_KEYS: `new:${key}, old:${Buffer.alloc(32, 2).toString("base64")}` }).SECRETS_ENCRYPTION_KEYS,
    ).toEqual([
      { id: "new", key },
      { id: "old", key: Buffer.alloc(32, 2).toString("base64") },
    ]);
  });

  it("refuses malformed encryption keys", () => {
    expect(problemsOf({ SECRETS_ENCRYPTION_KEYS: "k1:c2hvcnQ=" })).toEqual([
      'SECRETS_ENCRYPTION_KEYS: key "k1" must be 32 bytes in base64 (openssl rand -base64 32)',
    ]);
    expect(problemsOf({ SECRETS_ENCRYPTION_KEYS: `bad id!:${key}` })[0]).toMatch(/key id "bad id!" must be/);
    expect(problemsOf({ SECRETS_ENCRYPTION_KEYS: `a:${key},a:${key}` })).toEqual(["SECRETS_ENCRYPTION_KEYS: key ids must be unique"]);
    expect(problemsOf({ SECRETS_ENCRYPTION_KEYS: key })[0]).toMatch(/must be 32 bytes|key id/);
  });

  it("allows private model servers by default outside production only; caps tokens only when asked", () => {
    expect(parseEnv({}).AI_ALLOW_PRIVATE_BASE_URLS).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40) }).AI_ALLOW_PRIVATE_BASE_URLS).toBe(false);
    expect(
      parseEnv({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40), AI_ALLOW_PRIVATE_BASE_URLS: "true" }).AI_ALLOW_PRIVATE_BASE_URLS,
    ).toBe(true);
    expect(parseEnv({}).AI_MONTHLY_TOKEN_CAP).toBe(0);
    expect(problemsOf({ AI_MONTHLY_TOKEN_CAP: "-1" })[0]).toMatch(/^AI_MONTHLY_TOKEN_CAP/);
  });
});

describe("empty values", () => {
  it("count as unset for every variable", () => {
    const everyVariable = Object.keys(envSchema.in.shape);
    expect(everyVariable.length).toBeGreaterThan(40);
    const allEmpty = Object.fromEntries(everyVariable.map((name) => [name, ""]));
    expect(parseEnv(allEmpty)).toEqual(parseEnv({}));
  });

  it("do not switch JWT algorithms, fail key checks or become port 0", () => {
    const env = parseEnv({ JWT_SECRET: "", JWT_ALGORITHM: "", JWT_PRIVATE_KEY: "", JWT_PUBLIC_KEY: "", PORT: "" });
    expect(env.JWT_ALGORITHM).toBe("HS256");
    expect(env.JWT_PRIVATE_KEY).toBeUndefined();
    expect(env.JWT_PUBLIC_KEY).toBeUndefined();
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.PORT).toBe(3000);
  });

  it("leave a production secret missing, not too short", () => {
    expect(problemsOf({ NODE_ENV: "production", JWT_SECRET: "" })).toEqual(["JWT_SECRET: is required in production"]);
  });
});

describe(".env.example", () => {
  it("can be sourced by a shell, and the configuration loads from what it sets", async () => {
    // A clean environment (a fixed PATH to find bash and env), so all the loader sees is the file.
    const { stdout, stderr } = await run("bash", ["--norc", "-ec", "set -a; . ./.env.example; set +a; env -0"], {
      cwd: repositoryRoot,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    });
    expect(stderr).toBe("");
    const sourced = Object.fromEntries(
      stdout
        .split("\0")
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
    );
    expect(sourced.EMAIL_FROM).toBe("MeetMind <no-reply@meetmind.local>");
    expect(sourced.JWT_PRIVATE_KEY).toBe("");

    const env = parseEnv(sourced);
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      JWT_ALGORITHM: "HS256",
      EMAIL_FROM: "MeetMind <no-reply@meetmind.local>",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.JWT_PRIVATE_KEY).toBeUndefined();
  });
});
