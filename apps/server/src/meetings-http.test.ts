// Meetings, summaries and Ask Mind end to end: real HTTP, the server's own job worker, a fake
// OpenAI-compatible model on loopback, and the streaming typed client a frontend uses.
import { createTRPCClient, httpBatchStreamLink, httpLink, splitLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppRouter } from "@meetmind/api";
import { startFakeOpenAI, type FakeOpenAI } from "@meetmind/api/testing";
import { startTestServer, type TestServer } from "./testing.js";

let fake: FakeOpenAI;
let server: TestServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  server = await startTestServer({ LLM_BASE_URL: fake.url, LLM_MODEL: "fake-model", LLM_TIMEOUT_MS: "5000", JOB_POLL_INTERVAL_MS: "100" });
});
afterAll(async () => {
  try {
    await server?.close();
  } finally {
    await fake?.close();
  }
  // Nothing went wrong on the server side (background delivery, jobs and shutdown included).
  expect(server?.logs.filter((line) => Number(line.level) >= 50) ?? []).toEqual([]);
});

function client(token?: string) {
  return createTRPCClient<AppRouter>({
    // As the README recommends: auth.* (which sets cookies) through httpLink, the rest streamed.
    links: [
      splitLink({
        condition: (op) => op.path.startsWith("auth."),
        true: httpLink({ url: `${server.url}/trpc`, transformer: superjson }),
        false: httpBatchStreamLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
}

async function signedIn() {
  const { accessToken } = await client().auth.signup.mutate({
    email: `http-${crypto.randomUUID()}@example.com`,
    password: "Correct-Horse-9-Battery",
  });
  const api = client(accessToken);
  const workspace = await api.workspaces.create.mutate({ name: "Garden club" });
  const meeting = await api.meetings.create.mutate({ workspaceId: workspace.id, title: "Spring planning" });
  await api.transcripts.import.mutate({
    workspaceId: workspace.id,
    meetingId: meeting.id,
    format: "webvtt",
    content: [
      "WEBVTT",
      "",
      "00:00:00.000 --> 00:00:05.000",
      "<v Rosa>The tomatoes need more sun this year, so we move the beds south.",
      "",
      "00:00:05.000 --> 00:00:09.000",
      "<v Ivan>Agreed. I will buy compost for the new beds by 2027-03-06.",
    ].join("\n"),
  });
  return { api, workspaceId: workspace.id, meetingId: meeting.id };
}

it("generates a summary in the server's background worker", async () => {
  const { api, workspaceId, meetingId } = await signedIn();
  fake.enqueue({
    kind: "reply",
    content: {
      overview: "The club planned the spring beds.",
      keyPoints: ["Beds move south."],
      decisions: ["Move the beds south."],
      topics: [{ title: "Beds", startPosition: 0, endPosition: 1 }],
      actionItems: [{ text: "Buy compost", assigneeName: "Ivan", dueDate: "2027-03-06", sourcePosition: 1 }],
    },
  });
  // The server's worker may already have picked the new version up (or even finished it) by the time it is returned.
  expect(["pending", "running", "done"]).toContain((await api.meetings.summary.generate.mutate({ workspaceId, meetingId })).status);
  await expect
    .poll(async () => (await api.meetings.summary.get.query({ workspaceId, meetingId }))?.status, { timeout: 10_000 })
    .toBe("done");
  const items = await api.actionItems.list.query({ workspaceId, meetingId });
  expect(items.items).toMatchObject([
    { text: "Buy compost", assigneeName: "Ivan", dueDate: new Date("2027-03-06T00:00:00Z"), status: "open" },
  ]);
});

it("streams an Ask Mind answer over httpBatchStreamLink, and finishes it when the client disconnects", async () => {
  const { api, workspaceId, meetingId } = await signedIn();
  const session = await api.askMind.sessions.create.mutate({ workspaceId, scope: { kind: "meeting", meetingId } });

  fake.enqueue({ kind: "stream", chunks: ["Ivan ", "buys ", "compost [2]."], delayMs: 20 });
  const events = [];
  for await (const event of await api.askMind.ask.mutate({ workspaceId, sessionId: session.id, question: "Who buys compost?" }))
    events.push(event);
  expect(events.map((e) => e.type)).toEqual(["started", "delta", "delta", "delta", "final"]);
  const final = events.at(-1);
  expect(final?.type === "final" && final.message).toMatchObject({
    content: "Ivan buys compost [1].",
    citations: [{ marker: 1, speaker: "Ivan", startMs: 5000 }],
  });

  // A follow-up: the model first rewrites it into a standalone question, then answers slowly; the
  // client leaves after the first piece.
  fake.enqueue({ kind: "reply", content: "Where do the garden beds go?" });
  fake.enqueue({ kind: "stream", chunks: ["The ", "beds ", "move ", "south ", "[1]."], delayMs: 150 });
  const controller = new AbortController();
  const stream = await api.askMind.ask.mutate(
    { workspaceId, sessionId: session.id, question: "Where do the beds go?" },
    { signal: controller.signal },
  );
  for await (const event of stream) {
    if (event.type === "delta") break;
  }
  controller.abort();
  await expect
    .poll(async () => (await api.askMind.messages.list.query({ workspaceId, sessionId: session.id })).items.at(-1), { timeout: 10_000 })
    .toMatchObject({ role: "assistant", status: "done", content: "The beds move south [1].", citations: [{ speaker: "Rosa" }] });
});
