// The search benchmark's data: the QMSum corpus, replicated into a workspace (and once into another
// tenant's, so the search must keep to its own), loaded in bulk with INSERT ... SELECT FROM unnest.
// Meetings get dates 8 hours apart, some unscheduled, some soft-deleted, some with an older
// transcript version: what the search must leave out is there too.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { progress } from "@meetmind/bench";
import type { Db } from "@meetmind/db";
import { listQmsumMeetings, qmsumSegments, readQmsumMeeting, type QmsumSplit } from "../src/qmsum/corpus.js";
import { uuidv7 } from "../src/shared/uuidv7.js";
import type { ParsedSegment } from "../src/transcripts/types.js";

export const MAIN_SLUG = "bench-search-main";
export const OTHER_SLUG = "bench-search-other";
export const GIN_INDEX = "transcript_segments_search_vector_idx";

export interface LoadPlan {
  /** Copies of the corpus in the searched workspace. */
  replicas: number;
  /** Copies in another tenant's workspace. */
  otherReplicas: number;
  /** Segments per INSERT. */
  batch: number;
  /** INSERTs at once. */
  concurrency: number;
}

export interface CorpusMeeting {
  id: string;
  segments: ParsedSegment[];
  firstQuery: string | null;
}

export async function readCorpus(): Promise<CorpusMeeting[]> {
  const meetings: CorpusMeeting[] = [];
  for (const split of ["train", "val"] as QmsumSplit[]) {
    for (const file of await listQmsumMeetings(split)) {
      const meeting = await readQmsumMeeting(file, split);
      meetings.push({ id: meeting.id, segments: qmsumSegments(meeting), firstQuery: meeting.specificQueries[0]?.query ?? null });
    }
  }
  return meetings;
}

export interface Workspace {
  id: string;
  userId: string;
  memberId: string;
}

export interface Loaded {
  main: Workspace;
  other: Workspace | null;
  loadSeconds: number | null;
  segmentsInserted: number;
}

export const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2023, 0, 2, 9);

async function createWorkspace(db: Db, slug: string, label: string): Promise<Workspace> {
  const user = await db.user.create({
    data: { email: `${slug}-${randomBytes(4).toString("hex")}@example.com`, fullName: label },
    select: { id: true },
  });
  const workspace = await db.workspace.create({ data: { name: label, slug }, select: { id: true } });
  const member = await db.workspaceMember.create({
    data: { workspaceId: workspace.id, userId: user.id, role: "owner" },
    select: { id: true },
  });
  return { id: workspace.id, userId: user.id, memberId: member.id };
}

async function findWorkspace(db: Db, slug: string): Promise<Workspace | null> {
  const workspace = await db.workspace.findUnique({
    where: { slug },
    select: { id: true, members: { select: { id: true, userId: true }, take: 1 } },
  });
  const member = workspace?.members[0];
  return workspace && member ? { id: workspace.id, userId: member.userId, memberId: member.id } : null;
}

class SegmentWriter {
  private columns = this.empty();
  private inFlight = new Set<Promise<void>>();
  written = 0;
  private readonly started = performance.now();

  constructor(
    private readonly pool: pg.Pool,
    private readonly total: number,
    private readonly plan: LoadPlan,
  ) {}

  private empty() {
    return {
      id: [] as string[],
      transcript: [] as string[],
      workspace: [] as string[],
      meeting: [] as string[],
      position: [] as number[],
      speaker: [] as (string | null)[],
      start: [] as number[],
      end: [] as number[],
      text: [] as string[],
    };
  }

  async add(workspaceId: string, meetingId: string, transcriptId: string, segments: ParsedSegment[]): Promise<void> {
    for (const [position, segment] of segments.entries()) {
      const c = this.columns;
      c.id.push(uuidv7());
      c.transcript.push(transcriptId);
      c.workspace.push(workspaceId);
      c.meeting.push(meetingId);
      c.position.push(position);
      c.speaker.push(segment.speaker);
      c.start.push(segment.startMs);
      c.end.push(segment.endMs);
      c.text.push(segment.text);
      if (c.id.length >= this.plan.batch) await this.flush();
    }
  }

  async flush(): Promise<void> {
    const c = this.columns;
    if (c.id.length === 0) return;
    this.columns = this.empty();
    while (this.inFlight.size >= this.plan.concurrency) await Promise.race(this.inFlight);
    const insert = this.pool
      .query(
        `INSERT INTO transcript_segments
           (id, transcript_id, workspace_id, meeting_id, position, speaker_label, start_ms, end_ms, text, updated_at)
         SELECT id, transcript_id, workspace_id, meeting_id, position, speaker_label, start_ms, end_ms, text, now()
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::int[], $8::int[], $9::text[])
             AS u(id, transcript_id, workspace_id, meeting_id, position, speaker_label, start_ms, end_ms, text)`,
        [c.id, c.transcript, c.workspace, c.meeting, c.position, c.speaker, c.start, c.end, c.text],
      )
      .then(() => {
        this.written += c.id.length;
        const seconds = (performance.now() - this.started) / 1000;
        process.stderr.write(
          `\r  segments ${this.written.toLocaleString("en-US")} / ${this.total.toLocaleString("en-US")}` +
            `  (${Math.round(this.written / seconds).toLocaleString("en-US")}/s)   `,
        );
      });
    const tracked = insert.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
    process.stderr.write("\n");
  }
}

