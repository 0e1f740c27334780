// Calling MeetMind's tRPC endpoints over plain HTTP, as the benches do: superjson envelopes,
// `{ json }` in, `{ result: { data: { json } } }` or `{ error: { json } }` out.
import type { Reply } from "./http.js";

/** The URL of a query (GET), its input in the `input` parameter. */
export function trpcQueryUrl(base: URL, procedure: string, input?: unknown): URL {
  const url = new URL(`/trpc/${procedure}`, base);
  if (input !== undefined) url.searchParams.set("input", JSON.stringify({ json: input }));
  return url;
}

/** The body of a mutation (POST). */
export function trpcBody(input: unknown): { json: unknown } {
  return { json: input };
}

/** The data of a successful answer; throws with the server's message otherwise. */
export function trpcData<T>(reply: Reply, what: string): T {
  let parsed: { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } } = {};
  try {
    parsed = JSON.parse(reply.body) as typeof parsed;
  } catch {
    // Not JSON (a proxy's page, a crash): the body itself is shown below.
  }
  if (reply.status !== 200 || parsed.result?.data?.json === undefined) {
    throw new Error(`${what} failed: HTTP ${reply.status} ${parsed.error?.json?.message ?? reply.body.slice(0, 300)}`);
  }
  return parsed.result.data.json;
}

/** What went wrong, for counting failures: the app's code (e.g. rate_limited), the tRPC code, or the HTTP status. */
export function trpcErrorCode(reply: Reply): string {
  try {
    const parsed = JSON.parse(reply.body) as { error?: { json?: { data?: { appCode?: string; code?: string } } } };
    return parsed.error?.json?.data?.appCode ?? parsed.error?.json?.data?.code ?? `http_${reply.status}`;
  } catch {
    return `http_${reply.status}`;
  }
}
