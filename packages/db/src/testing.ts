// Test databases: a real Postgres database per test file, migrated, isolated, cheap to make: a copy
// (CREATE DATABASE … TEMPLATE) of a migrated template on one server. The server at TEST_DATABASE_URL
// when set; otherwise an embedded PostgreSQL cluster that vitest starts once per run
// (testing/global-setup.ts), so a fresh clone needs no server.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { loadTestEnv } from "@meetmind/config";
import { createPrismaClient, type Db } from "./client.js";
import { applyMigrations } from "./migrations/apply.js";
import { readMigrations } from "./migrations/files.js";
import { paths } from "./paths.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The embedded test cluster's superuser URL; absent with TEST_DATABASE_URL. */
    meetmindEmbeddedTestUrl?: string;
  }
}

export interface TestDatabase {
  url: string;
  mode: "embedded" | "postgres";
  db: Db;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** false = an empty database, for testing the migrator itself. */
  migrated?: boolean;
}

/** Identifies the current migrations, so cached templates rebuild when they change. */
async function migrationsFingerprint(): Promise<string> {
  const migrations = await readMigrations(paths.migrations);
  const hash = createHash("sha256");
  for (const migration of migrations) hash.update(`${migration.name}:${migration.checksum}\n`);
  return hash.digest("hex").slice(0, 16);
}

function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const TEMPLATE_LOCK_KEY = 4_242_001;

async function postgresTemplate(adminUrl: string): Promise<string> {
  const template = `meetmind_tpl_${await migrationsFingerprint()}`;
  await withAdmin(adminUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (exists.rowCount) return;
      // Identifiers cannot be bound as parameters; these names are generated above, never input.
      await admin.query(`CREATE DATABASE "${template}"`);
      try {
        await applyMigrations(withDatabase(adminUrl, template));
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
        throw error;
      }
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}

/** The server test databases are made on, and whether it is the embedded one. */
export function testServer(): { adminUrl: string; mode: "embedded" | "postgres" } {
  const { TEST_DATABASE_URL } = loadTestEnv();
  if (TEST_DATABASE_URL) return { adminUrl: TEST_DATABASE_URL, mode: "postgres" };
  const embedded = inject("meetmindEmbeddedTestUrl");
  if (!embedded) {
    throw new Error(
      "No test database server: set TEST_DATABASE_URL, or run the tests with vitest.shared.ts's config, whose global " +
        "setup (packages/db/src/testing/global-setup.ts) starts the embedded one.",
    );
  }
  return { adminUrl: embedded, mode: "embedded" };
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const { adminUrl, mode } = testServer();
  const name = `meetmind_test_${randomBytes(6).toString("hex")}`;
  const template = migrated ? await postgresTemplate(adminUrl) : "template0";
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDatabase(adminUrl, name);
  const db = createPrismaClient(url, { poolSize: 4 });
  return {
    url,
    mode,
    db,
    async close() {
      await db.$disconnect();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
