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
//   pnpm bench:search --embedded             a temporary embedded PostgreSQL server; try --quick first
//   pnpm bench:search --quick                a smoke run: one copy of the corpus, no other tenant, one round
//   options: --replicas 10 (copies of the corpus in the searched workspace) --other-replicas 1
//            --runs 7 (timed rounds: every search once per round, in a rotating order, after one
//            warm-up round) --batch 20000 --concurrency 2 --explain N (EXPLAIN ANALYZE the N slowest
//            searches) --compare (also time the statement with every match ranked, i.e. without
//            SEARCH_MAX_CANDIDATES, as raw SQL) --keep
//
// The searched workspace needs the index on transcript_segments (workspace_id, created_at, id)
// that the capped search walks; a database without it gets it from the benchmark (said in the
// report), so a missing migration shows.
import { performance } from "node:perf_hooks";
import pg from "pg";
import {
  count,
  LOCAL_ADMIN_URL,
  loadAverage,
  machine,
  ms,
  openScratchDatabase,
  parseOptions,
  progress,
  runScript,
  summarize,
  table,
  type ScratchDatabase,
} from "@meetmind/bench";
import { applyMigrations, createPrismaClient, scopedDb, type Db } from "@meetmind/db";
import {
  SEARCH_MAX_CANDIDATES,
  searchCursorOf,
  searchTranscripts,
  searchTranscriptsSql,
  type SearchTranscriptsParams,
} from "../src/search/service.js";
import type { WorkspaceScope } from "../src/tenancy/scope.js";
import { DAY_MS, GIN_INDEX, loadData, MAIN_SLUG, OTHER_SLUG, readCorpus, type CorpusMeeting, type Loaded } from "./search-data.js";

const TARGET_P95_MS = 50;
/** The index the capped search walks for common terms (newest segments of a workspace first). */
const RECENCY_INDEX = { name: "transcript_segments_workspace_id_created_at_id_idx", columns: '"workspace_id", "created_at", "id"' };

// ---------------------------------------------------------------- options

const { args, size } = parseOptions({
  options: {
    "database-url": { type: "string" },
    "admin-url": { type: "string", default: LOCAL_ADMIN_URL },
    embedded: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    replicas: { type: "string" },
    "other-replicas": { type: "string" },
    runs: { type: "string" },
    batch: { type: "string" },
    concurrency: { type: "string" },
    explain: { type: "string" },
    compare: { type: "boolean", default: false },
  },
  sizes: {
    replicas: { default: 10, quick: 1, min: 1, max: 100, integer: true },
    "other-replicas": { default: 1, quick: 0, min: 0, max: 10, integer: true },
    runs: { default: 7, quick: 1, min: 1, max: 1000, integer: true },
    batch: { default: 20_000, min: 100, max: 200_000, integer: true },
    concurrency: { default: 2, min: 1, max: 16, integer: true },
    explain: { default: 0, min: 0, max: 100, integer: true },
  },
  usage:
    "usage: pnpm bench:search [--database-url URL | --admin-url URL | --embedded] [--quick]\n" +
    "  [--replicas 10] [--other-replicas 1] [--runs 7] [--batch 20000] [--concurrency 2] [--explain N] [--compare] [--keep]",
});
const RUNS = size.runs;
const EXPLAIN = size.explain;
const COMPARE = args.compare;
const CONCURRENCY = size.concurrency;

// ---------------------------------------------------------------- the run

