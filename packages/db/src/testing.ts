// Test databases: a real Postgres engine per test file, migrated, isolated, cheap to make.
// Embedded PGlite by default (a fresh clone needs no server); the server at TEST_DATABASE_URL when set.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { loadTestEnv } from "@meetmind/config";
import { createPrismaClient, type Db } from "./client.js";
import { snapshotEmbedded, startEmbeddedPostgres } from "./embedded.js";
import { applyMigrations } from "./migrations/apply.js";
import { readMigrations } from "./migrations/files.js";
import { paths } from "./paths.js";

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

async function embeddedSnapshot(): Promise<Blob> {
  const file = path.join(tmpdir(), `meetmind-test-template-${await migrationsFingerprint()}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const blob = await snapshotEmbedded((url) => applyMigrations(url).then(() => undefined));
    // Written then renamed, so a parallel test file never reads half a snapshot.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
    await rename(partial, file);
    return blob;
  }
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

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const { TEST_DATABASE_URL: adminUrl } = loadTestEnv();

  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres(migrated ? { snapshot: await embeddedSnapshot() } : {});
    // One connection, as the server uses on PGlite (see apps/server/src/server.ts).
    const db = createPrismaClient(embedded.url, { poolSize: 1 });
    return {
      url: embedded.url,
      mode: "embedded",
      db,
      async close() {
        await db.$disconnect();
        await embedded.close();
      },
    };
  }

  const name = `meetmind_test_${randomBytes(6).toString("hex")}`;
  const template = migrated ? await postgresTemplate(adminUrl) : "template0";
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDatabase(adminUrl, name);
  const db = createPrismaClient(url, { poolSize: 4 });
  return {
    url,
    mode: "postgres",
    db,
    async close() {
      await db.$disconnect();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
