// The workspace audit log. Rows are written through the same transaction client as the change
// they record, so a change and its audit entry exist together or not at all.
import type { Prisma, ScopedDb } from "@meetmind/db";

export interface RequestMeta {
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** The API key the change was made with (its creator is the actor): recorded in the metadata. */
  apiKeyId?: string | null;
}

export type AuditAction =
  | "workspace.created"
  | "workspace.updated"
  | "workspace.deleted"
  | "workspace.ownership_transferred"
  | "member.added"
  | "member.removed"
  | "member.left"
  | "member.role_changed"
  | "invite.created"
  | "invite.accepted"
  | "invite.declined"
  | "invite.revoked"
  | "ai_settings.updated"
  | "ai_prompt.updated"
  | "ai_prompt.reset"
  | "meeting.visibility_changed"
  | "meeting.access_granted"
  | "meeting.access_revoked"
  | "group.created"
  | "group.updated"
  | "group.deleted"
  | "group.members_added"
  | "group.member_removed"
  | "group.member_role_changed"
  | "share_link.created"
  | "share_link.revoked"
  | "api_key.created"
  | "api_key.revoked"
  | "api_key.first_used"
  | "member.permissions_changed"
  | "candidate.created"
  | "candidate.updated"
  | "candidate.deleted"
  | "candidate.restored"
  | "candidate.erased"
  | "interview_stages.updated"
  | "interview.scheduled"
  | "interview.updated"
  | "interview.cancelled"
  | "interview.transcript_imported"
  | "scorecard_template.created"
  | "scorecard_template.updated"
  | "scorecard_template.archived"
  | "scorecard.submitted"
  | "scorecard.amended"
  | "interview_summary.completed";

export interface AuditEntry {
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  metadata?: Prisma.InputJsonObject;
}

/**
 * Any client that can create an audit row: a scoped client, a transaction. Written as the one method
 * used rather than a union of Prisma's client types, whose comparison exceeds TypeScript's stack
 * depth as the schema grows.
 */
interface Writer {
  auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> };
}

export async function recordAudit(tx: Writer, workspaceId: string, meta: RequestMeta, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      workspaceId,
      actorId: meta.actorId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      metadata: meta.apiKeyId ? { ...entry.metadata, apiKeyId: meta.apiKeyId } : (entry.metadata ?? {}),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      requestId: meta.requestId,
    },
  });
}

export async function listAudit(db: ScopedDb, input: { cursor?: string | undefined; limit: number }) {
  const rows = await db.auditEvent.findMany({
    // UUIDv7 ids follow creation time: a stable newest-first order and cursor.
    orderBy: { id: "desc" },
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      action: true,
      targetType: true,
      targetId: true,
      metadata: true,
      ip: true,
      requestId: true,
      createdAt: true,
      actor: { select: { id: true, email: true, fullName: true } },
    },
  });
  const page = rows.slice(0, input.limit);
  return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}
