// Transcript search benchmark: loads the whole QMSum corpus, replicated, into a real database
// (≥ 1M segments), then times typical searches through the real service (searchTranscripts).
//
// Prints a markdown report on stdout (progress goes to stderr). Exit code 1 only if it could not
// run; the PASS/FAIL verdict (p95 < 50 ms) is informational.
//
//   pnpm bench:search                        a fresh database on postgresql://postgres@127.0.0.1:5432/postgres,
//                                            dropped at the end (--keep keeps it, and prints its URL)
//   pnpm bench:search --admin-url URL        a fresh database on another server (URL: any database there)
//   pnpm bench:search --database-url URL     this database as it is: migrated, loaded unless it already
//                                            holds the benchmark's data (then reused as is), never dropped
//   pnpm bench:search --embedded             embedded PGlite (in memory); try --replicas 1 first
//   options: --replicas 10 (copies of the corpus in the searched workspace) --other-replicas 1
//            --runs 7 (timed rounds: every search once per round, in a rotating order, after one
//            warm-up round) --batch 20000 --concurrency 2 --explain N (EXPLAIN ANALYZE the N slowest
//            searches) --compare (also time the statement with every match ranked, i.e. without
//            SEARCH_MAX_CANDIDATES, as raw SQL) --keep
//
// The searched workspace needs the index on transcript_segments (workspace_id, created_at, id)
// that the capped search walks; a database without it gets it from the benchmark (said in the
// report), so a missing migration shows.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations, createPrismaClient, scopedDb, type Db } from "@meetmind/db";
import { listQmsumMeetings, qmsumSegments, readQmsumMeeting, type QmsumSplit } from "../src/qmsum/corpus.js";
import {
  SEARCH_MAX_CANDIDATES,
  searchCursorOf,
  searchTranscripts,
  searchTranscriptsSql,
  type SearchTranscriptsParams,
} from "../src/search/service.js";
import type { ParsedSegment } from "../src/transcripts/types.js";
import { LOCAL_ADMIN_URL, openScratchDatabase, scriptArgv, type ScratchDatabase } from "../src/testing/scratch-database.js";
import { uuidv7 } from "../src/shared/uuidv7.js";
import type { WorkspaceScope } from "../src/tenancy/scope.js";

const TARGET_P95_MS = 50;
const MAIN_SLUG = "bench-search-main";
const OTHER_SLUG = "bench-search-other";
const GIN_INDEX = "transcript_segments_search_vector_idx";
/** The index the capped search walks for common terms (newest segments of a workspace first). */
const RECENCY_INDEX = { name: "transcript_segments_workspace_id_created_at_id_idx", columns: '"workspace_id", "created_at", "id"' };

// ---------------------------------------------------------------- options

