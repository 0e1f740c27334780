// Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's native engine,
// and records them in _prisma_migrations in Prisma's own format, so a machine that has the engine
// sees the database as up to date.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { paths } from "../paths.js";
import { readMigrations } from "./files.js";

// The key Prisma's schema engine locks with, so our applier and Prisma's exclude each other too.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Same table as prisma-engines creates (schema-engine/connectors/sql-schema-connector).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export interface ApplyOptions {
  migrationsDir?: string;
  log?: (message: string) => void;
}

export interface ApplyResult {
  applied: string[];
}

async function withLockedClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Two starters against one database: the second waits here, then finds nothing pending.
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      return await work(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Applies every pending migration, each in its own transaction together with its record. */
export async function applyMigrations(url: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? paths.migrations);

  return withLockedClient(url, async (client) => {
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
         FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    );

    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and nothing after it was applied.\n` +
          `Its error was:\n${failed.logs ?? "(no log)"}\n` +
          "Our migrations run in a transaction, so its changes were rolled back. Fix the migration, then " +
          `mark it rolled back with \`pnpm db:migrate --rolled-back ${failed.migration_name}\` and run again.`,
      );
    }

    const applied = new Map(
      rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
    );
    const onDisk = new Set(migrations.map((migration) => migration.name));
    const missing = [...applied.keys()].filter((name) => !onDisk.has(name));
    if (missing.length > 0) {
      throw new MigrationError(
        `The database has migrations that are not in the migrations folder: ${missing.join(", ")}. ` +
          "Is this checkout older than the database?",
      );
    }
    const edited = migrations.filter((migration) => {
      const row = applied.get(migration.name);
      return row !== undefined && row.checksum !== migration.checksum;
    });
    if (edited.length > 0) {
      throw new MigrationError(
        `Applied migration files were edited since they ran: ${edited.map((m) => m.name).join(", ")}. ` +
          "Applied migrations must never change: restore the files and put the change in a new migration " +
          "(`pnpm db:migration <name>`).",
      );
    }

    const done: string[] = [];
    for (const migration of migrations.filter((m) => !applied.has(m.name))) {
      log(`Applying migration ${migration.name}`);
      const id = randomUUID();
      try {
        await client.query("BEGIN");
        // Re-checked inside the transaction: where every connection shares one session (PGlite
        // behind its socket, as compat.test.ts serves it) advisory locks do not exclude, but
        // transactions are serialised.
        const again = await client.query(
          `SELECT 1 FROM "_prisma_migrations"
            WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          [migration.name],
        );
        if (again.rowCount) {
          await client.query("COMMIT");
          continue;
        }
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        const message = error instanceof Error ? error.message : String(error);
        // Recorded as Prisma records a failure, so Prisma's own tools also see and refuse it.
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, now(), 0)`,
          [id, migration.checksum, migration.name, message],
        );
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${message}`);
      }
      done.push(migration.name);
    }
    return { applied: done };
  });
}

/** Marks a failed migration as rolled back (like `prisma migrate resolve --rolled-back`). */
export async function markRolledBack(url: string, name: string): Promise<void> {
  await withLockedClient(url, async (client) => {
    const result = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [name],
    );
    if (result.rowCount === 0) throw new MigrationError(`No failed migration named ${name}.`);
  });
}
