// How every database tool (migrate, seed, studio) opens the configured database: DATABASE_URL, or
// the embedded one in DATA_DIR, through the running server's PostgreSQL when a server is serving it.
import { loadEnv } from "@meetmind/config";
import { openDatabase, type DatabaseTarget } from "../database.js";

export function openConfiguredDatabase(options: { migrate?: boolean } = {}): Promise<DatabaseTarget> {
  const env = loadEnv();
  return openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    ...options,
    reuseRunningEmbedded: true,
    log: (message) => console.log(message),
  });
}
