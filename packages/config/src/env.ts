// The one place that reads process.env. Everything else receives a typed, validated Env.
import { z } from "zod";

const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me-0123456789";

const port = z.coerce.number().int().min(0).max(65535);
const csv = z
  .string()
  .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean));
const optionalUrl = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.url({ protocol: /^postgres(ql)?$/ }).optional(),
);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Postgres URL. When absent the server runs on embedded PGlite stored in DATA_DIR. */
    DATABASE_URL: optionalUrl,
    DATA_DIR: z.string().min(1).default(".data"),
    /** Loopback port on which the embedded database is served (0 = any free port). */
    EMBEDDED_DB_PORT: port.default(0),
    STUDIO_PORT: port.default(5555),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    CORS_ORIGINS: csv.default([]),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "like 1mb or 512kb").default("1mb"),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Seed a demo workspace the first time an empty database starts. */
    SEED_DEMO: z
      .enum(["true", "false"])
      .default("true")
      .transform((value) => value === "true"),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .transform((env) => ({ ...env, JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET }));

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

/** Production gets no development defaults: every secret must be given explicitly. */
function productionProblems(source: Source): string[] {
  if (source.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  if (!source.JWT_SECRET) problems.push("JWT_SECRET: is required in production");
  if (source.CORS_ORIGINS?.split(",").some((origin) => origin.trim() === "*")) {
    problems.push("CORS_ORIGINS: must not be * in production");
  }
  return problems;
}

/** Validates a set of variables; throws EnvError listing every problem at once. */
export function parseEnv(source: Source): Env {
  const result = envSchema.safeParse(source);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`)),
    ...productionProblems(source),
  ];
  if (problems.length > 0 || !result.success) throw new EnvError(problems);
  return result.data;
}

let cached: Env | undefined;

/** The process configuration, validated once. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

const testEnvSchema = z.object({ TEST_DATABASE_URL: optionalUrl });

/** Settings only the test harness reads. */
export function loadTestEnv(): z.infer<typeof testEnvSchema> {
  return testEnvSchema.parse(process.env);
}
