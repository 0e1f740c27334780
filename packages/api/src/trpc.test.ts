import type { AddressInfo } from "node:net";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@meetmind/db/testing";
import { createContextInner, type AuthUser } from "./context.js";
import { ConflictError, NotFoundError, RateLimitedError } from "./errors.js";
import { appRouter } from "./app/router.js";
import type { AppServices } from "./ports.js";
import { createTestServices } from "./testing/services.js";
import { adminProcedure, createCallerFactory, createTRPCRouter, protectedProcedure, publicProcedure } from "./trpc.js";

// A router that exercises the error pipeline the real domains rely on.
const probeRouter = createTRPCRouter({
  conflict: publicProcedure.query(() => {
    throw new ConflictError("That email is taken", "email_taken");
  }),
  missing: publicProcedure.query(() => {
    throw new NotFoundError("Meeting");
  }),
  limited: publicProcedure.query(() => {
    throw new RateLimitedError(42);
  }),
  crash: publicProcedure.query(() => {
    throw new Error("connect ECONNREFUSED 10.0.0.7:5432 at /srv/app/db.ts");
  }),
  validated: publicProcedure.input(z.object({ email: z.email(), age: z.number().int().min(0) })).query(() => "ok"),
  whoami: protectedProcedure.query(({ ctx }) => ctx.user.email),
  secret: adminProcedure.query(() => "admin only"),
});

let database: TestDatabase;
let services: AppServices & { close(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
  services = await createTestServices(database.db);
});
afterAll(async () => {
  await services.close();
  await database.close();
});

const probe = (user: AuthUser | null = null) => createCallerFactory(probeRouter)(createContextInner({ db: database.db, services, user }));

let probeUrl: string;
let closeProbe: () => Promise<void>;
beforeAll(async () => {
  // Served over real HTTP so the formatter and the status codes are what a client sees.
  const server = createHTTPServer({
    router: probeRouter,
    createContext: () => createContextInner({ db: database.db, services }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  probeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeProbe = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => closeProbe());

interface ErrorShape {
  message: string;
  code: number;
  data: {
    code: string;
    httpStatus: number;
    appCode: string;
    retryAfterSeconds: number | null;
    zodError: { formErrors: string[]; fieldErrors: Record<string, string[]> } | null;
  };
}

/** Calls a probe query over HTTP and returns the HTTP status and the error body. */
async function shapeOf(path: string, input?: unknown): Promise<ErrorShape & { status: number }> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const response = await fetch(`${probeUrl}/${path}${query}`);
  const body = (await response.json()) as { error: { json: ErrorShape } };
  return { ...body.error.json, status: response.status };
}

describe("error mapping", () => {
  it("maps domain errors to tRPC codes with a stable appCode", async () => {
    const conflict = await shapeOf("conflict");
    expect(conflict.data).toMatchObject({ code: "CONFLICT", httpStatus: 409, appCode: "email_taken" });
    expect(conflict.message).toBe("That email is taken");
    expect(conflict.status).toBe(409);

    const missing = await shapeOf("missing");
    expect(missing.data).toMatchObject({ code: "NOT_FOUND", httpStatus: 404, appCode: "not_found" });

    const limited = await shapeOf("limited");
    expect(limited.data).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "rate_limited", retryAfterSeconds: 42 });
  });

  it("flattens zod issues for bad input", async () => {
    const shape = await shapeOf("validated", { email: "nope", age: -1 });
    expect(shape.data).toMatchObject({ code: "BAD_REQUEST", appCode: "invalid_input" });
    expect(Object.keys(shape.data.zodError?.fieldErrors ?? {}).sort()).toEqual(["age", "email"]);
  });

  it("hides the internals of unexpected errors", async () => {
    const shape = await shapeOf("crash");
    expect(shape.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", appCode: "internal_server_error" });
    expect(shape.message).toBe("Internal server error");
    expect(shape.status).toBe(500);
    expect(JSON.stringify(shape)).not.toMatch(/ECONNREFUSED|\/srv\/app|stack/);
  });
});

describe("base procedures", () => {
  const alice: AuthUser = { id: "0190d6a0-0000-7000-8000-000000000001", email: "alice@example.com", isAdmin: false };

  it("protectedProcedure requires a user and narrows ctx.user", async () => {
    await expect(probe().whoami()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(probe(alice).whoami()).resolves.toBe("alice@example.com");
  });

  it("adminProcedure answers NOT_FOUND to everyone but superusers", async () => {
    await expect(probe().secret()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(probe(alice).secret()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(probe({ ...alice, isAdmin: true }).secret()).resolves.toBe("admin only");
  });
});

describe("health", () => {
  it("live and ready answer through a server-side caller", async () => {
    const caller = createCallerFactory(appRouter)(createContextInner({ db: database.db, services }));
    await expect(caller.health.live()).resolves.toMatchObject({ status: "ok" });
    await expect(caller.health.ready()).resolves.toMatchObject({ status: "ok", database: { ok: true } });
  });
});
