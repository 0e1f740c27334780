// vitest global setup (vitest.shared.ts): without TEST_DATABASE_URL, one embedded PostgreSQL cluster
// for the whole run, in a temporary folder, stopped and deleted when the run ends. It is a child of
// vitest's main process, which outlives every test file; the test files make their databases on it.
import type { TestProject } from "vitest/node";
import { loadTestEnv } from "@meetmind/config";
import { startEmbeddedPostgres } from "../embedded.js";
// (The key it provides is declared in ../testing.ts.)

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (loadTestEnv().TEST_DATABASE_URL) return undefined;
  // Test files run two at a time, each with a few pools and servers of its own.
  const cluster = await startEmbeddedPostgres({ maxConnections: 300 });
  project.provide("meetmindEmbeddedTestUrl", cluster.url);
  return () => cluster.close();
}
