// The search statement of the baseline's search.transcripts (queries-more.ts): MeetMind's, in
// plain SQL with pg's $n parameters. Kept apart from the other queries for its length.

/** The input after the schema's transforms (trimmed strings, deduplicated ids, the default limit). */
export interface SearchParams {
  query: string;
  meetingIds: string[] | undefined;
  from: Date | undefined;
  to: Date | undefined;
  speaker: string | undefined;
  cursor: string | undefined;
  limit: number;
}

export interface SearchCursor {
  v: 1;
  r: number;
  i: string;
  s: string;
}

// The constants of search/service.ts, with the same values.
const RANK_NORMALIZATION = 1;
export const MARK_START = "\u0001";
export const MARK_STOP = "\u0002";
const MARKS = `StartSel="${MARK_START}", StopSel="${MARK_STOP}", ShortWord=2`;
const SHORT_TEXT_CHARS = 280;
const SHORT_HEADLINE_OPTIONS = `${MARKS}, MaxFragments=0, MaxWords=60, MinWords=30`;
const LONG_HEADLINE_OPTIONS = `${MARKS}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`;
const SEARCH_MAX_CANDIDATES = 500;
const SAMPLE_ROWS = 10_000;
const WALK_MIN_SAMPLE_HITS = 100;
const WALK_MAX_ROWS = 100_000;

/**
 * MeetMind's search statement (search/service.ts searchTranscriptsSql, which explains each step:
 * candidates by sample, walk or GIN index; rank; page; headlines for the page only), the same SQL
 * with pg's $n parameters: each value is bound once and each fragment MeetMind adds only for a
 * given filter is added only then. Meeting ids are one uuid[] (`= ANY`), where Prisma binds a list
 * (`IN ($a, $b)`): Postgres plans the two alike. MeetMind's separate check that every meeting id is
 * a live meeting of the workspace is the `found` CTE here, on a row of its own when nothing matches.
 */
export function searchStatement(
  workspaceId: string,
  params: SearchParams,
  after: SearchCursor | null,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const bind = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const workspace = bind(workspaceId, "uuid");
  const tsquery = `websearch_to_tsquery('english'::regconfig, ${bind(params.query, "text")})`;
  const speaker = params.speaker === undefined ? null : bind(params.speaker, "text");
  const indexQuery = speaker ? `(${tsquery} && plainto_tsquery('english'::regconfig, ${speaker}))` : tsquery;
  const meetingIds = params.meetingIds?.length ? bind(params.meetingIds, "uuid[]") : null;
  const meetingDate = "coalesce(m.scheduled_start, m.created_at)";
  const conditions = [
    meetingIds ? `AND s.meeting_id = ANY(${meetingIds})` : "",
    speaker ? `AND lower(s.speaker_label) = lower(${speaker})` : "",
    params.from ? `AND ${meetingDate} >= ${bind(params.from, "timestamptz")}` : "",
    params.to ? `AND ${meetingDate} <= ${bind(params.to, "timestamptz")}` : "",
  ];
  const matching = (segments: string) => `
    FROM ${segments}
    JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
    JOIN meetings m ON m.id = s.meeting_id AND m.workspace_id = ${workspace} AND m.deleted_at IS NULL
   WHERE s.search_vector @@ ${indexQuery}
     AND querytree(${tsquery}) NOT IN ('', 'T')
     ${conditions.join(" ")}`;
  const newest = (rows: number) => `(
      SELECT s.id, s.transcript_id, s.meeting_id, s.speaker_label, s.search_vector, s.created_at
        FROM transcript_segments s
       WHERE s.workspace_id = ${workspace}
       ORDER BY s.created_at DESC, s.id DESC
       LIMIT ${rows}
    ) s`;
  const found = meetingIds
    ? `found AS (
      SELECT count(*)::int AS meetings FROM meetings
       WHERE id = ANY(${meetingIds}) AND workspace_id = ${workspace} AND deleted_at IS NULL
    ),`
    : "";
  let afterCursor = "";
  if (after) {
    const rank = bind(after.r, "float8");
    afterCursor = `WHERE c.rank < ${rank} OR (c.rank = ${rank} AND c.id > ${bind(after.i, "uuid")})`;
  }
  const limit = bind(params.limit, "int");
  const hits = `
    SELECT p.id, p.meeting_id, p.rank, m.title, m.scheduled_start, s.speaker_label, s.start_ms, s.end_ms,
           CASE WHEN p.n <= ${limit}
                THEN ts_headline('english'::regconfig, translate(s.text, chr(1) || chr(2), ''), ${tsquery},
                                 CASE WHEN length(s.text) <= ${SHORT_TEXT_CHARS}
                                      THEN ${bind(SHORT_HEADLINE_OPTIONS, "text")} ELSE ${bind(LONG_HEADLINE_OPTIONS, "text")} END)
           END AS headline
      FROM numbered p
      JOIN transcript_segments s ON s.id = p.id
      JOIN meetings m ON m.id = p.meeting_id`;
  const text = `
    WITH ${found}
    sample AS MATERIALIZED (
      SELECT count(*)::int AS hits ${matching(newest(SAMPLE_ROWS))}
    ),
    walk AS MATERIALIZED (
      SELECT s.id, s.meeting_id, s.search_vector ${matching(newest(WALK_MAX_ROWS))}
         AND (SELECT hits FROM sample) >= ${WALK_MIN_SAMPLE_HITS}
       ORDER BY s.created_at DESC, s.id DESC
       LIMIT ${SEARCH_MAX_CANDIDATES}
    ),
    candidates AS (
      SELECT w.id, w.meeting_id, w.search_vector FROM walk w
       WHERE (SELECT count(*) FROM walk) >= ${SEARCH_MAX_CANDIDATES}
      UNION ALL
      (SELECT s.id, s.meeting_id, s.search_vector ${matching("transcript_segments s")}
          AND s.workspace_id = ${workspace}
          AND (SELECT count(*) FROM walk) < ${SEARCH_MAX_CANDIDATES}
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT ${SEARCH_MAX_CANDIDATES})
    ),
    ranked AS MATERIALIZED (
      SELECT c.id, c.meeting_id, ts_rank_cd(c.search_vector, ${tsquery}, ${RANK_NORMALIZATION})::float8 AS rank
        FROM candidates c
    ),
    page AS (
      SELECT c.id, c.meeting_id, c.rank
        FROM ranked c
        ${afterCursor}
       ORDER BY c.rank DESC, c.id ASC
       LIMIT ${limit} + 1
    ),
    numbered AS (
      SELECT page.*, row_number() OVER (ORDER BY page.rank DESC, page.id ASC) AS n FROM page
    )
    ${
      found
        ? `SELECT f.meetings AS found_meetings, h.* FROM found f LEFT JOIN (${hits}) h ON true ORDER BY h.rank DESC, h.id ASC`
        : `${hits} ORDER BY p.rank DESC, p.id ASC`
    }`;
  return { text, values };
}
