// The databases the schema engine works on, in the form it calls them: in-memory PGlite behind
// Prisma's driver adapter interface, each call's failure captured as a value the engine reads.
import { inspect } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

// Types of Prisma's driver adapter interface, taken from the adapter we use (its package,
// @prisma/driver-adapter-utils, is not a direct dependency).
type SqlDriverAdapter = Awaited<ReturnType<PrismaPGlite["connectToShadowDb"]>>;
type SqlTransaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;

/** What the engine expects back from every adapter call (see bindAdapter in @prisma/driver-adapter-utils). */
export type Captured<T> = { ok: true; value: T } | { ok: false; error: object };

/** Errors the engine cannot interpret are kept here; it refers to them as "External error id#N". */
export class JsErrors {
  private readonly errors: unknown[] = [];
  // Arrow functions: the engine calls these as plain functions, without `this`.
  readonly register = (error: unknown): number => this.errors.push(error) - 1;
  readonly consumeError = (id: number): { error: unknown } | undefined => (id in this.errors ? { error: this.errors[id] } : undefined);
  /** The message of error N, to make the engine's "External error id#N" readable. */
  describe(id: number): string | undefined {
    const error = this.errors[id];
    return error === undefined ? undefined : error instanceof Error ? error.message : inspect(error);
  }
}

interface PostgresError {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function isPostgresError(error: unknown): error is PostgresError {
  return (
    error instanceof Error &&
    typeof (error as Partial<PostgresError>).code === "string" &&
    typeof (error as Partial<PostgresError>).severity === "string"
  );
}

/** Prisma's DriverAdapterError: its `cause` is already the payload the engine understands. */
function driverErrorPayload(error: unknown): object | undefined {
  if (!(error instanceof Error) || error.name !== "DriverAdapterError") return undefined;
  return typeof error.cause === "object" && error.cause !== null ? error.cause : undefined;
}

function capture<Args extends unknown[], T>(errors: JsErrors, fn: (...args: Args) => Promise<T>): (...args: Args) => Promise<Captured<T>> {
  return async (...args) => {
    try {
      return { ok: true, value: await fn(...args) };
    } catch (error) {
      const payload = driverErrorPayload(error);
      if (payload) return { ok: false, error: payload };
      if (isPostgresError(error)) {
        // The engine's generic Postgres error shape; it prints the server's message.
        const { code, message, severity = "ERROR", detail, column, hint } = error;
        return { ok: false, error: { kind: "postgres", code, severity, message, detail, column, hint } };
      }
      return { ok: false, error: { kind: "GenericJs", id: errors.register(error) } };
    }
  };
}

function bindTransaction(errors: JsErrors, tx: SqlTransaction) {
  return {
    adapterName: tx.adapterName,
    provider: tx.provider,
    options: tx.options,
    queryRaw: capture(errors, tx.queryRaw.bind(tx)),
    executeRaw: capture(errors, tx.executeRaw.bind(tx)),
    commit: capture(errors, tx.commit.bind(tx)),
    rollback: capture(errors, tx.rollback.bind(tx)),
  };
}

function bindAdapter(errors: JsErrors, client: PGlite, adapter: SqlDriverAdapter) {
  return {
    adapterName: adapter.adapterName,
    provider: adapter.provider,
    errorRegistry: errors,
    queryRaw: capture(errors, adapter.queryRaw.bind(adapter)),
    executeRaw: capture(errors, adapter.executeRaw.bind(adapter)),
    // pglite-prisma-adapter 0.7.2 does not await exec() here, so a failing migration would be
    // reported as applied (and its error surface later as an unhandled rejection). The engine
    // replays migrations through this call: it must fail when the SQL fails.
    executeScript: capture(errors, async (script: string) => {
      await client.exec(script);
    }),
    startTransaction: capture(errors, async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
      bindTransaction(errors, await adapter.startTransaction(...args)),
    ),
    getConnectionInfo: () => {
      try {
        return { ok: true, value: adapter.getConnectionInfo?.() ?? {} };
      } catch (error) {
        return { ok: false, error: { kind: "GenericJs", id: errors.register(error) } };
      }
    },
    // The databases are closed by their owner (withSchemaEngine, or the caller who passed the main
    // database in) once the engine is done.
    dispose: async (): Promise<Captured<void>> => ({ ok: true, value: undefined }),
  };
}

/**
 * What the engine is constructed with: Prisma's SqlMigrationAwareDriverAdapterFactory. The engine
 * takes it as an untyped object and calls the connections it hands out (bindAdapter's) by name.
 */
export interface EngineAdapterFactory {
  adapterName: string;
  provider: "postgres";
  errorRegistry: JsErrors;
  connect(): Promise<Captured<object>>;
  connectToShadowDb(): Promise<Captured<object>>;
}

/**
 * PGlite databases for one engine session. Shadow databases are in memory and fresh, so a shadow
 * always starts empty. The main database is either the caller's (to inspect it; left open) or
 * scratch: the engine insists on a main connection even for diffs, where it only reads the server
 * version from it, so a scratch main database is also the first shadow database rather than a
 * second PGlite start (about 2 s each).
 */
export class PgliteDatabases {
  readonly errors = new JsErrors();
  private readonly started: Promise<PGlite>[] = [];
  private shared: Promise<PGlite> | undefined;
  private shadowsHandedOut = 0;

  constructor(private readonly main?: PGlite) {}

  private start(): Promise<PGlite> {
    const db = PGlite.create();
    this.started.push(db);
    return db;
  }

  private async connectTo(client: Promise<PGlite>) {
    const db = await client;
    return bindAdapter(this.errors, db, await new PrismaPGlite(db).connect());
  }

  factory(): EngineAdapterFactory {
    const sharedDb = () => (this.shared ??= this.start());
    const main = this.main;
    return {
      adapterName: "pglite-shadow",
      provider: "postgres",
      errorRegistry: this.errors,
      connect: capture(this.errors, () => this.connectTo(main ? Promise.resolve(main) : sharedDb())),
      connectToShadowDb: capture(this.errors, () => this.connectTo(!main && this.shadowsHandedOut++ === 0 ? sharedDb() : this.start())),
    };
  }

  async close(): Promise<void> {
    const started = this.started.splice(0);
    await Promise.all(started.map((db) => db.then((ready) => ready.close()).catch(() => {})));
  }
}
