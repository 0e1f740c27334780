// Prisma's own engine agrees with our applier: a user whose machine has Prisma's engine can run
// `prisma migrate deploy` on a database we migrated and see nothing to do, and sees our failed and
// edited migrations as Prisma would. The engine's diagnosis (diagnoseMigrationHistory) is exactly
// what `migrate deploy` and `migrate status` act on.
//
// The engine inspects an in-process PGlite, which our applier migrates through the wire protocol.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { paths } from "../paths.js";
import { applyMigrations, markRolledBack, MigrationError } from "./apply.js";
import { diagnoseMigrationHistory } from "./engine.js";
import { listMigrationFolders, writeMigration } from "./files.js";

// Each diagnosis starts the wasm engine; PGlite takes a second or two to start.
const SLOW = 60_000;

let db: PGlite;
let server: PGLiteSocketServer;
let url: string;
let dir: string;

beforeEach(async () => {
  db = await PGlite.create();
  server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
  await server.start();
  url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  dir = await mkdtemp(path.join(tmpdir(), "meetmind-compat-"));
});
afterEach(async () => {
  await server.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const diagnose = (migrationsDir: string) => diagnoseMigrationHistory({ migrationsDir, database: db });

/** Migrations in the temp folder, written as `pnpm db:migration` writes them (lock file included). */
async function addMigration(name: string, sql: string, day: number): Promise<string> {
  return writeMigration({ migrationsDir: dir, name, sql, date: new Date(Date.UTC(2026, 0, day)) });
}

describe("Prisma's diagnosis of databases our applier migrated", () => {
  it(
    "sees the repository's migrations as fully applied: migrate deploy has nothing to do",
    async () => {
      await applyMigrations(url);
      expect(await diagnose(paths.migrations)).toEqual({
        history: null,
        failedMigrationNames: [],
        editedMigrationNames: [],
        hasMigrationsTable: true,
      });
    },
    SLOW,
  );

  it(
    "sees an empty database as behind by every migration",
    async () => {
      const names = await listMigrationFolders(paths.migrations);
      expect(names.length).toBeGreaterThan(0);
      expect(await diagnose(paths.migrations)).toEqual({
        history: { diagnostic: "databaseIsBehind", unappliedMigrationNames: names },
        failedMigrationNames: [],
        editedMigrationNames: [],
        hasMigrationsTable: false,
      });
    },
    SLOW,
  );

  it(
    "computes checksums as we do: an applied migration edited afterwards is reported as edited",
    async () => {
      const first = await addMigration("first", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n', 1);
      const second = await addMigration("second", 'ALTER TABLE "a" ADD COLUMN "b" TEXT;\n', 2);
      expect((await applyMigrations(url, { migrationsDir: dir })).applied).toEqual([first, second]);
      expect(await diagnose(dir)).toMatchObject({ history: null, editedMigrationNames: [] });

      await writeFile(path.join(dir, first, "migration.sql"), 'CREATE TABLE "a" ("id" BIGINT PRIMARY KEY);\n');
      expect(await diagnose(dir)).toEqual({
        history: null,
        failedMigrationNames: [],
        editedMigrationNames: [first],
        hasMigrationsTable: true,
      });
    },
    SLOW,
  );

  it(
    "sees a migration our applier recorded as failed as failed, and as pending once rolled back",
    async () => {
      await addMigration("good", 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n', 1);
      const broken = await addMigration("broken", 'ALTER TABLE "missing" ADD COLUMN "b" TEXT;\n', 2);
      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toBeInstanceOf(MigrationError);

      // history stays null: the failed migration is in the table. `migrate deploy` refuses on
      // failedMigrationNames (P3009), as our applier does.
      expect(await diagnose(dir)).toEqual({
        history: null,
        failedMigrationNames: [broken],
        editedMigrationNames: [],
        hasMigrationsTable: true,
      });

      await markRolledBack(url, broken);
      expect(await diagnose(dir)).toEqual({
        history: { diagnostic: "databaseIsBehind", unappliedMigrationNames: [broken] },
        failedMigrationNames: [],
        editedMigrationNames: [],
        hasMigrationsTable: true,
      });
    },
    SLOW,
  );
});
