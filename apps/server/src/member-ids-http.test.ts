// A client outside the monorepo can only use ids the API hands it. This drives every procedure
// that takes a member id (participants, the participant filter, speakers, mentions, assignees)
// over real HTTP with the typed client, using nothing but ids the API returned.
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
});

const client = (token?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) }),
    ],
  });

it("uses the member id from workspaces.members.list wherever a member id is taken", async () => {
  const { accessToken } = await client().auth.signup.mutate({
    email: `ids-${crypto.randomUUID()}@example.com`,
    password: "Correct-Horse-9-Battery",
  });
  const api = client(accessToken);
  const me = await api.users.me.query();
  const { id: workspaceId } = await api.workspaces.create.mutate({ name: "Ids only" });

  const members = await api.workspaces.members.list.query({ workspaceId });
  expect(members.items).toHaveLength(1);
  const [member] = members.items;
  if (!member) throw new Error("no member");
  expect(member.userId).toBe(me.id);
  // A membership is not a user: the two ids differ, and procedures taking a member id need this one.
  expect(member.memberId).not.toBe(member.userId);
  const { memberId } = member;

  const { id: meetingId } = await api.meetings.create.mutate({ workspaceId, title: "Roadmap" });
  const participant = await api.meetings.participants.add.mutate({ workspaceId, meetingId, memberId });
  expect(participant).toMatchObject({ memberId, userId: me.id, external: false });
  const mine = await api.meetings.list.query({ workspaceId, participantId: memberId });
  expect(mine.items.map((m) => m.id)).toEqual([meetingId]);

  await api.transcripts.import.mutate({ workspaceId, meetingId, format: "text", content: "Speaker 1: We ship on Friday." });
  const transcript = await api.transcripts.get.query({ workspaceId, meetingId });
  const [segment] = transcript.segments;
  if (!segment?.speakerLabel) throw new Error("no labelled segment");
  await api.transcripts.speakers.assign.mutate({ workspaceId, meetingId, speakerLabel: segment.speakerLabel, memberId });
  const assigned = await api.transcripts.get.query({ workspaceId, meetingId });
  expect(assigned.segments[0]?.speaker).toMatchObject({ memberId });

  const comment = await api.meetings.comments.create.mutate({
    workspaceId,
    meetingId,
    body: "Noted",
    segmentId: segment.id,
    mentionMemberIds: [memberId],
  });
  expect(comment.mentionedUserIds).toEqual([me.id]);

  const item = await api.actionItems.create.mutate({
    workspaceId,
    meetingId,
    text: "Ship it",
    assigneeId: memberId,
    sourceSegmentId: segment.id,
  });
  expect(item.assignee).toMatchObject({ memberId, userId: me.id });
  const assignedToMe = await api.actionItems.list.query({ workspaceId, assigneeId: memberId });
  expect(assignedToMe.items.map((i) => i.id)).toEqual([item.id]);
});