const { values: args } = parseArgs({
  args: scriptArgv(),
  options: {
    "database-url": { type: "string" },
    "admin-url": { type: "string", default: LOCAL_ADMIN_URL },
    embedded: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    replicas: { type: "string", default: "10" },
    "other-replicas": { type: "string", default: "1" },
    runs: { type: "string", default: "7" },
    batch: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "2" },
    explain: { type: "string", default: "0" },
    compare: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.error(
    "usage: tsx --conditions=@meetmind/source bench/search.ts [--database-url URL | --admin-url URL | --embedded]\n" +
      "  [--replicas 10] [--other-replicas 1] [--runs 7] [--batch 20000] [--concurrency 2] [--explain N] [--compare] [--keep]",
  );
  process.exit(0);
}

function intOption(name: "replicas" | "other-replicas" | "runs" | "batch" | "concurrency" | "explain", min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}`);
    process.exit(1);
  }
  return value;
}

const REPLICAS = intOption("replicas", 1, 100);
const OTHER_REPLICAS = intOption("other-replicas", 0, 10);
const RUNS = intOption("runs", 1, 1000);
const BATCH = intOption("batch", 100, 200_000);
const CONCURRENCY = args.embedded ? 1 : intOption("concurrency", 1, 16);
const EXPLAIN = intOption("explain", 0, 100);

const progress = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------- the database

type Target = ScratchDatabase;

const openTarget = () =>
  openScratchDatabase({
    databaseUrl: args["database-url"],
    embedded: args.embedded,
    adminUrl: args["admin-url"],
    purpose: "bench_search",
    keep: args.keep,
    progress,
  });

// ---------------------------------------------------------------- the corpus

interface CorpusMeeting {
  id: string;
  segments: ParsedSegment[];
  firstQuery: string | null;
}

async function readCorpus(): Promise<CorpusMeeting[]> {
  const meetings: CorpusMeeting[] = [];
  for (const split of ["train", "val"] as QmsumSplit[]) {
    for (const file of await listQmsumMeetings(split)) {
      const meeting = await readQmsumMeeting(file, split);
      meetings.push({ id: meeting.id, segments: qmsumSegments(meeting), firstQuery: meeting.specificQueries[0]?.query ?? null });
    }
  }
  return meetings;
}

// ---------------------------------------------------------------- loading

interface Workspace {
  id: string;
  userId: string;
  memberId: string;
}

interface Loaded {
  main: Workspace;
  other: Workspace | null;
  loadSeconds: number | null;
  segmentsInserted: number;
}

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2023, 0, 2, 9);

async function createWorkspace(db: Db, slug: string, label: string): Promise<Workspace> {
  const user = await db.user.create({ data: { email: `${slug}-${randomBytes(4).toString("hex")}@example.com`, fullName: label }, select: { id: true } });
  const workspace = await db.workspace.create({ data: { name: label, slug }, select: { id: true } });
  const member = await db.workspaceMember.create({ data: { workspaceId: workspace.id, userId: user.id, role: "owner" }, select: { id: true } });
  return { id: workspace.id, userId: user.id, memberId: member.id };
}

async function findWorkspace(db: Db, slug: string): Promise<Workspace | null> {
  const workspace = await db.workspace.findUnique({ where: { slug }, select: { id: true, members: { select: { id: true, userId: true }, take: 1 } } });
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
      if (c.id.length >= BATCH) await this.flush();
    }
  }

  async flush(): Promise<void> {
    const c = this.columns;
    if (c.id.length === 0) return;
    this.columns = this.empty();
    while (this.inFlight.size >= CONCURRENCY) await Promise.race(this.inFlight);
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
    [workspaceId, rows.map((r) => r.id), rows.map((r) => r.title), rows.map((r) => r.scheduledStart), rows.map((r) => r.createdAt), rows.map((r) => r.deleted)],
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
    [workspaceId, transcripts.map((t) => t.id), transcripts.map((t) => t.meetingId), transcripts.map((t) => t.version), transcripts.map((t) => t.current)],
  );
  for (const transcript of transcripts) await writer.add(workspaceId, transcript.meetingId, transcript.id, transcript.segments);
}

async function loadData(db: Db, pool: pg.Pool, corpus: CorpusMeeting[]): Promise<Loaded> {
  const existing = await findWorkspace(db, MAIN_SLUG);
  if (existing) {
    progress("the database already holds the benchmark's data: reusing it (no load)");
    return { main: existing, other: await findWorkspace(db, OTHER_SLUG), loadSeconds: null, segmentsInserted: 0 };
  }
  const started = performance.now();
  const main = await createWorkspace(db, MAIN_SLUG, "Search benchmark");
  const other = OTHER_REPLICAS > 0 ? await createWorkspace(db, OTHER_SLUG, "Search benchmark (another tenant)") : null;
  const mainRows = planMeetings(corpus, REPLICAS, 0);
  const otherRows = planMeetings(corpus, OTHER_REPLICAS, 5);
  const segmentsOf = (rows: MeetingRow[]) => rows.reduce((sum, row) => sum + row.corpus.segments.length * (row.oldVersion ? 2 : 1), 0);
  const total = segmentsOf(mainRows) + segmentsOf(otherRows);
  progress(`loading ${mainRows.length + otherRows.length} meetings, ${total.toLocaleString("en-US")} segments (batches of ${BATCH}, ${CONCURRENCY} at a time)`);

  // Building the GIN index once at the end is much faster than maintaining it row by row; it is
  // recreated exactly as the migration defines it, even if the load fails.
  await pool.query(`DROP INDEX IF EXISTS "${GIN_INDEX}"`);
  try {
    const writer = new SegmentWriter(pool, total);
    await insertWorkspaceData(pool, writer, main.id, mainRows);
    if (other) await insertWorkspaceData(pool, writer, other.id, otherRows);
    await writer.finish();
  } finally {
    progress("building the GIN index...");
    const client = await pool.connect();
    try {
      if (!args.embedded) await client.query("SET maintenance_work_mem = '1GB'");
      await client.query(`CREATE INDEX IF NOT EXISTS "${GIN_INDEX}" ON "transcript_segments" USING GIN ("search_vector")`);
    } finally {
      client.release();
    }
  }
  progress("VACUUM ANALYZE...");
  await pool.query("VACUUM ANALYZE meetings, transcripts, transcript_segments");
  return { main, other, loadSeconds: (performance.now() - started) / 1000, segmentsInserted: total };
}

// ---------------------------------------------------------------- the queries

interface QuerySpec {
  label: string;
  kind: string;
  params: SearchTranscriptsParams;
  /** Pages to walk (untimed) before the timed one, for deep-page queries. */
  page?: number;
}

async function buildQueries(db: Db, workspaceId: string, corpus: CorpusMeeting[]): Promise<QuerySpec[]> {
  const meetings = await db.meeting.findMany({
    where: { workspaceId, deletedAt: null },
    orderBy: [{ scheduledStart: "asc" }, { id: "asc" }],
    select: { id: true, title: true, scheduledStart: true },
  });
  const remoteMeetings = meetings.filter((m) => m.title.startsWith("ES") || m.title.startsWith("IS") || m.title.startsWith("TS"));
  const icsi = meetings.filter((m) => m.title.startsWith("B"));
  const pick = <T>(list: T[], count: number) => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0).slice(0, count);
  const latest = new Date(Math.max(...meetings.map((m) => m.scheduledStart?.getTime() ?? 0)));
  const daysBefore = (days: number) => new Date(latest.getTime() - days * DAY_MS);
  const q = (label: string, kind: string, params: Partial<SearchTranscriptsParams> & { query: string }, page?: number): QuerySpec => ({
    label,
    kind,
    params: { limit: 20, ...params },
    ...(page ? { page } : {}),
  });

  const specs: QuerySpec[] = [
    // common words (thousands to hundreds of thousands of matches)
    q("yeah", "very common", { query: "yeah" }),
    q("think", "very common", { query: "think" }),
    q("remote", "common", { query: "remote" }),
    q("meeting", "common", { query: "meeting" }),
    q("design", "common", { query: "design" }),
    q("budget", "common", { query: "budget" }),
    q("data", "common", { query: "data" }),
    // rarer words
    q("kinetic", "rare", { query: "kinetic" }),
    q("titanium", "rare", { query: "titanium" }),
    q("prosody", "rare", { query: "prosody" }),
    q("intonation", "rare", { query: "intonation" }),
    q("pandemic", "rare", { query: "pandemic" }),
    q("curriculum", "rare", { query: "curriculum" }),
    q("ontology", "rare", { query: "ontology" }),
    q("xylophone (no match)", "rare", { query: "xylophone" }),
    // two words (AND)
    q("remote control", "two words", { query: "remote control" }),
    q("speech recognition", "two words", { query: "speech recognition" }),
    q("energy source", "two words", { query: "energy source" }),
    q("battery life", "two words", { query: "battery life" }),
    q("target group", "two words", { query: "target group" }),
    q("scroll wheel", "two words", { query: "scroll wheel" }),
    // web-search syntax
    q('"user interface"', "phrase", { query: '"user interface"' }),
    q('"speech recognition"', "phrase", { query: '"speech recognition"' }),
    q('"neural net"', "phrase", { query: '"neural net"' }),
    q('"remote control" -budget', "phrase + exclusion", { query: '"remote control" -budget' }),
    q("kinetic OR solar", "or", { query: "kinetic OR solar" }),
    q("rubber -plastic", "exclusion", { query: "rubber -plastic" }),
    q("the of and (stop words)", "nothing to search", { query: "the of and" }),
    // filters
    q("budget, speaker Project Manager", "speaker", { query: "budget", speaker: "Project Manager" }),
    q("trendy, speaker Marketing", "speaker", { query: "trendy", speaker: "Marketing" }),
    q("think, speaker Professor B", "speaker", { query: "think", speaker: "Professor B" }),
    q("remote control, 5 meetings", "meetings", { query: "remote control", meetingIds: pick(remoteMeetings, 5).map((m) => m.id) }),
    q("think, 50 meetings", "meetings", { query: "think", meetingIds: pick(icsi, 50).map((m) => m.id) }),
    q("yeah, 1 meeting", "meetings", { query: "yeah", meetingIds: pick(icsi, 1).map((m) => m.id) }),
    q("budget, last 90 days", "dates", { query: "budget", from: daysBefore(90) }),
    q("speech recognition, one month", "dates", { query: "speech recognition", from: daysBefore(400), to: daysBefore(370) }),
    q("think, last 30 days", "dates", { query: "think", from: daysBefore(30) }),
    q("buttons, User Interface, last year", "speaker + dates", { query: "buttons", speaker: "User Interface", from: daysBefore(365) }),
    // deep pages (the timed call is the last page named)
    q("remote control, page 5", "page", { query: "remote control" }, 5),
    q("think, page 20", "page", { query: "think" }, 20),
  ];
  // Natural questions, verbatim from QMSum (every word ANDed, as a user would type them).
  for (const meeting of pick(corpus, 4)) {
    const question = meeting.firstQuery?.trim();
    if (question) specs.push(q(`QMSum: ${question.slice(0, 60)}`, "question", { query: question.slice(0, 500) }));
  }
  return specs;
}

// ---------------------------------------------------------------- timing

interface Result {
  spec: QuerySpec;
  samples: number[];
  /** --compare: the same search with every match ranked (no candidate cap), raw SQL. */
  uncapped: number[];
  hits: number;
  /** All matching segments (current transcripts of live meetings, filters applied). */
  matches: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const ms = (value: number) => value.toFixed(1);
const sortedOf = (samples: number[]) => [...samples].sort((x, y) => x - y);

async function cursorFor(scope: WorkspaceScope, spec: QuerySpec): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 1; page < (spec.page ?? 1); page++) {
    const result = await searchTranscripts(scope, { ...spec.params, ...(cursor ? { cursor } : {}) });
    if (!result.nextCursor) return cursor;
    cursor = result.nextCursor;
  }
  return cursor;
}

/** How many segments the search matches in all, uncapped (untimed; for the report). */
async function countMatches(db: Db, workspaceId: string, params: SearchTranscriptsParams): Promise<number> {
  const sql = searchTranscriptsSql(workspaceId, { ...params, limit: 1_000_000_000 }, null, null);
  const rows = await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM (${sql}) x`;
  return rows[0]?.count ?? 0;
}

