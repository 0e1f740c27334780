// Prisma's schema engine, compiled to wasm, computing migration SQL without the native engine that
// `prisma migrate dev` would download (it cannot here). The engine replays prisma/migrations on a
// "shadow database" to learn what they build, then diffs that against schema.prisma; our shadow
// database is a throwaway in-memory PGlite, so no server or DATABASE_URL is needed.
//
// @prisma/schema-engine-wasm is internal to Prisma and may change without notice: it is pinned in
// package.json, and engine.test.ts exercises everything used here.
//
// Here: engine sessions, diffs and history diagnosis. wasm.ts loads the engine; shadow-databases.ts
// gives it its PGlite databases; files.ts reads and writes the migration folders.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { DiagnoseMigrationHistoryOutput, DiffTarget, MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { MIGRATION_LOCK_FILE, MIGRATION_LOCK_TOML, readMigrations } from "./files.js";
import { PgliteDatabases } from "./shadow-databases.js";
import { lastPanicMessage, loadSchemaEngine } from "./wasm.js";

/**
 * The migrations folder in the shape the engine takes. Built on readMigrations so the engine
 * replays migrations in exactly the order our applier (apply.ts) runs them.
 */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockContent = await readFile(path.join(baseDir, MIGRATION_LOCK_FILE), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  const migrations = await readMigrations(baseDir);
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: migration.sql } },
    })),
  };
}

/** True when SQL has no statements: only comments and whitespace (the engine says "-- This is an empty migration."). */
export function isEmptyMigration(sql: string): boolean {
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/--[^\n]*/g, "")
      .trim() === ""
  );
}

export class SchemaEngineError extends Error {
  constructor(
    message: string,
    /** Prisma's error code when the engine gave one, e.g. P3006 (a migration failed to apply). */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SchemaEngineError";
  }
}

function engineError(error: unknown, databases: PgliteDatabases): SchemaEngineError {
  const base = error instanceof Error ? error : new Error(String(error));
  const code = (base as { code?: unknown }).code;
  // Keep the engine's report (it names the failing migration) but drop its Rust span trace, and
  // replace "External error id#N" placeholders with the JS error behind them.
  let message = base.message
    .replace(/\n\s+0: schema_engine[\s\S]*$/, "")
    .replace(/External error id#(\d+)/g, (text, id: string) => databases.errors.describe(Number(id)) ?? text);
  const panic = lastPanicMessage();
  if (base.name === "RuntimeError" && panic) message = `The schema engine crashed: ${panic}`;
  return new SchemaEngineError(message.trim(), typeof code === "string" ? code : undefined, { cause: error });
}

export interface SchemaFile {
  /** Used in the engine's error messages. */
  path: string;
  content: string;
}

export interface EngineSessionOptions {
  /**
   * The schema the engine is constructed with (Prisma passes the project's schema). Commands that
   * take their inputs as parameters, like diagnoseMigrationHistory, do not need one.
   */
  schema?: SchemaFile;
  /**
   * The engine's main database, for commands that inspect a database; the caller keeps it open.
   * Omitted: a scratch in-memory database (the first shadow database), for computing SQL.
   */
  database?: PGlite;
  /** Receives the engine's JSON log lines; silent by default. */
  log?: (line: string) => void;
}

/**
 * Runs `work` with a schema engine backed by PGlite databases, then frees the engine and closes
 * the databases it started. Engine failures are rethrown as SchemaEngineError.
 */
export async function withSchemaEngine<T>(options: EngineSessionOptions, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const databases = new PgliteDatabases(options.database);
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngineClass.new(
      { datamodels: options.schema ? [[options.schema.path, options.schema.content]] : undefined },
      (line: string) => options.log?.(line),
      databases.factory(),
    );
    return await work(engine);
  } catch (error) {
    throw engineError(error, databases);
  } finally {
    engine?.free();
    await databases.close();
  }
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface DiffOptions {
  migrationsDir: string;
  schemaPath: string;
  /**
   * "migrations": the SQL for a new migration (what the existing migrations lack);
   * "empty": the SQL creating the whole schema in an empty database.
   */
  from: "migrations" | "empty";
  log?: (line: string) => void;
}

/**
 * The SQL that takes the `from` state to schema.prisma, or "" when there is nothing to do.
 * From "migrations" it replays every existing migration on a shadow database first; a migration
 * that fails there is reported as a SchemaEngineError with code P3006.
 */
export async function diffSql(options: DiffOptions): Promise<string> {
  const schema: SchemaFile = { path: options.schemaPath, content: await readFile(options.schemaPath, "utf8") };
  let from: DiffTarget = { tag: "empty" };
  if (options.from === "migrations") {
    const list = await readMigrationList(options.migrationsDir);
    // The engine needs the lock file to know the database kind. Before the first migration there
    // is none yet; writeMigration creates it with this very content.
    list.lockfile.content ??= MIGRATION_LOCK_TOML;
    from = { tag: "migrations", ...list };
  }
  const result = await withSchemaEngine({ schema, ...(options.log ? { log: options.log } : {}) }, (engine) =>
    engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    }),
  );
  const sql = result.stdout ?? "";
  return isEmptyMigration(sql) ? "" : sql.endsWith("\n") ? sql : `${sql}\n`;
}

export type MigrationHistoryDiagnosis = DiagnoseMigrationHistoryOutput;

export interface DiagnoseOptions {
  migrationsDir: string;
  /** The database to compare with the folder, e.g. one our applier (apply.ts) migrated. Left open. */
  database: PGlite;
  log?: (line: string) => void;
}

/**
 * Prisma's own verdict on a database's migration history, as `prisma migrate deploy` and
 * `prisma migrate status` compute it: pending (`history`), failed and edited migrations. Without a
 * shadow database, like deploy; `history: null` means in sync and nothing to apply.
 */
export async function diagnoseMigrationHistory(options: DiagnoseOptions): Promise<MigrationHistoryDiagnosis> {
  const migrationsList = await readMigrationList(options.migrationsDir);
  return withSchemaEngine({ database: options.database, ...(options.log ? { log: options.log } : {}) }, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
}
