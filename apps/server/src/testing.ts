// Starts the real server (real HTTP, real database) on a free port, for tests in any package.
import { Writable } from "node:stream";
import { parseEnv } from "@meetmind/config";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createLogger } from "./logger.js";
import { startServer, type RunningServer } from "./server.js";

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
}

export interface TestServerOptions {
  /**
   * A database the caller made (and closes): for tests that put something between the server and
   * it, with DATABASE_URL in the settings. Default: a new one, closed with the server.
   */
  database?: TestDatabase;
}

export async function startTestServer(settings: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await createTestDatabase());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const env = parseEnv({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    SEED_DEMO: "false",
    BCRYPT_COST: "4",
    PASSWORD_WORKERS: "2",
    DATABASE_URL: database.url,
    ...settings,
  });
  try {
    const server = await startServer(env, createLogger(env.LOG_LEVEL, sink));
    return {
      ...server,
      database,
      logs,
      async close() {
        await server.close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}
