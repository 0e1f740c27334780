// The demo workspace a fresh database gets, so a new developer has something to look at.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Db } from "./client.js";

export interface DemoLogin {
  email: string;
  password: string;
  workspaceSlug: string;
}

export const DEMO_EMAIL = "demo@meetmind.local";

/** Seeds only a database with no users at all; returns the login it created, if it did. */
export async function seedDemoIfEmpty(db: Db): Promise<DemoLogin | null> {
  if ((await db.user.count()) > 0) return null;
  // Random per database: a well-known demo password would be a backdoor wherever seeding ran.
  const password = `Demo-${randomBytes(9).toString("base64url")}-7a!`;
  const passwordHash = await bcrypt.hash(password, 10);
  const workspaceSlug = "demo";
  await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: DEMO_EMAIL, passwordHash, fullName: "Demo User", emailVerifiedAt: new Date() },
      select: { id: true },
    });
    const workspace = await tx.workspace.create({
      data: { name: "Demo workspace", slug: workspaceSlug },
      select: { id: true },
    });
    const member = await tx.workspaceMember.create({
      data: { workspaceId: workspace.id, userId: user.id, role: "owner" },
      select: { id: true },
    });
    const meeting = await tx.meeting.create({
      data: {
        workspaceId: workspace.id,
        createdById: user.id,
        title: "Welcome to MeetMind",
        description: "A sample meeting to explore transcripts, summaries and Ask Mind.",
        platform: "other",
        status: "completed",
      },
      select: { id: true },
    });
    await tx.meetingParticipant.create({
      data: { workspaceId: workspace.id, meetingId: meeting.id, memberId: member.id, name: "Demo User", email: DEMO_EMAIL, role: "host" },
    });
  });
  return { email: DEMO_EMAIL, password, workspaceSlug };
}
