// The one place that reads process.env. Everything else receives a typed, validated Env.
import { z } from "zod";

const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me-0123456789";
/**
 * Development and tests encrypt stored secrets (workspace API keys) with this fixed, public key, id
 * "dev". Production has no such default: without SECRETS_ENCRYPTION_KEYS it stores no API keys.
 */
const DEV_SECRETS_KEY = { id: "dev", key: Buffer.from("dev-only-insecure-secrets-key-32").toString("base64") };

const port = z.coerce.number().int().min(0).max(65535);
const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);
// PEM keys arrive through env files where newlines are often written as \n.
const pem = z
  .string()
  .transform((value) => value.replace(/\\n/g, "\n"))
  .refine((value) => value.includes("-----BEGIN"), "must be a PEM key");
const optionalUrl = z.url({ protocol: /^postgres(ql)?$/ }).optional();
const flag = z.enum(["true", "false"]).transform((value) => value === "true");

/** `id:base64key,...`: each key 32 bytes (AES-256), ids unique; the first one encrypts, all decrypt. */
const secretKeys = z.string().transform((value, ctx) => {
  const keys = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [id = "", key = ""] = item.split(/:(.*)/s);
      return { id, key };
    });
  for (const { id, key } of keys) {
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(id))
      ctx.addIssue({ code: "custom", message: `key id "${id.slice(0, 16)}" must be 1-16 letters, digits, _ or -` });
    else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, "base64").length !== 32)
      ctx.addIssue({ code: "custom", message: `key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)` });
  }
  if (new Set(keys.map((key) => key.id)).size !== keys.length) ctx.addIssue({ code: "custom", message: "key ids must be unique" });
  if (keys.length === 0) ctx.addIssue({ code: "custom", message: "must list at least one id:key" });
  return keys;
});

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Postgres URL. When absent the server runs an embedded PostgreSQL server whose data is in DATA_DIR. */
    DATABASE_URL: optionalUrl,
    /**
     * Embedded database directory. A relative path is relative to the repository root (not the
     * working directory), so the server and the db tools open the same one; @meetmind/db resolves it.
     */
    DATA_DIR: z.string().min(1).default(".data"),
    /** Loopback port of the embedded PostgreSQL server (0 = any free port). */
    EMBEDDED_DB_PORT: port.default(0),
    STUDIO_PORT: port.default(5555),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /**
     * Named prepared statements for the hot reads, so Postgres parses and plans them once per
     * connection. Behind a transaction-mode pooler, only with one that carries them (PgBouncer 1.21+
     * with max_prepared_statements > 0); a stale or lost statement is retried unnamed either way.
     */
    DATABASE_PREPARED_STATEMENTS: z
      .enum(["true", "false"])
      .default("true")
      .transform((value) => value === "true"),
    CORS_ORIGINS: csv.default([]),
    /** Above the 5 MB transcript cap, so an oversized transcript gets its own clear error. */
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, "like 1mb or 512kb")
      .default("8mb"),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Seed a demo workspace the first time an empty database starts. */
    SEED_DEMO: z
      .enum(["true", "false"])
      .default("true")
      .transform((value) => value === "true"),
    /** Public URL of the web app; links in emails point here. */
    APP_URL: z.url().default("http://localhost:3000"),

    // Access tokens (JWT). HS256 with JWT_SECRET unless a key pair is configured.
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    JWT_ALGORITHM: z.enum(["HS256", "EdDSA", "RS256"]).default("HS256"),
    /** PEM (PKCS#8) private key and (SPKI) public key for EdDSA or RS256; `\n` escapes allowed. */
    JWT_PRIVATE_KEY: pem.optional(),
    JWT_PUBLIC_KEY: pem.optional(),
    JWT_ISSUER: z.string().min(1).default("meetmind"),
    JWT_AUDIENCE: z.string().min(1).default("meetmind-api"),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    /** Sliding expiry of a session's refresh token, renewed on every refresh. */
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    /** Absolute lifetime of a session, however often it is refreshed. */
    SESSION_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    EMAIL_VERIFICATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1_440).default(60),
    /** bcrypt cost factor (2^cost rounds). */
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    /** Worker threads hashing passwords (0 = one per core, less one on the embedded database). */
    PASSWORD_WORKERS: z.coerce.number().int().min(0).max(64).default(0),

    /** SMTP server, e.g. smtp://user:pass@host:587. Unset: emails are written to the log. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    EMAIL_FROM: z.string().min(3).default("MeetMind <no-reply@meetmind.local>"),
    /** Redis for rate limits shared across server instances; unset = in-memory. */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /**
     * Any OpenAI-compatible chat-completions server (OpenAI, Azure, vLLM, Ollama, LM Studio…), e.g.
     * https://api.openai.com/v1. Unset: summaries and Ask Mind use the built-in extractive mode.
     */
    LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    LLM_API_KEY: z.string().optional(),
    LLM_MODEL: z.string().min(1).default("gpt-4o-mini"),
    /** Per request (or, streaming, per piece of the answer). */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    /**
     * Embeddings for Ask Mind's vector retrieval (an OpenAI-compatible /embeddings endpoint; base
     * URL and key default to the LLM's). Used only where the database has pgvector. Unset: full text only.
     */
    EMBEDDINGS_MODEL: z.string().optional(),
    EMBEDDINGS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    EMBEDDINGS_API_KEY: z.string().optional(),
    /** Cosine similarity below which a vector match does not count as relevant. */
    EMBEDDINGS_MIN_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.3),
    /**
     * Model tokens (in + out, every feature) a workspace using the server's model may use per
     * calendar month (UTC); 0 = no limit. A workspace admin may set a lower cap, not a higher one.
     */
    AI_MONTHLY_TOKEN_CAP: z.coerce.number().int().min(0).max(1e12).default(0),
    /**
     * Whether a workspace's own model server may be on a loopback, private or link-local address
     * (a local Ollama, tests' loopback fake). Default: true, except in production.
     */
    AI_ALLOW_PRIVATE_BASE_URLS: flag.optional(),
    /**
     * Keys that encrypt secrets stored in the database (workspace API keys), AES-256-GCM:
     * `id:base64key` pairs, comma-separated; the first encrypts, every one listed decrypts (list the
     * old key after a new one to rotate). Development and tests have a built-in key.
     */
    SECRETS_ENCRYPTION_KEYS: secretKeys.optional(),
    /** Model tokens Ask Mind may use per workspace per calendar month (UTC); 0 = no limit. */
    ASKMIND_MONTHLY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(2_000_000),
    /** Calls one workspace API key may make per minute (counted like the other rate limits). */
    API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** How often each server instance looks for due background jobs (summaries). */
    JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    /** Background jobs one server instance runs at once. */
    JOB_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),

    /** Creates (or promotes) this superuser at startup when both are set. */
    BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
    BOOTSTRAP_ADMIN_PASSWORD: z.string().optional(),
  })
  .transform((env) => ({
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET,
    AI_ALLOW_PRIVATE_BASE_URLS: env.AI_ALLOW_PRIVATE_BASE_URLS ?? env.NODE_ENV !== "production",
    /** Empty in production when not configured: API keys cannot be stored then. */
    SECRETS_ENCRYPTION_KEYS: env.SECRETS_ENCRYPTION_KEYS ?? (env.NODE_ENV === "production" ? [] : [DEV_SECRETS_KEY]),
  }));

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

