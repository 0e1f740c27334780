export { createPrismaClient, withJitOff, type Db, type PrismaClientOptions } from "./client.js";
export { queryRows } from "./direct.js";
export { openDatabase, withoutPassword, type DatabaseTarget, type OpenDatabaseOptions } from "./database.js";
export {
  EMBEDDED_STATE_FILE,
  EmbeddedInUseError,
  findRunningEmbedded,
  PASSWORD_FILE,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "./embedded.js";
export { applyMigrations, markRolledBack, MigrationError, type ApplyResult } from "./migrations/apply.js";
export { paths, resolveDataDir } from "./paths.js";
export * from "./generated/prisma/enums.js";
export { Prisma, type PrismaClient } from "./generated/prisma/client.js";
export { DEMO_EMAIL, seedDemoIfEmpty, type DemoLogin } from "./seed.js";
export { scopedDb, TENANT_MODELS, type ScopedDb } from "./scope.js";
export { isUniqueViolation } from "./errors.js";
