// Prisma CLI configuration (generate, studio). Migrations are NOT run through the Prisma CLI here:
// its native schema engine cannot be downloaded on our machines. See packages/db/src/migrations.
import path from "node:path";
import { defineConfig } from "prisma/config";

// `prisma generate` and `prisma studio` do not use the schema engine, but the CLI insists on
// finding one; any existing file satisfies that check. Only set when the user has not.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("package.json");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "pnpm db:seed" },
  // Studio needs a URL; `pnpm db:studio` provides it (embedded or real). generate does not.
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
