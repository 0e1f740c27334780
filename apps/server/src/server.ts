import { once } from "node:events";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Env } from "@meetmind/config";
import {
  createJobHandlers,
  createServices,
  ensureSuperuser,
  failInterruptedAnswers,
  queueMissingEmbeddings,
  settleRunningAnswers,
  startEmailDelivery,
  startJobWorker,
  type JobWorker,
} from "@meetmind/api";
import { createPrismaClient, EMBEDDED_STATE_FILE, openDatabase, seedDemoIfEmpty, withoutPassword } from "@meetmind/db";
import { createApp } from "./app.js";

const ANSWER_SWEEP_INTERVAL_MS = 60_000;

/**
 * Threads hashing passwords: PASSWORD_WORKERS, or for 0 one per core, less one when the database
 * runs on this machine as our child (embedded PostgreSQL): with every core hashing, a stream of
 * logins would leave the event loop and the database a share of a core, and every other request
 * would wait for it.
 */
function passwordThreads(configured: number, databaseMode: "embedded" | "postgres"): number {
  if (configured > 0) return configured;
  return databaseMode === "embedded" ? Math.max(1, availableParallelism() - 1) : availableParallelism();
}

export interface RunningServer {
  url: string;
  databaseMode: "embedded" | "postgres";
  databaseUrl: string;
  /** Graceful: stop accepting, let in-flight requests finish (up to the deadline), close the database. */
  close(): Promise<void>;
}

/**
 * Graceful shutdown's first step, prepared while the server starts: drain() stops it accepting
 * connections; from then on every response not yet begun says `Connection: close`, so keep-alive
 * clients take their next request elsewhere instead of sending it here; connections with nothing in
 * flight are closed at once, and every other one as soon as its response is out. Requests under
 * way are left to finish. Resolves once the last connection is closed.
 */
function drainable(server: Server): () => Promise<void> {
  let draining = false;
  const unanswered = new Set<ServerResponse>();
  // Ahead of the app's own listener, so even a response it sends at once carries the header.
  server.prependListener("request", (_req, res: ServerResponse) => {
    if (draining) res.setHeader("connection", "close");
    unanswered.add(res);
    res.once("close", () => unanswered.delete(res));
    // A response that began before the drain promised keep-alive: its connection is now idle.
    res.once("finish", () => draining && server.closeIdleConnections());
  });
  return () => {
    draining = true;
    for (const res of unanswered) if (!res.headersSent) res.setHeader("connection", "close");
    // Stops accepting, and closes the connections idle now (Node 19+).
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

export async function startServer(env: Env, log: Logger): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    embeddedPort: env.EMBEDDED_DB_PORT,
    log: (message) => log.info(message),
  });
  const db = createPrismaClient(database.url, {
    poolSize: env.DATABASE_POOL_SIZE,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    onPoolError: (error) => log.warn({ err: error }, "database connection error"),
  });

  const email = startEmailDelivery({ db, smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM, log });
  let jobs: JobWorker | undefined;
  let answerSweep: NodeJS.Timeout | undefined;
  // Answers still running long after any could (two model calls, each within LLM_TIMEOUT_MS per
  // piece) were cut off by a crash of this or another instance: fail them so they can be retried.
  const sweepInterruptedAnswers = () =>
    failInterruptedAnswers(db, 10 * env.LLM_TIMEOUT_MS).then(
      (count) => count > 0 && log.warn({ answers: count }, "marked interrupted Ask Mind answers as failed"),
      (error: unknown) => log.warn({ err: error }, "could not sweep interrupted Ask Mind answers"),
    );
  const hashingThreads = passwordThreads(env.PASSWORD_WORKERS, database.mode);
  const services = await createServices({
    env: { ...env, PASSWORD_WORKERS: hashingThreads },
    db,
    log,
    emailQueued: () => void email.deliverDue(),
    jobsQueued: () => void jobs?.runDue(),
  });

  let server: Server | undefined;
  try {
    jobs = startJobWorker({
      db,
      log,
      handlers: createJobHandlers({
        db,
        ai: services.ai,
        embeddings: services.embeddings,
        workspaceAi: services.workspaceAi,
        appUrl: services.settings.appUrl,
        log,
      }),
      pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
      concurrency: env.JOB_CONCURRENCY,
    });
    await sweepInterruptedAnswers();
    answerSweep = setInterval(() => void sweepInterruptedAnswers(), ANSWER_SWEEP_INTERVAL_MS);
    answerSweep.unref();
    if (services.embeddings) {
      // A scan of every segment: in the background, so startup does not wait for it.
      void queueMissingEmbeddings(db, services.embeddings.model).then(
        (queued) =>
          queued > 0 && log.info({ transcripts: queued }, "queued embeddings for transcripts that have none for the configured model"),
        (error: unknown) => log.warn({ err: error }, "could not queue missing embeddings"),
      );
    }
    if (env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD) {
      const { created } = await ensureSuperuser(db, services, {
        email: env.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(),
        password: env.BOOTSTRAP_ADMIN_PASSWORD,
      });
      log.info({ email: env.BOOTSTRAP_ADMIN_EMAIL }, created ? "created the bootstrap superuser" : "bootstrap superuser is up to date");
    }
    if (env.SEED_DEMO) {
      const demo = await seedDemoIfEmpty(db);
      if (demo) {
        log.info(
          { email: demo.email, workspace: demo.workspaceSlug },
          `Seeded a demo workspace. Log in as ${demo.email} with password ${demo.password}`,
        );
      }
    }
    const app = createApp({ env, db, log, services });
    server = app.listen(env.PORT, env.HOST);
    await once(server, "listening");
  } catch (error) {
    server?.close();
    clearInterval(answerSweep);
    await jobs?.stop();
    await email.stop();
    await services.close();
    await db.$disconnect();
    await database.close();
    throw error;
  }
  const listening = server;
  const drain = drainable(listening);
  const { port } = listening.address() as AddressInfo;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
  log.info(
    {
      url,
      database: database.mode,
      passwordThreads: hashingThreads,
      // The URL with its password is in embedded.json (readable by this user only), not in logs.
      ...(database.dataDir
        ? {
            dataDir: database.dataDir,
            databaseUrl: withoutPassword(database.url),
            databaseUrlFile: path.join(database.dataDir, EMBEDDED_STATE_FILE),
          }
        : {}),
    },
    `MeetMind listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    // One deadline for the whole drain: requests, then the answers still being written.
    const deadlineAt = Date.now() + env.SHUTDOWN_TIMEOUT_MS;
    const closed = drain();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), env.SHUTDOWN_TIMEOUT_MS);
    });
    if ((await Promise.race([closed, deadline])) === "timeout") {
      log.warn("shutdown deadline reached; closing remaining connections");
      listening.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
    clearInterval(answerSweep);
    // Answers run apart from their requests; let those under way be stored.
    await settleRunningAnswers(Math.max(0, deadlineAt - Date.now()));
    await jobs?.stop();
    await email.stop();
    await services.close();
    await db.$disconnect();
    await database.close();
    log.info("shutdown complete");
  }
  return {
    url,
    databaseMode: database.mode,
    databaseUrl: database.url,
    close: () => (closing ??= close()),
  };
}
