// A workspace's own model server: where its base URL may point, and a connection test (GET /models).
//
// The server makes these requests, so a base URL chosen by a workspace admin could aim at the
// server's own network (cloud metadata at 169.254.169.254, internal services). Unless the operator
// allows private addresses (AI_ALLOW_PRIVATE_BASE_URLS; on outside production, for a local Ollama
// and tests' loopback fake), a base URL must name, and resolve only to, public unicast addresses;
// it is checked when saved, when its provider is built and before each test, and such requests
// never follow redirects. A DNS answer that changes between the check and the connection is not
// caught here: an egress firewall is the complete answer for deployments that need one.
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { z } from "zod";

export const BASE_URL_MAX_CHARS = 500;

/** Without trailing slashes: paths such as /chat/completions are appended. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** The scheme and host (with port) of a URL: the stored key is only ever sent back to the same origin. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

const isPublic = (address: string) => ipaddr.isValid(address) && ipaddr.process(address).range() === "unicast";

/** Why the base URL may not be used, or null when it may. DNS is only asked when private addresses are refused. */
export async function baseUrlProblem(url: string, options: { allowPrivate: boolean }): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be http or https";
  if (parsed.username || parsed.password) return "must not contain a user name or password (give the API key separately)";
  if (parsed.search || parsed.hash) return "must not have a query or fragment";
  if (options.allowPrivate) return null;
  // URL keeps IPv6 hosts in brackets.
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) return isPublic(host) ? null : "must not point to a private, loopback or link-local address";
  if (host === "localhost" || host.endsWith(".localhost")) return "must not point to a private, loopback or link-local address";
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `names a host that does not resolve (${host})`;
  }
  if (addresses.length === 0 || !addresses.every(({ address }) => isPublic(address)))
    return "must not point to a private, loopback or link-local address";
  return null;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** Time to the server's answer (or failure), in milliseconds. */
  latencyMs: number;
  /** Model ids the server lists (at most MAX_MODELS), sorted. */
  models: string[];
  /** The server's HTTP status, when it answered. */
  status: number | null;
  /** The server's own error message (or why it could not be reached), with the key removed. */
  error: string | null;
}

const MAX_MODELS = 500;
const MAX_ERROR_CHARS = 300;
const modelList = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

/** Removes the key from a message a server may have echoed it in. */
function redact(message: string, apiKey: string | null): string {
  const clean = apiKey && apiKey.length >= 4 ? message.split(apiKey).join("[redacted]") : message;
  return clean.replace(/\s+/g, " ").trim().slice(0, MAX_ERROR_CHARS);
}

/** The message of an error body: OpenAI's `{ error: { message } }`, `{ error: "..." }`, or the text. */
function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === "string") return message;
  } catch {
    // not JSON: the text itself
  }
  return body;
}

/** GET {baseUrl}/models with the key: how long it took and what it lists, or how it failed. Never throws. */
export async function testModelServer(config: {
  baseUrl: string;
  apiKey: string | null;
  timeoutMs: number;
}): Promise<ConnectionTestResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (status: number | null, error: string): ConnectionTestResult => ({
    ok: false,
    latencyMs: elapsed(),
    models: [],
    status,
    error: redact(error, config.apiKey),
  });
  let response: Response;
  try {
    response = await fetch(`${normalizeBaseUrl(config.baseUrl)}/models`, {
      headers: { accept: "application/json", ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      redirect: "error",
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError") return failed(null, `The model server did not answer within ${config.timeoutMs} ms`);
    // fetch's own message is "fetch failed"; the cause says why (refused, not found, redirected…) without internals.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
    return failed(null, `Could not reach the model server${cause ? `: ${cause}` : ""}`);
  }
  const latencyMs = elapsed();
  const body = await response.text().catch(() => "");
  if (!response.ok) return { ...failed(response.status, errorMessageOf(body) || `HTTP ${response.status}`), latencyMs };
  let parsed: z.infer<typeof modelList> | undefined;
  try {
    parsed = modelList.safeParse(JSON.parse(body)).data;
  } catch {
    parsed = undefined;
  }
  if (!parsed)
    return { ...failed(response.status, "The server's answer is not a model list (is this an OpenAI-compatible /v1 URL?)"), latencyMs };
  const models = [...new Set(parsed.data.map((model) => model.id.slice(0, 200)))].sort().slice(0, MAX_MODELS);
  return { ok: true, latencyMs, models, status: response.status, error: null };
}