/**
 * One warm-up round, then RUNS rounds; each round runs every search once, starting seven further
 * along the list each time, so a search's runs are not back to back (its pages have had every
 * other search go through the buffer cache in between, as they would in use).
 */
async function runQueries(db: Db, scope: WorkspaceScope, specs: QuerySpec[]): Promise<Result[]> {
  const prepared = [];
  for (const spec of specs) {
    const cursor = await cursorFor(scope, spec);
    const params = { ...spec.params, ...(cursor ? { cursor } : {}) };
    const warm = await searchTranscripts(scope, params);
    const matches = await countMatches(db, scope.workspaceId, spec.params);
    const uncappedSql = searchTranscriptsSql(scope.workspaceId, params, searchCursorOf(scope.workspaceId, params), null);
    if (args.compare) await db.$queryRaw(uncappedSql);
    prepared.push({ spec, params, uncappedSql, result: { spec, samples: [], uncapped: [], hits: warm.items.length, matches } as Result });
  }
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < prepared.length; k++) {
      const entry = prepared[(k + round * 7) % prepared.length];
      if (!entry) continue;
      const started = performance.now();
      await searchTranscripts(scope, entry.params);
      entry.result.samples.push(performance.now() - started);
      if (args.compare) {
        const uncappedStarted = performance.now();
        await db.$queryRaw(entry.uncappedSql);
        entry.result.uncapped.push(performance.now() - uncappedStarted);
      }
    }
    progress(`  round ${round + 1}/${RUNS}: p95 so far ${ms(percentile(sortedOf(prepared.flatMap((e) => e.result.samples)), 95))} ms`);
  }
  for (const { result } of prepared) {
    progress(`  ${result.spec.label.slice(0, 50).padEnd(50)} p50 ${ms(percentile(sortedOf(result.samples), 50)).padStart(7)} ms  (${result.matches} matches)`);
  }
  return prepared.map((entry) => entry.result);
}

