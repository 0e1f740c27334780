import { setTimeout as sleep } from "node:timers/promises";
import { createTRPCRouter, publicProcedure } from "../trpc.js";
import { liveOutput, readyOutput, watchEvent, watchInput } from "./schemas.js";
import { checkReadiness } from "./service.js";

export const healthRouter = createTRPCRouter({
  live: publicProcedure.output(liveOutput).query(() => ({
    status: "ok" as const,
    uptimeSeconds: Math.round(process.uptime()),
  })),

  ready: publicProcedure.output(readyOutput).query(({ ctx }) => checkReadiness(ctx.db)),

  /** Readiness as a stream (SSE): for dashboards, and proof that subscriptions work end to end. */
  watch: publicProcedure.input(watchInput).subscription(async function* ({ ctx, input, signal }) {
    for (let sequence = 1; sequence <= input.count; sequence++) {
      // Subscriptions have no .output(); each event is checked against its schema instead.
      yield watchEvent.parse({ ...(await checkReadiness(ctx.db)), sequence, at: new Date() });
      if (sequence < input.count) await sleep(input.intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) return;
    }
  }),
});
