import { z } from "zod";

export const liveOutput = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() });

export const readyOutput = z.object({
  status: z.enum(["ok", "unavailable"]),
  database: z.object({ ok: z.boolean(), latencyMs: z.number() }),
});

export const watchInput = z.object({
  intervalMs: z.number().int().min(100).max(60_000).default(1_000),
  /** Bounded so a forgotten subscription does not run forever. */
  count: z.number().int().min(1).max(1_000).default(10),
});

export const watchEvent = readyOutput.extend({ sequence: z.number().int(), at: z.date() });