/** Makes sure the index the capped search walks exists; says whether the benchmark had to create it. */
async function ensureRecencyIndex(pool: pg.Pool): Promise<string> {
  const found = await pool.query<{ indexname: string }>(
    "SELECT indexname FROM pg_indexes WHERE tablename = 'transcript_segments' AND indexdef LIKE '%(workspace_id, created_at, id)'",
  );
  if (found.rows[0]) return `\`${found.rows[0].indexname}\` (from the migrations)`;
  progress(`index ${RECENCY_INDEX.name} missing: creating it (add it in a migration)...`);
  const started = performance.now();
  await pool.query(`CREATE INDEX "${RECENCY_INDEX.name}" ON "transcript_segments" (${RECENCY_INDEX.columns})`);
  await pool.query("ANALYZE transcript_segments");
  return `\`${RECENCY_INDEX.name}\` **created by the benchmark** in ${((performance.now() - started) / 1000).toFixed(1)} s: not in the migrations yet`;
}

async function explain(db: Db, scope: WorkspaceScope, spec: QuerySpec): Promise<string> {
  const cursor = await cursorFor(scope, spec);
  const params = { ...spec.params, ...(cursor ? { cursor } : {}) };
  const sql = searchTranscriptsSql(scope.workspaceId, params, searchCursorOf(scope.workspaceId, params));
  const rows = await db.$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN (ANALYZE, BUFFERS) ${sql}`;
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

// ---------------------------------------------------------------- report

async function facts(pool: pg.Pool) {
  const one = async <T>(sql: string, params: unknown[] = []) => (await pool.query<T & pg.QueryResultRow>(sql, params)).rows[0];
  const version = await one<{ v: string }>("SELECT version() AS v");
  const settings = await pool.query<{ name: string; setting: string; unit: string | null }>(
    "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather', 'effective_cache_size') ORDER BY name",
  );
  const counts = await pool.query<{ workspace: string; meetings: number; deleted: number; transcripts: number; old: number; segments: number; current_segments: number }>(
    `SELECT w.slug AS workspace,
            (SELECT count(*)::int FROM meetings m WHERE m.workspace_id = w.id) AS meetings,
            (SELECT count(*)::int FROM meetings m WHERE m.workspace_id = w.id AND m.deleted_at IS NOT NULL) AS deleted,
            (SELECT count(*)::int FROM transcripts t WHERE t.workspace_id = w.id) AS transcripts,
            (SELECT count(*)::int FROM transcripts t WHERE t.workspace_id = w.id AND NOT t.is_current) AS old,
            (SELECT count(*)::int FROM transcript_segments s WHERE s.workspace_id = w.id) AS segments,
            (SELECT count(*)::int FROM transcript_segments s JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
              JOIN meetings m ON m.id = s.meeting_id AND m.deleted_at IS NULL WHERE s.workspace_id = w.id) AS current_segments
       FROM workspaces w WHERE w.slug = ANY($1::text[]) ORDER BY w.slug`,
    [[MAIN_SLUG, OTHER_SLUG]],
  );
  const sizes = await one<{ table: string; gin: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('transcript_segments')) AS table,
            pg_size_pretty(pg_relation_size('${GIN_INDEX}')) AS gin`,
  );
  return { version: version?.v ?? "?", settings: settings.rows, counts: counts.rows, sizes };
}

