// The workspace `pnpm bench:http` reads: one member (signed up through the API, so the token and
// session are real) and, written in bulk with SQL for speed, N meetings with 3 participants each;
// 30 % with a current transcript (20 segments, one meeting with 400 for transcripts.get's page of
// 200), 30 % with a done summary and 2 action items. Segment texts come from a small vocabulary so
// that a search matches a realistic share of them. 30 % are restricted meetings of another member
// that the bench member sees only through the access rule (tenancy/meeting-access.ts): private with
// a grant to them (a tenth, a third of them with a transcript), private with a grant to a group
// they are in (a tenth, with summaries and action items), and participants-only with them as a
// participant (a tenth): every read pays for the rule, and every meeting stays visible, so both
// servers still return the same objects.
import pg from "pg";

export interface BenchWorkspace {
  workspaceId: string;
  userId: string;
  /** The meeting with the long transcript (transcripts.get). */
  longTranscriptMeetingId: string;
  /** Meetings meetings.get rotates through. */
  meetingIds: string[];
}

const SENTENCES = [
  "We should review the budget for the next quarter before the board meeting",
  "The design team will ship the new prototype to customers next week",
  "Can someone take the action item to follow up with the vendor about pricing",
  "I think the onboarding flow is still too long for new users",
  "Let us schedule a retrospective after the release goes out",
  "The latency on the search page doubled since the last deploy",
  "Marketing wants the launch date confirmed by Friday",
  "We agreed to hire two more engineers for the platform team",
  "The customer interviews showed that pricing is confusing",
  "Please send the meeting notes to everyone who could not attend",
  "Our remote controls need a simpler layout with fewer buttons",
  "The quarterly numbers look better than we expected",
];

