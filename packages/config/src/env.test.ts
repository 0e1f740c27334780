import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.js";

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
    const env = parseEnv({ PORT: "8080", CORS_ORIGINS: "https://a.example, https://b.example", SEED_DEMO: "false", DATABASE_URL: "postgresql://u@h:5432/db" });
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
