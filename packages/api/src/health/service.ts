import type { Db } from "@meetmind/db";

export interface Readiness {
  status: "ok" | "unavailable";
  database: { ok: boolean; latencyMs: number };
}

const READY_TIMEOUT_MS = 2_000;

/** One database round trip, bounded so a hung database answers "unavailable" instead of hanging. */
export async function checkReadiness(db: Db): Promise<Readiness> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  const ok = await Promise.race([
    db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  return { status: ok ? "ok" : "unavailable", database: { ok, latencyMs } };
}