/**
 * An empty value means unset, for every variable: `JWT_SECRET=` in a sourced env file must fall
 * back to the default, not fail a length check, and `PORT=` must not become port 0.
 */
function withoutEmpty(source: Source): Source {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
}

/** Production gets no development defaults: every secret must be given explicitly. */
function productionProblems(source: Source): string[] {
  if (source.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  const asymmetric = source.JWT_ALGORITHM === "EdDSA" || source.JWT_ALGORITHM === "RS256";
  if (!asymmetric && !source.JWT_SECRET) problems.push("JWT_SECRET: is required in production");
  if (source.CORS_ORIGINS?.split(",").some((origin) => origin.trim() === "*")) {
    problems.push("CORS_ORIGINS: must not be * in production");
  }
  return problems;
}

function keyProblems(env: Env): string[] {
  if (env.JWT_ALGORITHM === "HS256") return [];
  return env.JWT_PRIVATE_KEY && env.JWT_PUBLIC_KEY
    ? []
    : [`JWT_PRIVATE_KEY, JWT_PUBLIC_KEY: both are required with JWT_ALGORITHM=${env.JWT_ALGORITHM}`];
}

function embeddingsProblems(env: Env): string[] {
  return env.EMBEDDINGS_MODEL && !env.EMBEDDINGS_BASE_URL && !env.LLM_BASE_URL
    ? ["EMBEDDINGS_BASE_URL: is required with EMBEDDINGS_MODEL (or set LLM_BASE_URL)"]
    : [];
}

/** Validates a set of variables; throws EnvError listing every problem at once. */
export function parseEnv(given: Source): Env {
  const source = withoutEmpty(given);
  const result = envSchema.safeParse(source);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`)),
    ...productionProblems(source),
  ];
  if (result.success) problems.push(...keyProblems(result.data), ...embeddingsProblems(result.data));
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
  return testEnvSchema.parse(withoutEmpty(process.env));
}
