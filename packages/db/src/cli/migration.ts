// `pnpm db:migration <name>`: writes the next migration, prisma/migrations/<timestamp>_<name>/,
// with the SQL that brings the existing migrations up to prisma/schema.prisma. Our stand-in for
// `prisma migrate dev --create-only`, whose native engine cannot be downloaded here; it does not
// touch any database (apply with `pnpm db:migrate`).
// `pnpm db:migration --check`: exits 1, printing the missing SQL, when schema.prisma has changes no
// migration contains (for CI).
// Exit codes: 0 done / nothing to do, 1 --check found missing changes, 2 usage or engine error
// (e.g. an existing migration fails to apply on the scratch database).
import path from "node:path";
import { parseArgs } from "node:util";
import { diffSql } from "../migrations/engine.js";
import { isValidMigrationName, writeMigration } from "../migrations/files.js";
import { paths } from "../paths.js";

const USAGE = `Usage:
  pnpm db:migration <name>     write prisma/migrations/<timestamp>_<name>/migration.sql (name in snake_case)
  pnpm db:migration --check    exit 1 if prisma/schema.prisma has changes no migration contains

Options:
  --schema <file>          schema to read (default: prisma/schema.prisma)
  --migrations <dir>       migrations folder (default: prisma/migrations)`;

// Cheap warnings in place of Prisma's data-loss check, which needs a database with real data.
/** Statements that can lose data. */
const LOSES_DATA = /\b(DROP (TABLE|COLUMN|TYPE|SCHEMA)|TRUNCATE|SET DATA TYPE)\b/i;
/** A required column without a default: fails on a table that has rows. */
const REQUIRED_WITHOUT_DEFAULT = /ADD COLUMN\s+"[^"]+" [^,;\n]*NOT NULL(?![^,;\n]*DEFAULT)/i;

function usageError(): number {
  console.error(USAGE);
  return 2;
}

function display(file: string): string {
  const relative = path.relative(paths.repoRoot, file);
  return relative.startsWith("..") ? file : relative;
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      check: { type: "boolean", default: false },
      schema: { type: "string" },
      migrations: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const schemaPath = path.resolve(values.schema ?? paths.schema);
  const migrationsDir = path.resolve(values.migrations ?? paths.migrations);
  const sqlToAdd = () => diffSql({ migrationsDir, schemaPath, from: "migrations" });

  if (values.check) {
    if (positionals.length > 0) return usageError();
    const sql = await sqlToAdd();
    if (sql === "") {
      console.log(`${display(migrationsDir)} matches ${display(schemaPath)}.`);
      return 0;
    }
    console.error(
      `${display(schemaPath)} has changes that no migration contains. ` +
        "Create the migration with `pnpm db:migration <name>` and commit it. The missing SQL:\n",
    );
    console.log(sql);
    return 1;
  }

  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) return usageError();
  if (!isValidMigrationName(name)) {
    console.error(`Invalid migration name "${name}": use snake_case, e.g. add_meeting_notes.`);
    return 2;
  }
  const sql = await sqlToAdd();
  if (sql === "") {
    console.log("No schema changes: no migration written.");
    return 0;
  }
  const folder = await writeMigration({ migrationsDir, name, sql });
  console.log(`Wrote ${display(path.join(migrationsDir, folder, "migration.sql"))}.`);
  if (LOSES_DATA.test(sql)) {
    console.log("Note: it drops or converts tables, columns or types. Check that data must not be moved first.");
  }
  if (REQUIRED_WITHOUT_DEFAULT.test(sql)) {
    console.log("Note: it adds required columns without a default, which fails on tables that have rows.");
  }
  console.log("Review it, then apply it with `pnpm db:migrate`.");
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