runScript(async () => {
  const target = await openScratchDatabase({
    databaseUrl: args["database-url"],
    embedded: args.embedded,
    adminUrl: args["admin-url"],
    purpose: "bench_search",
    keep: args.keep,
    progress,
  });
  progress(`database: ${target.label}`);
  let db: Db | undefined;
  let pool: pg.Pool | undefined;
  try {
    await applyMigrations(target.url);
    db = createPrismaClient(target.url, { poolSize: 4 });
    pool = new pg.Pool({ connectionString: target.url, max: CONCURRENCY });
    progress("reading the QMSum corpus...");
    const corpus = await readCorpus();
    progress(`${corpus.length} meetings, ${count(corpus.reduce((sum, m) => sum + m.segments.length, 0))} turns`);
    const loaded = await loadData(db, pool, corpus, {
      replicas: size.replicas,
      otherReplicas: size["other-replicas"],
      batch: size.batch,
      concurrency: CONCURRENCY,
    });
    const scope: WorkspaceScope = {
      db: scopedDb(db, loaded.main.id),
      workspaceId: loaded.main.id,
      userId: loaded.main.userId,
      role: "owner",
      memberId: loaded.main.memberId,
      grants: [],
    };
    const recencyIndex = await ensureRecencyIndex(pool);
    const specs = await buildQueries(db, loaded.main.id, corpus);
    progress(`running ${specs.length} searches × ${RUNS}...`);
    const loadBefore = loadAverage();
    const results = await runQueries(db, scope, specs);
    const loadAfter = loadAverage();
    const slowest = [...results].sort((x, y) => Math.max(...y.samples) - Math.max(...x.samples)).slice(0, EXPLAIN);
    const plans: string[] = [];
    for (const result of slowest) plans.push(`-- ${result.spec.label}\n${await explain(db, scope, result.spec)}`);
    const load = `load average ${loadBefore} before the searches, ${loadAfter} after`;
    console.log(report(target, loaded, await facts(pool), results, plans, { recencyIndex, load }));
  } finally {
    await pool?.end();
    await db?.$disconnect();
    await target.close();
  }
});

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
  const pick = <T>(list: T[], count: number) =>
    list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0).slice(0, count);
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
async function countMatches(db: Db, scope: WorkspaceScope, params: SearchTranscriptsParams): Promise<number> {
  const sql = searchTranscriptsSql(scope, { ...params, limit: 1_000_000_000 }, null, null);
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
    const matches = await countMatches(db, scope, spec.params);
    const uncappedSql = searchTranscriptsSql(scope, params, searchCursorOf(scope.workspaceId, params), null);
    if (COMPARE) await db.$queryRaw(uncappedSql);
    prepared.push({ spec, params, uncappedSql, result: { spec, samples: [], uncapped: [], hits: warm.items.length, matches } as Result });
  }
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < prepared.length; k++) {
      const entry = prepared[(k + round * 7) % prepared.length];
      if (!entry) continue;
      const started = performance.now();
      await searchTranscripts(scope, entry.params);
      entry.result.samples.push(performance.now() - started);
      if (COMPARE) {
        const uncappedStarted = performance.now();
        await db.$queryRaw(entry.uncappedSql);
        entry.result.uncapped.push(performance.now() - uncappedStarted);
      }
    }
    progress(`  round ${round + 1}/${RUNS}: p95 so far ${ms(summarize(prepared.flatMap((e) => e.result.samples)).p95)} ms`);
  }
  for (const { result } of prepared) {
    progress(
      `  ${result.spec.label.slice(0, 50).padEnd(50)} p50 ${ms(summarize(result.samples).p50).padStart(7)} ms  (${result.matches} matches)`,
    );
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
  const sql = searchTranscriptsSql(scope, params, searchCursorOf(scope.workspaceId, params));
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
  const counts = await pool.query<{
    workspace: string;
    meetings: number;
    deleted: number;
    transcripts: number;
    old: number;
    segments: number;
    current_segments: number;
  }>(
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

function report(
  target: ScratchDatabase,
  loaded: Loaded,
  info: Awaited<ReturnType<typeof facts>>,
  results: Result[],
  plans: string[],
  run: { recencyIndex: string; load: string },
): string {
  const all = summarize(results.flatMap((r) => r.samples));
  const compare = results.some((r) => r.uncapped.length > 0);
  const lines: string[] = [];
  lines.push(`### Transcript search benchmark`, "");
  lines.push(`- Machine: ${machine()}; ${run.load}`);
  lines.push(`- Database: ${info.version.split(" on ")[0] ?? info.version} — ${target.label}`);
  lines.push(`- Settings: ${info.settings.map((s) => `${s.name}=${s.setting}${s.unit ?? ""}`).join(", ")}`);
  for (const row of info.counts) {
    lines.push(
      `- Workspace \`${row.workspace}\`: ${count(row.meetings)} meetings (${row.deleted} soft-deleted), ` +
        `${count(row.transcripts)} transcripts (${row.old} old versions), ${count(row.segments)} segments (${count(row.current_segments)} searchable)`,
    );
  }
  lines.push(
    `- transcript_segments: ${info.sizes?.table ?? "?"} in all, GIN index ${info.sizes?.gin ?? "?"}; recency index ${run.recencyIndex}`,
  );
  lines.push(
    loaded.loadSeconds === null
      ? "- Load: reused existing data"
      : `- Load: ${count(loaded.segmentsInserted)} segments in ${loaded.loadSeconds.toFixed(0)} s ` +
          `(${count(loaded.segmentsInserted / loaded.loadSeconds)}/s, incl. GIN build and VACUUM ANALYZE)`,
  );
  lines.push(
    `- ${results.length} distinct searches × ${RUNS} timed rounds (after a warm-up round; each round runs every search once, in a rotating order) ` +
      `through \`searchTranscripts\`, limit 20, at most ${SEARCH_MAX_CANDIDATES} matches ranked per search` +
      (compare ? '; "all ranked" = the same statement ranking every match (no cap), as raw SQL' : ""),
    "",
  );
  const uncappedAll = summarize(results.flatMap((r) => r.uncapped));
  lines.push(
    table(
      ["metric", "value"],
      [
        ["samples", all.count],
        ["p50", `${ms(all.p50)} ms`],
        ["p95", `${ms(all.p95)} ms`],
        ["p99", `${ms(all.p99)} ms`],
        ["max", `${ms(all.max)} ms`],
        ...(compare
          ? [["all ranked (no cap): p50 / p95 / max", `${ms(uncappedAll.p50)} / ${ms(uncappedAll.p95)} / ${ms(uncappedAll.max)} ms`]]
          : []),
        [`target p95 < ${TARGET_P95_MS} ms`, all.p95 < TARGET_P95_MS ? "PASS" : "FAIL"],
      ],
      ["l", "r"],
    ),
    "",
  );

  const kinds = [...new Set(results.map((r) => r.spec.kind))];
  lines.push(
    table(
      ["kind", "searches", "samples", "p50 ms", "p95 ms", "max ms", ...(compare ? ["all ranked p95 ms"] : [])],
      kinds.map((kind) => {
        const ofKind = results.filter((r) => r.spec.kind === kind);
        const samples = summarize(ofKind.flatMap((r) => r.samples));
        const uncapped = summarize(ofKind.flatMap((r) => r.uncapped));
        return [
          kind,
          ofKind.length,
          samples.count,
          ms(samples.p50),
          ms(samples.p95),
          ms(samples.max),
          ...(compare ? [ms(uncapped.p95)] : []),
        ];
      }),
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
    "",
  );
  const byMedian = [...results].sort((x, y) => summarize(y.samples).p50 - summarize(x.samples).p50);
  lines.push(
    table(
      ["search", "kind", "matches", "p50 ms", "p95 ms", "max ms", ...(compare ? ["all ranked p50 ms"] : [])],
      byMedian.map((result) => {
        const s = summarize(result.samples);
        const capped = result.matches > SEARCH_MAX_CANDIDATES ? " (capped)" : "";
        return [
          result.spec.label,
          result.spec.kind,
          `${count(result.matches)}${capped}`,
          ms(s.p50),
          ms(s.p95),
          ms(s.max),
          ...(compare ? [ms(summarize(result.uncapped).p50)] : []),
        ];
      }),
      ["l", "l", "r", "r", "r", "r", "r"],
    ),
  );
  if (plans.length) {
    lines.push("", "#### Plans of the slowest searches", "");
    for (const plan of plans) lines.push("```", plan, "```", "");
  }
  return lines.join("\n");
}
