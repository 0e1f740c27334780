import { fileURLToPath } from "node:url";

// Same depth from src/ and dist/, so this works for sources and built code alike.
const repoRoot = new URL("../../../", import.meta.url);

export const paths = {
  repoRoot: fileURLToPath(repoRoot),
  schema: fileURLToPath(new URL("prisma/schema.prisma", repoRoot)),
  migrations: fileURLToPath(new URL("prisma/migrations", repoRoot)),
};
