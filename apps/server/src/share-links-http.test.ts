// A share link end to end: a member makes one through the typed client, and a visitor with no
// account, no cookie and no Authorization header opens it with plain HTTP POSTs.
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppRouter } from "@meetmind/api";
import { startTestServer, type TestServer } from "./testing.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  expect(server?.logs.filter((line) => Number(line.level) >= 50) ?? []).toEqual([]);
});

function client(token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) }),
    ],
  });
}

/** What a browser on the share page sends: a JSON POST, nothing else. */
async function open(input: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/trpc/shareLinks.open`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const appCodeOf = (body: Record<string, unknown>) => (body as { error?: { json: { data: { appCode: string } } } }).error?.json.data.appCode;

it("opens a link anonymously over HTTP: password asked, content served, views counted, revoked is 404", async () => {
  const { accessToken } = await client().auth.signup.mutate({
    email: `share-${crypto.randomUUID()}@example.com`,
    password: "Correct-Horse-9-Battery",
  });
  const api = client(accessToken);
  const workspace = await api.workspaces.create.mutate({ name: "Garden club" });
  const workspaceId = workspace.id;
  const meeting = await api.meetings.create.mutate({ workspaceId, title: "Spring planning" });
  await api.transcripts.import.mutate({
    workspaceId,
    meetingId: meeting.id,
    format: "text",
    content: "Rosa: The tomatoes need more sun.\nIvan: Then we move the beds south.",
  });
  const created = await api.meetings.shareLinks.create.mutate({
    workspaceId,
    meetingId: meeting.id,
    includeTranscript: true,
    password: "open sesame 42",
  });

  const asked = await open({ token: created.token });
  expect(asked.status).toBe(401);
  expect(appCodeOf(asked.body)).toBe("share_password_required");
  const wrong = await open({ token: created.token, password: "open sesame 41" });
  expect(wrong.status).toBe(401);
  expect(appCodeOf(wrong.body)).toBe("share_password_invalid");

  const opened = await open({ token: created.token, password: "open sesame 42" });
  expect(opened.status).toBe(200);
  const shared = superjson.deserialize<{
    meeting: { title: string };
    summary: unknown;
    transcript: { segments: { speaker: string; text: string }[] };
  }>((opened.body as { result: { data: never } }).result.data);
  expect(shared).toMatchObject({ meeting: { title: "Spring planning" }, summary: null });
  expect(shared.transcript.segments).toEqual([
    expect.objectContaining({ speaker: "Rosa", text: "The tomatoes need more sun." }),
    expect.objectContaining({ speaker: "Ivan", text: "Then we move the beds south." }),
  ]);
  expect(JSON.stringify(opened.body)).not.toContain(workspaceId);

  const [link] = (await api.meetings.shareLinks.list.query({ workspaceId, meetingId: meeting.id })).items;
  expect(link).toMatchObject({ id: created.link.id, viewCount: 1, hasPassword: true });

  await api.meetings.shareLinks.revoke.mutate({ workspaceId, linkId: created.link.id });
  const revoked = await open({ token: created.token, password: "open sesame 42" });
  expect(revoked.status).toBe(404);
  expect(appCodeOf(revoked.body)).toBe("not_found");

  // The secret travelled in bodies only: no log line carries the token or the password.
  const logged = JSON.stringify(server.logs);
  expect(logged).not.toContain(created.token);
  expect(logged).not.toContain("open sesame");
});
