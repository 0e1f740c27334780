// What the baseline's queries share: who is asking (already authenticated and checked as a member),
// and the one error they may throw. Each query is ONE SQL statement returning the same object the
// MeetMind procedure returns (Dates as Dates), so the bench compares equal work.
import type pg from "pg";

export interface BaselineScope {
  workspaceId: string;
  userId: string;
  memberId: string;
  role: "owner" | "admin" | "member" | "viewer";
}

/** Answered as tRPC's NOT_FOUND (404). */
export class BaselineNotFound extends Error {}

export type BaselineQuery = (pool: pg.Pool, scope: BaselineScope, input: Record<string, unknown>) => Promise<unknown>;