/** Makes 30 % of bench_meetings another member's, visible to the bench member only by the rule. */
async function restrictSome(client: pg.Client, who: { userId: string; workspaceId: string }): Promise<void> {
  const ws = who.workspaceId;
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`, [
    ws,
    who.userId,
  ]);
  const memberId = rows[0]?.id;
  if (!memberId) throw new Error("the bench user is not a member of its workspace");
  await client.query(
    `WITH other AS (INSERT INTO users (id, email, full_name, updated_at)
                    VALUES (gen_random_uuid(), 'colleague-' || gen_random_uuid() || '@example.com', 'Colleague', now()) RETURNING id),
          member AS (INSERT INTO workspace_members (id, workspace_id, user_id, role, updated_at)
                     SELECT gen_random_uuid(), $1, id, 'member', now() FROM other RETURNING user_id)
     UPDATE meetings m
        SET created_by_id = (SELECT user_id FROM member),
            visibility = (CASE WHEN b.n % 10 = 7 THEN 'participants' ELSE 'private' END)::meeting_visibility
       FROM bench_meetings b
      WHERE b.id = m.id AND b.n % 10 IN (1, 4, 7)`,
    [ws],
  );
  await client.query(
    `INSERT INTO meeting_grants (id, meeting_id, workspace_id, member_id, level, updated_at)
     SELECT gen_random_uuid(), b.id, $1, $2, 'edit', now() FROM bench_meetings b WHERE b.n % 10 = 1`,
    [ws, memberId],
  );
  await client.query(
    `WITH g AS (INSERT INTO groups (id, workspace_id, name, updated_at) VALUES (gen_random_uuid(), $1, 'Bench readers', now()) RETURNING id),
          gm AS (INSERT INTO group_members (id, group_id, workspace_id, member_id, updated_at) SELECT gen_random_uuid(), g.id, $1, $2, now() FROM g)
     INSERT INTO meeting_grants (id, meeting_id, workspace_id, group_id, level, updated_at)
     SELECT gen_random_uuid(), b.id, $1, g.id, 'edit', now() FROM bench_meetings b, g WHERE b.n % 10 = 4`,
    [ws, memberId],
  );
  await client.query(
    `INSERT INTO meeting_participants (id, meeting_id, workspace_id, member_id, name, role, updated_at)
     SELECT gen_random_uuid(), b.id, $1, $2, 'Bench member', 'attendee'::participant_role, now() FROM bench_meetings b WHERE b.n % 10 = 7`,
    [ws, memberId],
  );
}

export async function seedWorkspace(
  databaseUrl: string,
  who: { userId: string; workspaceId: string },
  meetings: number,
): Promise<BenchWorkspace> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const params = [who.workspaceId, who.userId];
    await client.query(
      `INSERT INTO meetings (id, workspace_id, created_by_id, title, description, platform, status, scheduled_start, scheduled_end, tags, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, 'Meeting ' || n,
              CASE WHEN n % 3 = 0 THEN 'Planning session number ' || n END,
              (ARRAY['zoom','google_meet','teams','in_person','other'])[1 + n % 5]::meeting_platform,
              (ARRAY['scheduled','completed','completed','cancelled'])[1 + n % 4]::meeting_status,
              CASE WHEN n % 10 < 7 THEN timestamptz '2026-01-01' + n * interval '47 minutes' END,
              CASE WHEN n % 10 < 7 THEN timestamptz '2026-01-01' + n * interval '47 minutes' + interval '30 minutes' END,
              CASE WHEN n % 4 = 0 THEN ARRAY['weekly','team'] ELSE ARRAY['team'] END,
              timestamptz '2025-12-01' + n * interval '1 minute', now()
         FROM generate_series(1, $3::int) n`,
      [...params, meetings],
    );
    // Numbered in list order, so the shares below are spread over every page.
    await client.query(
      `CREATE TEMP TABLE bench_meetings ON COMMIT DROP AS
       SELECT id, row_number() OVER (ORDER BY scheduled_start DESC NULLS LAST, created_at DESC, id DESC) AS n
         FROM meetings WHERE workspace_id = $1`,
      [who.workspaceId],
    );
    await client.query(
      `INSERT INTO meeting_participants (id, meeting_id, workspace_id, name, email, role, updated_at)
       SELECT gen_random_uuid(), m.id, $1, 'Person ' || k, 'person' || k || '@example.com',
              (CASE WHEN k = 1 THEN 'host' ELSE 'attendee' END)::participant_role, now()
         FROM bench_meetings m, generate_series(1, 3) k`,
      [who.workspaceId],
    );
    await client.query(
      `INSERT INTO transcripts (id, meeting_id, workspace_id, created_by_id, version, is_current, format, language, duration_ms, status, segment_count, updated_at)
       SELECT gen_random_uuid(), m.id, $1, $2, 1, true, 'json'::transcript_format, 'en',
              (CASE WHEN m.n = 1 THEN 400 ELSE 20 END) * 5000, 'ready'::transcript_status, CASE WHEN m.n = 1 THEN 400 ELSE 20 END, now()
         FROM bench_meetings m WHERE m.n % 10 < 3`,
      params,
    );
    await client.query(
      `INSERT INTO transcript_segments (id, transcript_id, workspace_id, meeting_id, position, speaker_label, start_ms, end_ms, text, updated_at)
       SELECT gen_random_uuid(), t.id, $1, t.meeting_id, p, 'Speaker ' || (1 + p % 3), p * 5000, p * 5000 + 4500,
              ($2::text[])[1 + (abs(hashtext(t.id::text)) + p) % cardinality($2::text[])], now()
         FROM transcripts t, generate_series(0, t.segment_count - 1) p
        WHERE t.workspace_id = $1`,
      [who.workspaceId, SENTENCES],
    );
    await client.query(
      `INSERT INTO meeting_summaries (id, meeting_id, workspace_id, requested_by_id, version, is_current, status, overview, completed_at, updated_at)
       SELECT gen_random_uuid(), m.id, $1, $2, 1, true, 'done'::summary_status, 'An overview of meeting ' || m.n, now(), now()
         FROM bench_meetings m WHERE m.n % 10 BETWEEN 3 AND 5`,
      params,
    );
    await client.query(
      `INSERT INTO action_items (id, workspace_id, meeting_id, summary_id, text, assignee_name, due_date, status, created_by_id, updated_at)
       SELECT gen_random_uuid(), $1, s.meeting_id, s.id, 'Follow up on item ' || k || ' of ' || s.overview, 'Person ' || k,
              CASE WHEN k = 1 THEN timestamptz '2026-06-01' END, (CASE WHEN k = 2 THEN 'done' ELSE 'open' END)::action_item_status, $2, now()
         FROM meeting_summaries s, generate_series(1, 2) k WHERE s.workspace_id = $1`,
      params,
    );
    await restrictSome(client, who);
    const { rows } = await client.query<{ id: string; n: string }>(
      `SELECT id, n FROM bench_meetings WHERE n = 1 OR n % 97 = 0 ORDER BY n LIMIT 101`,
    );
    await client.query("COMMIT");
    await client.query("ANALYZE");
    const [first, ...others] = rows;
    if (!first) throw new Error("no meetings were seeded");
    return { ...who, longTranscriptMeetingId: first.id, meetingIds: others.map((row) => row.id) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
