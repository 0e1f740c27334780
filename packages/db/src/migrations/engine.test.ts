import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { paths } from "../paths.js";
import { diffSql, isEmptyMigration, readMigrationList, SchemaEngineError } from "./engine.js";
import { isValidMigrationName, listMigrationFolders, MIGRATION_LOCK_TOML, migrationTimestamp, writeMigration } from "./files.js";

// Each diff starts the wasm engine and an in-memory PGlite: one to two seconds.
const SLOW = 60_000;

describe("prisma/migrations", () => {
  it(
    "contain everything in prisma/schema.prisma (else: pnpm db:migration <name>)",
    async () => {
      const sql = await diffSql({ migrationsDir: paths.migrations, schemaPath: paths.schema, from: "migrations" });
      // The statements' first lines: enough to see what is missing without pages of SQL.
      const missing = sql.split("\n").filter((line) => /^[A-Z]/.test(line));
      expect(missing, "schema.prisma has changes no migration contains: run `pnpm db:migration <name>`").toEqual([]);
    },
    SLOW,
  );
});

const BASE_SCHEMA = `datasource db {
  provider = "postgresql"
}

model Author {
  id    String @id @default(uuid(7)) @db.Uuid
  email String @unique
  books Book[]

  @@map("authors")
}

model Book {
  id       String @id @default(uuid(7)) @db.Uuid
  title    String
  authorId String @map("author_id") @db.Uuid
  author   Author @relation(fields: [authorId], references: [id], onDelete: Cascade)

  @@index([authorId])
  @@map("books")
}
`;

const EXTRA_MODEL = `
model Review {
  id     String @id @default(uuid(7)) @db.Uuid
  bookId String @map("book_id") @db.Uuid
  stars  Int

  @@index([bookId])
  @@map("reviews")
}
`;

describe("diffSql in a scratch project", () => {
  let dir: string;
  let migrationsDir: string;
  let schemaPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "meetmind-engine-"));
    migrationsDir = path.join(dir, "migrations");
    schemaPath = path.join(dir, "schema.prisma");
    await writeFile(schemaPath, BASE_SCHEMA);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const fromMigrations = () => diffSql({ migrationsDir, schemaPath, from: "migrations" });

  it(
    "finds a new model, and nothing once its migration is written",
    async () => {
      const init = await fromMigrations(); // no migrations folder yet
      expect(init).toContain('CREATE TABLE "authors"');
      const initFolder = await writeMigration({ migrationsDir, name: "init", sql: init });
      expect(initFolder).toMatch(/^\d{14}_init$/);
      expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toBe(MIGRATION_LOCK_TOML);
      expect(await fromMigrations()).toBe("");

      await writeFile(schemaPath, BASE_SCHEMA + EXTRA_MODEL);
      const added = await fromMigrations();
      expect(added).toContain('CREATE TABLE "reviews"');
      expect(added).not.toContain('CREATE TABLE "authors"'); // only what the migrations lack

      const second = await writeMigration({ migrationsDir, name: "add_reviews", sql: added });
      expect(await listMigrationFolders(migrationsDir)).toEqual([initFolder, second]);
      expect(await fromMigrations()).toBe("");
    },
    SLOW,
  );

  it(
    "from empty gives SQL that creates the tables",
    async () => {
      const sql = await diffSql({ migrationsDir, schemaPath, from: "empty" });
      expect(sql).toContain('CREATE TABLE "authors"');
      expect(sql).toContain('CREATE TABLE "books"');

      const db = await PGlite.create();
      try {
        await db.exec(sql);
        const { rows } = await db.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        );
        expect(rows.map((row) => row.table_name)).toEqual(["authors", "books"]);
      } finally {
        await db.close();
      }
    },
    SLOW,
  );

  it(
    "reports a migration that fails to apply, naming it",
    async () => {
      // pglite-prisma-adapter alone would swallow this error and report the migration as applied.
      await mkdir(path.join(migrationsDir, "20240101000000_broken"), { recursive: true });
      await writeFile(path.join(migrationsDir, "20240101000000_broken", "migration.sql"), "CREATE TABLE oops (;");
      const error = await fromMigrations().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SchemaEngineError);
      expect((error as SchemaEngineError).code).toBe("P3006");
      expect((error as SchemaEngineError).message).toMatch(/20240101000000_broken[\s\S]*syntax error/);
    },
    SLOW,
  );

  it("reads migrations as the engine expects them", async () => {
    await writeMigration({ migrationsDir, name: "b_second", sql: "SELECT 2;\n", date: new Date("2024-01-02T00:00:00Z") });
    await writeMigration({ migrationsDir, name: "a_first", sql: "SELECT 1;\n", date: new Date("2024-01-01T00:00:00Z") });
    const list = await readMigrationList(migrationsDir);
    expect(list.lockfile).toEqual({ path: "migration_lock.toml", content: MIGRATION_LOCK_TOML });
    // a_first was written second with an earlier date: it is stamped after b_second, so it still
    // applies after it.
    expect(list.migrationDirectories.map((entry) => entry.path)).toEqual(["20240102000000_b_second", "20240102000001_a_first"]);
    expect(list.migrationDirectories[0]?.migrationFile).toEqual({
      path: "migration.sql",
      content: { tag: "ok", value: "SELECT 2;\n" },
    });
    expect(await readdir(migrationsDir)).toContain("migration_lock.toml");
  });
});

describe("helpers", () => {
  it("isEmptyMigration ignores comments and whitespace", () => {
    expect(isEmptyMigration("-- This is an empty migration.\n")).toBe(true);
    expect(isEmptyMigration("  \n/* nothing */\n")).toBe(true);
    expect(isEmptyMigration('-- CreateTable\nCREATE TABLE "x" ();')).toBe(false);
  });

  it("accepts snake_case migration names only", () => {
    expect(isValidMigrationName("init")).toBe(true);
    expect(isValidMigrationName("add_meeting_notes2")).toBe(true);
    for (const bad of ["", "Init", "add-notes", "_x", "x_", "a__b", "1st", "a b", "../x"]) {
      expect(isValidMigrationName(bad), bad).toBe(false);
    }
  });

  it("stamps migrations in UTC like Prisma", () => {
    expect(migrationTimestamp(new Date("2025-03-04T05:06:07.890Z"))).toBe("20250304050607");
  });
});
