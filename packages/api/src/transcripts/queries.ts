// transcripts.get in one SQL statement: the meeting check (with the access rule), the latest 100 versions, the version
// asked for and a page of its segments with each mapped speaker's name. Prisma's `include` made
// this five round trips. Raw SQL does not pass through the workspace-scoped client, so every table
// is constrained to the workspace by hand; the cross-tenant sweep covers this read like any other.
import { Prisma, queryRows } from "@meetmind/db";
import { NotFoundError } from "../errors.js";
import { meetingVisibleSql } from "../tenancy/meeting-access.js";
import type { WorkspaceScope } from "../tenancy/scope.js";
import type { GetTranscriptInput, TranscriptPage } from "./schemas.js";
import { FORMAT_NAME } from "./types.js";

type Segment = TranscriptPage["segments"][number];

interface Row {
  meetingFound: boolean;
  /** JSON: timestamps arrive as strings. */
  versions: { version: number; createdAt: string; isCurrent: boolean; status: TranscriptPage["versions"][number]["status"] }[] | null;
  /** Null when no version answers (none current, or the one asked for is not ready). */
  id: string | null;
  version: number;
  format: keyof typeof FORMAT_NAME;
  language: string | null;
  durationMs: number | null;
  createdAt: Date;
  segmentCount: number;
  segments: (Omit<Segment, "editedAt"> & { editedAt: string | null })[] | null;
}

export async function readTranscriptPage(scope: WorkspaceScope, input: GetTranscriptInput): Promise<TranscriptPage> {
  const workspaceId = scope.workspaceId;
  const [row] = await queryRows<Row>(
    scope.db,
    Prisma.sql`
    WITH meeting AS (
      SELECT m.id FROM meetings m WHERE m.id = ${input.meetingId}::uuid AND m.workspace_id = ${workspaceId}::uuid AND m.deleted_at IS NULL
         AND ${meetingVisibleSql("m", scope)}
    ),
    versions AS (
      SELECT t.id, t.version, t.is_current, t.status, t.format, t.language, t.duration_ms, t.created_at, t.segment_count
        FROM transcripts t
       WHERE t.meeting_id = (SELECT id FROM meeting) AND t.workspace_id = ${workspaceId}::uuid
       ORDER BY t.version DESC
       LIMIT 100
    ),
    chosen AS (
      -- The current version by default; an older one only once it is complete.
      SELECT v.* FROM versions v
       WHERE CASE WHEN ${input.version ?? null}::int IS NULL THEN v.is_current
                  ELSE v.version = ${input.version ?? null}::int AND v.status = 'ready' END
       ORDER BY v.version DESC
       LIMIT 1
    ),
    page AS (
      SELECT s.id, s.position, s.speaker_label, s.speaker_member_id, s.speaker_participant_id, s.start_ms, s.end_ms,
             s.text, s.original_text, s.edited_at, coalesce(u.full_name, u.email, p.name, p.email) AS speaker_name
        FROM chosen c
        JOIN transcript_segments s ON s.transcript_id = c.id AND s.workspace_id = ${workspaceId}::uuid
        LEFT JOIN workspace_members wm ON wm.id = s.speaker_member_id AND wm.workspace_id = ${workspaceId}::uuid
        LEFT JOIN users u ON u.id = wm.user_id
        LEFT JOIN meeting_participants p ON p.id = s.speaker_participant_id AND p.workspace_id = ${workspaceId}::uuid
       WHERE ${input.cursor ?? null}::int IS NULL OR s.position > ${input.cursor ?? null}::int
       ORDER BY s.position
       LIMIT ${input.limit + 1}
    )
    SELECT EXISTS (SELECT 1 FROM meeting) AS "meetingFound",
           (SELECT json_agg(json_build_object('version', v.version, 'createdAt', v.created_at, 'isCurrent', v.is_current, 'status', v.status)
                            ORDER BY v.version DESC)
              FROM versions v) AS versions,
           c.id, c.version, c.format::text AS format, c.language, c.duration_ms AS "durationMs", c.created_at AS "createdAt",
           -- Versions stored before counts were recorded: their rows are the count (evaluated only then).
           coalesce(c.segment_count,
                    (SELECT count(*)::int FROM transcript_segments s WHERE s.transcript_id = c.id AND s.workspace_id = ${workspaceId}::uuid))
             AS "segmentCount",
           (SELECT json_agg(json_build_object(
                     'id', s.id, 'position', s.position, 'speakerLabel', s.speaker_label,
                     'speaker', CASE WHEN s.speaker_member_id IS NOT NULL OR s.speaker_participant_id IS NOT NULL
                                     THEN json_build_object('memberId', s.speaker_member_id, 'participantId', s.speaker_participant_id,
                                                            'name', s.speaker_name) END,
                     'startMs', s.start_ms, 'endMs', s.end_ms, 'text', s.text, 'originalText', s.original_text, 'editedAt', s.edited_at)
                   ORDER BY s.position)
              FROM page s) AS segments
      FROM (SELECT 1) one
      LEFT JOIN chosen c ON true`,
    { prepare: true },
  );
  if (!row?.meetingFound) throw new NotFoundError("Meeting");
  if (row.id === null) throw new NotFoundError("Transcript");
  const fetched = row.segments ?? [];
  const segments = fetched
    .slice(0, input.limit)
    .map((segment) => ({ ...segment, editedAt: segment.editedAt === null ? null : new Date(segment.editedAt) }));
  return {
    transcript: {
      id: row.id,
      version: row.version,
      format: FORMAT_NAME[row.format],
      language: row.language,
      segmentCount: row.segmentCount,
      durationMs: row.durationMs,
      createdAt: row.createdAt,
    },
    versions: (row.versions ?? []).map((v) => ({ ...v, createdAt: new Date(v.createdAt) })),
    segments,
    nextCursor: fetched.length > input.limit ? (segments.at(-1)?.position ?? null) : null,
  };
}
