// The embedded database's own test files share this: scratch data directories (each holds a
// ~40 MB PostgreSQL cluster, removed after the file's tests) and servers opened on them (closed
// after each test). Call it at the top of a file: it registers the hooks.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../embedded.js";

export function useScratchEmbedded() {
  /** Servers closed after each test; a test may push one it started itself. */
  const opened: EmbeddedPostgres[] = [];
  const scratch: string[] = [];
  afterEach(async () => {
    for (const embedded of opened.splice(0)) await embedded.close();
  });
  // Best effort: a PostgreSQL that is still stopping may add a file while the folder is removed.
  afterAll(() =>
    Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {}))),
  );
  const newDataDir = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), "meetmind-embedded-"));
    scratch.push(dir);
    return dir;
  };
  const open = async (dataDir: string): Promise<EmbeddedPostgres> => {
    const embedded = await startEmbeddedPostgres({ dataDir });
    opened.push(embedded);
    return embedded;
  };
  return { opened, newDataDir, open };
}