interface RunInfo {
  recencyIndex: string;
  loadBefore: number[];
  loadAfter: number[];
}

function report(target: Target, loaded: Loaded, info: Awaited<ReturnType<typeof facts>>, results: Result[], plans: string[], run: RunInfo): string {
  const all = sortedOf(results.flatMap((r) => r.samples));
  const p95 = percentile(all, 95);
  const compare = results.some((r) => r.uncapped.length > 0);
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push(`### Transcript search benchmark`, "");
  lines.push(
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
      `load average ${run.loadBefore.map((l) => l.toFixed(2)).join(" ")} before the searches, ${run.loadAfter.map((l) => l.toFixed(2)).join(" ")} after`,
  );
  lines.push(`- Database: ${info.version.split(" on ")[0] ?? info.version} — ${target.label}`);
  lines.push(`- Settings: ${info.settings.map((s) => `${s.name}=${s.setting}${s.unit ?? ""}`).join(", ")}`);
  for (const row of info.counts) {
    lines.push(
      `- Workspace \`${row.workspace}\`: ${row.meetings.toLocaleString("en-US")} meetings (${row.deleted} soft-deleted), ` +
        `${row.transcripts.toLocaleString("en-US")} transcripts (${row.old} old versions), ${row.segments.toLocaleString("en-US")} segments ` +
        `(${row.current_segments.toLocaleString("en-US")} searchable)`,
    );
  }
  lines.push(`- transcript_segments: ${info.sizes?.table ?? "?"} in all, GIN index ${info.sizes?.gin ?? "?"}; recency index ${run.recencyIndex}`);
  lines.push(
    loaded.loadSeconds === null
      ? "- Load: reused existing data"
      : `- Load: ${loaded.segmentsInserted.toLocaleString("en-US")} segments in ${loaded.loadSeconds.toFixed(0)} s ` +
          `(${Math.round(loaded.segmentsInserted / loaded.loadSeconds).toLocaleString("en-US")}/s, incl. GIN build and VACUUM ANALYZE)`,
  );
  lines.push(
    `- ${results.length} distinct searches × ${RUNS} timed rounds (after a warm-up round; each round runs every search once, in a rotating order) ` +
      `through \`searchTranscripts\`, limit 20, at most ${SEARCH_MAX_CANDIDATES} matches ranked per search` +
      (compare ? "; \"all ranked\" = the same statement ranking every match (no cap), as raw SQL" : ""),
    "",
  );
  lines.push("| metric | value |", "| --- | --- |");
  lines.push(`| samples | ${all.length} |`);
  for (const p of [50, 95, 99]) lines.push(`| p${p} | ${ms(percentile(all, p))} ms |`);
  lines.push(`| max | ${ms(all.at(-1) ?? NaN)} ms |`);
  if (compare) {
    const uncapped = sortedOf(results.flatMap((r) => r.uncapped));
    lines.push(`| all ranked (no cap): p50 / p95 / max | ${ms(percentile(uncapped, 50))} / ${ms(percentile(uncapped, 95))} / ${ms(uncapped.at(-1) ?? NaN)} ms |`);
  }
  lines.push(`| target p95 < ${TARGET_P95_MS} ms | ${p95 < TARGET_P95_MS ? "PASS" : "FAIL"} |`, "");

  const kinds = [...new Set(results.map((r) => r.spec.kind))];
  lines.push(
    `| kind | searches | samples | p50 ms | p95 ms | max ms${compare ? " | all ranked p95 ms" : ""} |`,
    `| --- | ---: | ---: | ---: | ---: | ---:${compare ? " | ---:" : ""} |`,
  );
  for (const kind of kinds) {
    const ofKind = results.filter((r) => r.spec.kind === kind);
    const samples = sortedOf(ofKind.flatMap((r) => r.samples));
    const uncapped = sortedOf(ofKind.flatMap((r) => r.uncapped));
    lines.push(
      `| ${kind} | ${ofKind.length} | ${samples.length} | ${ms(percentile(samples, 50))} | ${ms(percentile(samples, 95))} | ${ms(samples.at(-1) ?? NaN)}` +
        `${compare ? ` | ${ms(percentile(uncapped, 95))}` : ""} |`,
    );
  }
  lines.push("");
  lines.push(
    `| search | kind | matches | p50 ms | p95 ms | max ms${compare ? " | all ranked p50 ms" : ""} |`,
    `| --- | --- | ---: | ---: | ---: | ---:${compare ? " | ---:" : ""} |`,
  );
  const byMedian = [...results].sort((x, y) => percentile(sortedOf(y.samples), 50) - percentile(sortedOf(x.samples), 50));
  for (const result of byMedian) {
    const sorted = sortedOf(result.samples);
    const label = result.spec.label.replaceAll("|", "\\|");
    const capped = result.matches > SEARCH_MAX_CANDIDATES ? " (capped)" : "";
    lines.push(
      `| ${label} | ${result.spec.kind} | ${result.matches.toLocaleString("en-US")}${capped} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(sorted.at(-1) ?? NaN)}` +
        `${compare ? ` | ${ms(percentile(sortedOf(result.uncapped), 50))}` : ""} |`,
    );
  }
  if (plans.length) {
    lines.push("", "#### Plans of the slowest searches", "");
    for (const plan of plans) lines.push("```", plan, "```", "");
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const target = await openTarget();
  progress(`database: ${target.label}`);
  let db: Db | undefined;
  let pool: pg.Pool | undefined;
  try {
    await applyMigrations(target.url);
    db = createPrismaClient(target.url, { poolSize: args.embedded ? 1 : 4 });
    pool = new pg.Pool({ connectionString: target.url, max: CONCURRENCY });
    progress("reading the QMSum corpus...");
    const corpus = await readCorpus();
    progress(`${corpus.length} meetings, ${corpus.reduce((sum, m) => sum + m.segments.length, 0).toLocaleString("en-US")} turns`);
    const loaded = await loadData(db, pool, corpus);
    const scope: WorkspaceScope = { db: scopedDb(db, loaded.main.id), workspaceId: loaded.main.id, userId: loaded.main.userId, role: "owner", memberId: loaded.main.memberId };
    const recencyIndex = await ensureRecencyIndex(pool);
    const specs = await buildQueries(db, loaded.main.id, corpus);
    progress(`running ${specs.length} searches × ${RUNS}...`);
    const loadBefore = os.loadavg();
    const results = await runQueries(db, scope, specs);
    const loadAfter = os.loadavg();
    const slowest = [...results].sort((x, y) => Math.max(...y.samples) - Math.max(...x.samples)).slice(0, EXPLAIN);
    const plans: string[] = [];
    for (const result of slowest) plans.push(`-- ${result.spec.label}\n${await explain(db, scope, result.spec)}`);
    console.log(report(target, loaded, await facts(pool), results, plans, { recencyIndex, loadBefore, loadAfter }));
  } finally {
    await pool?.end();
    await db?.$disconnect();
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