interface MeetingRow {
  id: string;
  corpus: CorpusMeeting;
  title: string;
  scheduledStart: Date | null;
  createdAt: Date;
  deleted: boolean;
  /** Also gets an older, non-current transcript version. */
  oldVersion: boolean;
}

function planMeetings(corpus: CorpusMeeting[], replicas: number, offset: number): MeetingRow[] {
  const rows: MeetingRow[] = [];
  for (let replica = 0; replica < replicas; replica++) {
    for (const [index, meeting] of corpus.entries()) {
      const k = offset + replica * corpus.length + index;
      // One meeting every 8 hours from 2023-01-02: ~2 years of meetings for 10 replicas.
      const date = new Date(EPOCH + k * 8 * 3_600_000);
      const unscheduled = k % 40 === 7;
      rows.push({
        id: uuidv7(),
        corpus: meeting,
        title: `${meeting.id} #${replica + 1}`,
        scheduledStart: unscheduled ? null : date,
        createdAt: unscheduled ? date : new Date(date.getTime() - DAY_MS),
        deleted: k % 97 === 13,
        oldVersion: k % 20 === 3,
      });
    }
  }
  return rows;
}

async function insertWorkspaceData(pool: pg.Pool, writer: SegmentWriter, workspaceId: string, rows: MeetingRow[]): Promise<void> {
  await pool.query(
    `INSERT INTO meetings (id, workspace_id, title, status, scheduled_start, created_at, deleted_at, updated_at)
     SELECT id, $1::uuid, title, 'completed', scheduled_start, created_at, CASE WHEN deleted THEN now() END, now()
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::boolean[])
         AS u(id, title, scheduled_start, created_at, deleted)`,
    [
      workspaceId,
      rows.map((r) => r.id),
      rows.map((r) => r.title),
      rows.map((r) => r.scheduledStart),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.deleted),
    ],
  );
  const transcripts: { id: string; meetingId: string; version: number; current: boolean; segments: ParsedSegment[] }[] = [];
  for (const row of rows) {
    if (row.oldVersion) transcripts.push({ id: uuidv7(), meetingId: row.id, version: 1, current: false, segments: row.corpus.segments });
    transcripts.push({ id: uuidv7(), meetingId: row.id, version: row.oldVersion ? 2 : 1, current: true, segments: row.corpus.segments });
  }
  await pool.query(
    `INSERT INTO transcripts (id, meeting_id, workspace_id, version, is_current, updated_at)
     SELECT id, meeting_id, $1::uuid, version, is_current, now()
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::boolean[]) AS u(id, meeting_id, version, is_current)`,
    [
      workspaceId,
      transcripts.map((t) => t.id),
      transcripts.map((t) => t.meetingId),
      transcripts.map((t) => t.version),
      transcripts.map((t) => t.current),
    ],
  );
  for (const transcript of transcripts) await writer.add(workspaceId, transcript.meetingId, transcript.id, transcript.segments);
}

/**
 * Loads the corpus, replicated, into the main workspace (and once more into another tenant's), unless
 * the database already holds it.
 */
export async function loadData(db: Db, pool: pg.Pool, corpus: CorpusMeeting[], plan: LoadPlan): Promise<Loaded> {
  const existing = await findWorkspace(db, MAIN_SLUG);
  if (existing) {
    progress("the database already holds the benchmark's data: reusing it (no load)");
    return { main: existing, other: await findWorkspace(db, OTHER_SLUG), loadSeconds: null, segmentsInserted: 0 };
  }
  const started = performance.now();
  const main = await createWorkspace(db, MAIN_SLUG, "Search benchmark");
  const other = plan.otherReplicas > 0 ? await createWorkspace(db, OTHER_SLUG, "Search benchmark (another tenant)") : null;
  const mainRows = planMeetings(corpus, plan.replicas, 0);
  const otherRows = planMeetings(corpus, plan.otherReplicas, 5);
  const segmentsOf = (rows: MeetingRow[]) => rows.reduce((sum, row) => sum + row.corpus.segments.length * (row.oldVersion ? 2 : 1), 0);
  const total = segmentsOf(mainRows) + segmentsOf(otherRows);
  progress(
    `loading ${mainRows.length + otherRows.length} meetings, ${total.toLocaleString("en-US")} segments (batches of ${plan.batch}, ${plan.concurrency} at a time)`,
  );

  // Building the GIN index once at the end is much faster than maintaining it row by row; it is
  // recreated exactly as the migration defines it, even if the load fails.
  await pool.query(`DROP INDEX IF EXISTS "${GIN_INDEX}"`);
  try {
    const writer = new SegmentWriter(pool, total, plan);
    await insertWorkspaceData(pool, writer, main.id, mainRows);
    if (other) await insertWorkspaceData(pool, writer, other.id, otherRows);
    await writer.finish();
  } finally {
    progress("building the GIN index...");
    const client = await pool.connect();
    try {
      await client.query("SET maintenance_work_mem = '1GB'");
      await client.query(`CREATE INDEX IF NOT EXISTS "${GIN_INDEX}" ON "transcript_segments" USING GIN ("search_vector")`);
    } finally {
      client.release();
    }
  }
  progress("VACUUM ANALYZE...");
  await pool.query("VACUUM ANALYZE meetings, transcripts, transcript_segments");
  return { main, other, loadSeconds: (performance.now() - started) / 1000, segmentsInserted: total };
}
