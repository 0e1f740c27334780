import path from "node:path";
import { fileURLToPath } from "node:url";

// Same depth from src/ and dist/, so this works for sources and built code alike.
const repoRoot = new URL("../../../", import.meta.url);

export const paths = {
  repoRoot: fileURLToPath(repoRoot),
  schema: fileURLToPath(new URL("prisma/schema.prisma", repoRoot)),
  migrations: fileURLToPath(new URL("prisma/migrations", repoRoot)),
};

/**
 * The embedded database's directory. A relative DATA_DIR is relative to the repository root, not
 * to the working directory: the server (run from apps/server) and the db tools (run from
 * packages/db) must open the same database.
 */
export function resolveDataDir(dataDir: string): string {
  return path.resolve(paths.repoRoot, dataDir);
}
