// The baseline of `pnpm bench:http`: the same reads as MeetMind with nothing but node:http, a pg
// Pool and jose. Per request it does what MeetMind's path does at the least: verify the same HS256
// access token, check the session (cached 2 s, as MeetMind's SessionValidator) and the caller's
// membership of the workspace, run one SQL statement, and answer in tRPC's wire format (superjson),
// so the typed client could read it. No framework, no validation library, no logging.
//
// Run: DATABASE_URL=… JWT_SECRET=… PORT=… node --import tsx bench/http/baseline/server.ts
import http from "node:http";
import { jwtVerify } from "jose";
import pg from "pg";
import superjson from "superjson";
import { meetingsGet, meetingsList } from "./queries.js";
import { actionItemsList, searchTranscripts, transcriptsGet } from "./queries-more.js";
import { BaselineNotFound, type BaselineQuery, type BaselineScope } from "./types.js";

const QUERIES: Record<string, BaselineQuery> = {
  "meetings.list": meetingsList,
  "meetings.get": meetingsGet,
  "transcripts.get": transcriptsGet,
  "search.transcripts": searchTranscripts,
  "actionItems.list": actionItemsList,
};

const SESSION_CACHE_MS = 2_000;

function setting(name: string): string {
  // eslint-disable-next-line no-restricted-properties -- a standalone process outside the app: its settings come from the bench.
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

// JIT off, as MeetMind's connections have it (packages/db client.ts withJitOff): the same database work.
const databaseUrl = new URL(setting("DATABASE_URL"));
databaseUrl.searchParams.set("options", "-c jit=off");
const pool = new pg.Pool({ connectionString: databaseUrl.toString(), max: Number(setting("POOL_SIZE")) });
const secret = new TextEncoder().encode(setting("JWT_SECRET"));
const sessions = new Map<string, { userId: string; until: number } | { userId: null; until: number }>();

/** The session's user while the session is live, cached for 2 s like MeetMind's. */
async function sessionUser(sessionId: string): Promise<string | null> {
  const cached = sessions.get(sessionId);
  if (cached && cached.until > Date.now()) return cached.userId;
  const { rows } = await pool.query<{ userId: string }>({
    name: "session",
    text: `SELECT s.user_id AS "userId" FROM active_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = $1 AND s.revoked_at IS NULL AND s.absolute_expires_at > now() AND u.is_active`,
    values: [sessionId],
  });
  const userId = rows[0]?.userId ?? null;
  sessions.set(sessionId, { userId, until: Date.now() + SESSION_CACHE_MS });
  return userId;
}

async function scopeOf(authorization: string | undefined, workspaceId: unknown): Promise<BaselineScope | "unauthorized" | null> {
  if (!authorization?.startsWith("Bearer ")) return "unauthorized";
  let claims: { sub?: string; sid?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(authorization.slice(7), secret, {
      algorithms: ["HS256"],
      issuer: "meetmind",
      audience: "meetmind-api",
      requiredClaims: ["sub", "sid", "iat", "exp"],
    }));
  } catch {
    return "unauthorized";
  }
  if (typeof claims.sid !== "string" || (await sessionUser(claims.sid)) !== claims.sub) return "unauthorized";
  if (typeof workspaceId !== "string") return null;
  const { rows } = await pool.query<{ id: string; role: BaselineScope["role"] }>({
    name: "membership",
    text: `SELECT m.id, m.role::text AS role FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.workspace_id = $1 AND m.user_id = $2 AND w.deleted_at IS NULL`,
    values: [workspaceId, claims.sub],
  });
  const member = rows[0];
  return member ? { workspaceId, userId: claims.sub ?? "", memberId: member.id, role: member.role } : null;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

const failure = (status: number, code: string, message: string) => ({
  error: { json: { message, code: -32000, data: { code, httpStatus: status } } },
});

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://baseline");
  if (url.pathname === "/health/ready") return reply(res, 200, { status: "ready" });
  const query = QUERIES[url.pathname.replace(/^\/trpc\//, "")];
  if (req.method !== "GET" || !query) return reply(res, 404, failure(404, "NOT_FOUND", "Not found"));
  const envelope = JSON.parse(url.searchParams.get("input") ?? '{"json":{}}') as Parameters<typeof superjson.deserialize>[0];
  const input = superjson.deserialize<Record<string, unknown>>(envelope);
  const scope = await scopeOf(req.headers.authorization, input.workspaceId);
  if (scope === "unauthorized") return reply(res, 401, failure(401, "UNAUTHORIZED", "Sign in first"));
  if (!scope) return reply(res, 404, failure(404, "NOT_FOUND", "Workspace not found"));
  try {
    reply(res, 200, { result: { data: superjson.serialize(await query(pool, scope, input)) } });
  } catch (error) {
    if (error instanceof BaselineNotFound) return reply(res, 404, failure(404, "NOT_FOUND", error.message));
    throw error;
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) reply(res, 500, failure(500, "INTERNAL_SERVER_ERROR", "Internal server error"));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(setting("PORT")), "127.0.0.1", () => console.log(`baseline listening on ${setting("PORT")}`));
process.once("SIGTERM", () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
