// The typed client a frontend uses: types only from @meetmind/contracts, real HTTP, no codegen.
// Type-checked in CI, so renaming or reshaping a procedure breaks this file's build.
import { createTRPCClient, httpBatchStreamLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { AppRouter, RouterOutputs } from "@meetmind/contracts";
import { startTestServer, type TestServer } from "@meetmind/server/testing";

let server: TestServer;
let requests = 0;

function makeClient(url: string) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: `${url}/trpc`, transformer: superjson, EventSource }),
        false: httpBatchStreamLink({
          url: `${url}/trpc`,
          transformer: superjson,
          fetch: (input: string | URL | Request, init?: RequestInit) => {
            requests++;
            return fetch(input, init);
          },
        }),
      }),
    ],
  });
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("typed client over HTTP", () => {
  it("batches queries into one request and returns typed results", async () => {
    const client = makeClient(server.url);
    requests = 0;
    const [live, ready] = await Promise.all([client.health.live.query(), client.health.ready.query()]);
    expect(requests).toBe(1);
    expect(live.status).toBe("ok");
    expect(ready).toMatchObject({ status: "ok", database: { ok: true } });
    expectTypeOf(ready).toEqualTypeOf<RouterOutputs["health"]["ready"]>();
    expectTypeOf(ready.database.latencyMs).toBeNumber();
  });

  it("streams a subscription over SSE, with Dates intact through superjson", async () => {
    const client = makeClient(server.url);
    const events: RouterOutputs["health"]["ready"][] = [];
    const sequences: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = client.health.watch.subscribe(
        { intervalMs: 100, count: 3 },
        {
          onData(event) {
            expect(event.at).toBeInstanceOf(Date);
            events.push(event);
            sequences.push(event.sequence);
            if (sequences.length === 3) {
              subscription.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(sequences).toEqual([1, 2, 3]);
    expect(events.every((event) => event.status === "ok")).toBe(true);
  });

  it("reports bad input as a typed BAD_REQUEST with flattened issues", async () => {
    const client = makeClient(server.url);
    const error = await new Promise<unknown>((resolve) => {
      const subscription = client.health.watch.subscribe(
        { intervalMs: 5, count: 1 },
        { onError: (e) => (subscription.unsubscribe(), resolve(e)), onData: () => resolve(null) },
      );
    });
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.code).toBe("BAD_REQUEST");
    expect(data?.appCode).toBe("invalid_input");
    expect(data?.zodError?.fieldErrors).toHaveProperty("intervalMs");
  });

  it("does not compile calls to procedures that do not exist", async () => {
    const client = makeClient(server.url);
    // @ts-expect-error: there is no such procedure; a rename on the server must break this build.
    const call = client.health.nonexistent.query(); // eslint-disable-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- ill-typed on purpose
    await expect(call).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });
});
