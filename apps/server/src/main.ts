// Process entry point: configuration, start, and graceful shutdown on SIGTERM/SIGINT.
import { EnvError, loadEnv } from "@meetmind/config";
import { createLogger, prettyLogsWanted } from "./logger.js";
import { startServer } from "./server.js";

let env;
try {
  env = loadEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const log = createLogger(env.LOG_LEVEL, undefined, { pretty: prettyLogsWanted(env.NODE_ENV) });
try {
  const server = await startServer(env, log);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  log.fatal({ err: error }, "startup failed");
  process.exit(1);
}
