import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing.js";
import { paths } from "../paths.js";
import { applyMigrations, markRolledBack, MigrationError } from "./apply.js";
import { checksumOf } from "./files.js";

let database: TestDatabase;
let dir: string;

beforeEach(async () => {
  database = await createTestDatabase({ migrated: false });
  dir = await mkdtemp(path.join(tmpdir(), "meetmind-migrations-"));
});
afterEach(() => database.close());

async function addMigration(name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}
const rows = () =>
  query<Row>(`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs
                FROM "_prisma_migrations" ORDER BY started_at, migration_name`);

describe("applyMigrations", () => {
  it("applies pending migrations in order and records them as Prisma does", async () => {
    await addMigration("20260101000000_first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n');
    await addMigration("20260102000000_second", 'ALTER TABLE "a" ADD COLUMN "b" TEXT;\n');

    expect(await applyMigrations(database.url, { migrationsDir: dir })).toEqual({
      applied: ["20260101000000_first", "20260102000000_second"],
    });
    const recorded = await rows();
    expect(recorded.map((row) => row.migration_name)).toEqual(["20260101000000_first", "20260102000000_second"]);
    const file = await readFile(path.join(dir, "20260101000000_first", "migration.sql"), "utf8");
    expect(recorded[0]?.checksum).toBe(checksumOf(file));
    expect(recorded[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(recorded.every((row) => row.finished_at instanceof Date && row.applied_steps_count === 1)).toBe(true);
    await query('INSERT INTO "a" (id, b) VALUES (1, $$x$$)');

    // Nothing pending: a second run changes nothing.
    expect(await applyMigrations(database.url, { migrationsDir: dir })).toEqual({ applied: [] });
    expect(await rows()).toHaveLength(2);
  });

  it("never double-applies when two starters race", async () => {
    await addMigration("20260101000000_first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n');
    await addMigration("20260102000000_second", 'CREATE TABLE "b" ("id" INT PRIMARY KEY);\n');
    const results = await Promise.all([
      applyMigrations(database.url, { migrationsDir: dir }),
      applyMigrations(database.url, { migrationsDir: dir }),
      applyMigrations(database.url, { migrationsDir: dir }),
    ]);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(["20260101000000_first", "20260102000000_second"]);
    expect(await rows()).toHaveLength(2);
  });

  it("refuses when an applied migration file was edited", async () => {
    await addMigration("20260101000000_first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n');
    await applyMigrations(database.url, { migrationsDir: dir });
    await writeFile(path.join(dir, "20260101000000_first", "migration.sql"), 'CREATE TABLE "a" ("id" BIGINT PRIMARY KEY);\n');
    await addMigration("20260102000000_second", 'CREATE TABLE "b" ("id" INT PRIMARY KEY);\n');

    const error = await applyMigrations(database.url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/edited.*20260101000000_first/s);
    // The pending one was not applied either.
    expect((await rows()).map((row) => row.migration_name)).toEqual(["20260101000000_first"]);
  });

  it("applies each migration atomically, records a failure, and refuses until it is resolved", async () => {
    await addMigration("20260101000000_first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n');
    await addMigration("20260102000000_broken", 'CREATE TABLE "half" ("id" INT);\nALTER TABLE "missing" ADD COLUMN "x" INT;\n');
    await addMigration("20260103000000_third", 'CREATE TABLE "c" ("id" INT PRIMARY KEY);\n');

    await expect(applyMigrations(database.url, { migrationsDir: dir })).rejects.toThrow(/20260102000000_broken failed/);
    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    // The broken migration's first statement was rolled back with it; the third never ran.
    expect(tables.map((table) => table.table_name)).toEqual(["_prisma_migrations", "a"]);
    const failed = (await rows()).find((row) => row.migration_name === "20260102000000_broken");
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null });
    expect(failed?.logs).toMatch(/missing/);

    await expect(applyMigrations(database.url, { migrationsDir: dir })).rejects.toThrow(
      /20260102000000_broken failed earlier.*--rolled-back/s,
    );

    // Fix the file, mark the failure rolled back, and the rest goes through.
    await writeFile(path.join(dir, "20260102000000_broken", "migration.sql"), 'CREATE TABLE "half" ("id" INT);\n');
    await markRolledBack(database.url, "20260102000000_broken");
    expect(await applyMigrations(database.url, { migrationsDir: dir })).toEqual({
      applied: ["20260102000000_broken", "20260103000000_third"],
    });
  });

  it("refuses when the database has migrations this checkout lacks", async () => {
    await addMigration("20260101000000_first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n');
    await applyMigrations(database.url, { migrationsDir: dir });
    const empty = await mkdtemp(path.join(tmpdir(), "meetmind-migrations-"));
    await expect(applyMigrations(database.url, { migrationsDir: empty })).rejects.toThrow(/not in the migrations folder/);
  });

  it("applies the project's real migrations to an empty database", async () => {
    const { applied } = await applyMigrations(database.url, { migrationsDir: paths.migrations });
    expect(applied.length).toBeGreaterThan(0);
    const tables = await query<{ count: string }>(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'workspaces'",
    );
    expect(tables[0]?.count).toBe("1");
  });
});
