// Ask Mind on QMSum: loads one split of the corpus into a fresh workspace, asks every specific
// query scoped to its meeting, and scores retrieval, citations and the offline extractive answer.
//
// Prints a markdown report on stdout (progress goes to stderr).
//
//   pnpm eval:qmsum --split val               a fresh database on postgresql://postgres@127.0.0.1:5432/postgres,
//                                             migrated, loaded, dropped at the end (--keep keeps it)
//   pnpm eval:qmsum --split train --admin-url URL      the same on another server (URL: any database there)
//   pnpm eval:qmsum --split val --database-url URL     this database: migrated; the split is loaded into
//                                             a workspace of its own unless one is already there (reused)
//   options: --corpus split|all (all: load both splits, so wide-scope latency is measured on 108k
//            segments; questions still come from --split) --wide (also time every question over the
//            whole workspace) --windows N --budget N --max-queries N --tune k=v,... --per-query (a line
//            per query on stderr)
//
// What is scored is exactly the product's offline answer (answer.ts): the question is retrieved with
// the product's window count (8; --windows changes it), and `composeOfflineAnswer` answers from all
// those windows and renders the text a user reads — speaker prefixes included — with its citation
// markers, which are removed before ROUGE. Recall@10 needs 10 windows: those come from a second,
// untimed retrieval with limit 10 (the first 8 of a limit-10 retrieval can differ from a limit-8
// one, as later windows merge into earlier ones).
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { LOCAL_ADMIN_URL, openScratchDatabase, scriptArgv, type ScratchDatabase } from "@meetmind/bench";
import { applyMigrations, createPrismaClient, type Db } from "@meetmind/db";
import { composeOfflineAnswer, NOTHING_FOUND, RETRIEVED_WINDOWS } from "../src/askmind/answer.js";
import { DEFAULT_TUNING, DEFAULT_WORD_BUDGET, type AnswerTuning } from "../src/askmind/extractive-answer/tuning.js";
import { retrieveWindows, type RetrievedWindow } from "../src/askmind/retrieval.js";
import { MAX_WINDOW_TURNS, WINDOW_TURNS } from "../src/askmind/retrieval/ranking.js";
import type { Viewer } from "../src/tenancy/meeting-access.js";
import { rouge } from "./rouge.js";
import { listQmsumMeetings, readQmsumMeeting, type QmsumSplit } from "../src/qmsum/corpus.js";
import { seedQmsum, type SeededMeeting } from "../src/qmsum/seed.js";

/** Windows the product retrieves for an answer. */
const PRODUCT_WINDOWS = RETRIEVED_WINDOWS;
/** Citation markers in an answer's text (" [3]"). */
const MARKERS = /\s*\[\d+\]/g;

const { values: args } = parseArgs({
  args: scriptArgv(),
  options: {
    split: { type: "string", default: "val" },
    corpus: { type: "string", default: "split" },
    "database-url": { type: "string" },
    "admin-url": { type: "string", default: LOCAL_ADMIN_URL },
    keep: { type: "boolean", default: false },
    wide: { type: "boolean", default: false },
    windows: { type: "string", default: String(PRODUCT_WINDOWS) },
    budget: { type: "string", default: String(DEFAULT_WORD_BUDGET) },
    "max-queries": { type: "string", default: "0" },
    tune: { type: "string", default: "" },
    "per-query": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.error(
    "usage: pnpm eval:qmsum [--split val|train] [--database-url URL | --admin-url URL] [--keep] [--corpus split|all] [--wide]\n" +
      `  [--windows ${PRODUCT_WINDOWS}] [--budget ${DEFAULT_WORD_BUDGET}] [--max-queries N] [--tune lambda=0.7,centrality=0.5,...] [--per-query]`,
  );
  process.exit(0);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (args.split !== "val" && args.split !== "train") fail("--split must be val or train");
if (args.corpus !== "split" && args.corpus !== "all") fail("--corpus must be split or all");
const SPLIT: QmsumSplit = args.split;
const LOAD_SPLITS: QmsumSplit[] = args.corpus === "all" ? ["train", "val"] : [SPLIT];

function intOption(name: "windows" | "budget" | "max-queries", min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}
const WINDOWS = intOption("windows", 1, 50);
const BUDGET = intOption("budget", 10, 1000);
const MAX_QUERIES = intOption("max-queries", 0, 100_000);

function tuningOption(): Partial<AnswerTuning> {
  const tuning: Partial<AnswerTuning> = {};
  for (const pair of (args.tune ?? "").split(",").filter(Boolean)) {
    const [key, raw] = pair.split("=");
    if (!key || !(key in DEFAULT_TUNING) || raw === undefined || !Number.isFinite(Number(raw))) fail(`--tune: bad ${pair}`);
    tuning[key as keyof AnswerTuning] = Number(raw);
  }
  return tuning;
}
const TUNING = tuningOption();

const progress = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------- the database

type Target = ScratchDatabase;

const openTarget = () =>
  openScratchDatabase({ databaseUrl: args["database-url"], adminUrl: args["admin-url"], purpose: "eval_qmsum", keep: args.keep, progress });

// ---------------------------------------------------------------- loading

interface Loaded {
  workspaceId: string;
  /** The workspace's owner, who asks every question (and sees every meeting). */
  viewer: Viewer;
  seeded: SeededMeeting[];
  loadSeconds: number | null;
  segments: number;
}

/** The split's meetings in a workspace of their own (slug names split and corpus, so it is reused). */
async function load(db: Db): Promise<Loaded> {
  const slug = `eval-qmsum-${SPLIT}-${args.corpus}`;
  const existing = await db.workspace.findUnique({
    where: { slug },
    select: { id: true, members: { where: { role: "owner" }, take: 1, select: { id: true, userId: true } } },
  });
  const owner = existing?.members[0];
  if (existing && owner) {
    progress(`reusing workspace ${slug}`);
    const seeded = await readBack(db, existing.id);
    const segments = await db.transcriptSegment.count({ where: { workspaceId: existing.id } });
    const viewer: Viewer = { userId: owner.userId, memberId: owner.id, role: "owner", grants: [] };
    return { workspaceId: existing.id, viewer, seeded, loadSeconds: null, segments };
  }
  const started = performance.now();
  const user = await db.user.create({
    data: { email: `eval-qmsum-${randomBytes(4).toString("hex")}@example.com`, fullName: "QMSum evaluation" },
    select: { id: true },
  });
  const workspace = await db.workspace.create({ data: { name: `QMSum ${SPLIT} (${args.corpus})`, slug }, select: { id: true } });
  const member = await db.workspaceMember.create({
    data: { workspaceId: workspace.id, userId: user.id, role: "owner" },
    select: { id: true },
  });
  const all = await seedQmsum(
    db,
    { workspaceId: workspace.id, userId: user.id, memberId: member.id },
    {
      splits: LOAD_SPLITS,
      keepSegmentIds: true,
      onMeeting: (done, total, meeting) => process.stderr.write(`\r  loaded ${done}/${total} meetings (${meeting.id})        `),
    },
  );
  process.stderr.write("\n");
  await db.$executeRawUnsafe("VACUUM ANALYZE meetings, transcripts, transcript_segments");
  const segments = all.reduce((sum, s) => sum + s.segmentIds.length, 0);
  const viewer: Viewer = { userId: user.id, memberId: member.id, role: "owner", grants: [] };
  return { workspaceId: workspace.id, viewer, seeded: all, loadSeconds: (performance.now() - started) / 1000, segments };
}

/** For a reused workspace: the corpus again, matched to the stored meetings by external id. */
async function readBack(db: Db, workspaceId: string): Promise<SeededMeeting[]> {
  const meetings = await db.meeting.findMany({ where: { workspaceId }, select: { id: true, externalId: true } });
  const byExternal = new Map(meetings.map((m) => [m.externalId, m.id]));
  const seeded: SeededMeeting[] = [];
  for (const split of LOAD_SPLITS) {
    for (const file of await listQmsumMeetings(split)) {
      const meeting = await readQmsumMeeting(file, split);
      const meetingId = byExternal.get(`qmsum:${meeting.id}`);
      if (!meetingId) fail(`workspace is missing ${meeting.id}: drop it and load again`);
      const segments = await db.transcriptSegment.findMany({
        where: { meetingId, transcript: { isCurrent: true } },
        orderBy: { position: "asc" },
        select: { id: true },
      });
      seeded.push({ meeting, meetingId, segmentIds: segments.map((s) => s.id) });
    }
  }
  return seeded;
}

// ---------------------------------------------------------------- measuring

interface QueryResult {
  meeting: string;
  query: string;
  gold: number;
  recall5: number;
  recall10: number;
  /** False when the product says NOTHING_FOUND (then nothing is cited and ROUGE is 0). */
  answered: boolean;
  /** Cited segments, and how many of them are gold turns. */
  cited: number;
  citedGold: number;
  answerWords: number;
  /** Words of the answer without speaker attribution. */
  plainWords: number;
  r1: number;
  r2: number;
  rl: number;
  rlsum: number;
  /** ROUGE-1/2/L F1 of the same sentences without speaker attribution (markers removed too). */
  plain: [number, number, number];
  retrieveMs: number;
  answerMs: number;
  wideMs: number | null;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
const mean = (values: number[]) => (values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : NaN);

function goldTurns(spans: [number, number][], turns: number): Set<number> {
  const gold = new Set<number>();
  for (const [from, to] of spans) for (let i = Math.max(0, from); i <= Math.min(turns - 1, to); i++) gold.add(i);
  return gold;
}

function recallOf(windows: RetrievedWindow[], gold: Set<number>): number {
  const covered = new Set<number>();
  for (const window of windows) for (const segment of window.segments) if (gold.has(segment.position)) covered.add(segment.position);
  return gold.size ? covered.size / gold.size : 0;
}

let mappingErrors = 0;

async function evaluate(db: Db, loaded: Loaded): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  const questions = loaded.seeded
    .filter((s) => s.meeting.split === SPLIT)
    .flatMap((s) => s.meeting.specificQueries.map((q) => ({ seeded: s, q })));
  const selected = MAX_QUERIES ? questions.slice(0, MAX_QUERIES) : questions;
  // One untimed warm-up, so the first timing is not the connection's.
  const warm = selected[0];
  if (warm)
    await retrieveWindows(db, {
      workspaceId: loaded.workspaceId,
      query: warm.q.query,
      scope: { viewer: loaded.viewer, meetingIds: [warm.seeded.meetingId] },
      limit: WINDOWS,
    });
  for (const [index, { seeded, q }] of selected.entries()) {
    const gold = goldTurns(q.spans, seeded.meeting.turns.length);
    const scope = { viewer: loaded.viewer, meetingIds: [seeded.meetingId] };
    const t0 = performance.now();
    const windows = await retrieveWindows(db, { workspaceId: loaded.workspaceId, query: q.query, scope, limit: WINDOWS });
    const t1 = performance.now();
    const answer = composeOfflineAnswer(q.query, windows.slice(0, WINDOWS), { tuning: TUNING, wordBudget: BUDGET });
    const t2 = performance.now();
    // Recall@10 needs ten windows: an untimed retrieval of its own (the answer's are the product's).
    const ten = WINDOWS >= 10 ? windows : await retrieveWindows(db, { workspaceId: loaded.workspaceId, query: q.query, scope, limit: 10 });
    let wideMs: number | null = null;
    if (args.wide) {
      const started = performance.now();
      await retrieveWindows(db, { workspaceId: loaded.workspaceId, query: q.query, scope: { viewer: loaded.viewer }, limit: WINDOWS });
      wideMs = performance.now() - started;
    }

    // Segment ↔ turn: seedQmsum stores turn i as the segment at position i.
    for (const window of windows)
      for (const segment of window.segments) if (seeded.segmentIds[segment.position] !== segment.id) mappingErrors++;
    const positionOf = new Map(windows.flatMap((w) => w.segments.map((s) => [s.id, s.position] as const)));
    const unanswered = answer.citations.length === 0 || answer.text === NOTHING_FOUND;
    const cited = new Set(answer.citations.map((citation) => citation.segmentId));
    const citedGold = [...cited].filter((id) => gold.has(positionOf.get(id) ?? -1)).length;
    // The text a user reads, markers removed; an unanswered question scores 0 (not its apology).
    const text = unanswered ? "" : answer.text.replace(MARKERS, "").trim();
    // The same sentences without speaker attribution: each piece is "[\n]Speaker: sentence [n]" when
    // the speaker changes, else " sentence [n]"; the speaker is the cited segment's.
    const plainText = unanswered
      ? ""
      : answer.pieces
          .map((piece) => {
            const marker = Number(/\[(\d+)\]\s*$/.exec(piece)?.[1]);
            const speaker = answer.citations[marker - 1]?.speaker;
            const body = piece.replace(MARKERS, "").trim();
            return speaker && body.startsWith(`${speaker}: `) ? body.slice(speaker.length + 2) : body;
          })
          .join(" ");
    const scores = rouge(text, q.answer);
    const plain = rouge(plainText, q.answer);
    results.push({
      meeting: seeded.meeting.id,
      query: q.query,
      gold: gold.size,
      recall5: recallOf(windows.slice(0, 5), gold),
      recall10: recallOf(ten.slice(0, 10), gold),
      answered: !unanswered,
      cited: cited.size,
      citedGold,
      answerWords: text.split(/\s+/).filter(Boolean).length,
      plainWords: plainText.split(/\s+/).filter(Boolean).length,
      r1: scores.rouge1.f1,
      r2: scores.rouge2.f1,
      rl: scores.rougeL.f1,
      rlsum: scores.rougeLsum.f1,
      plain: [plain.rouge1.f1, plain.rouge2.f1, plain.rougeL.f1],
      retrieveMs: t1 - t0,
      answerMs: t2 - t1,
      wideMs,
    });
    if (args["per-query"]) {
      const r = results.at(-1) as QueryResult;
      progress(
        `${seeded.meeting.id}\t${q.query}\tR@5 ${r.recall5.toFixed(2)}\tcite ${r.citedGold}/${r.cited}\tR1 ${(r.r1 * 100).toFixed(1)}\t${r.retrieveMs.toFixed(1)} ms`,
      );
    } else process.stderr.write(`\r  ${index + 1}/${selected.length} questions`);
  }
  process.stderr.write("\n");
  return results;
}

// ---------------------------------------------------------------- report

function report(target: Target, loaded: Loaded, results: QueryResult[], seconds: number): string {
  const pct = (value: number) => (value * 100).toFixed(2);
  const f3 = (value: number) => value.toFixed(3);
  const ms = (value: number) => value.toFixed(1);
  const answered = results.filter((r) => r.answered);
  const citedAll = results.reduce((sum, r) => sum + r.cited, 0);
  const citedGoldAll = results.reduce((sum, r) => sum + r.citedGold, 0);
  const retrieve = results.map((r) => r.retrieveMs);
  const total = results.map((r) => r.retrieveMs + r.answerMs);
  const wide = results.flatMap((r) => (r.wideMs === null ? [] : [r.wideMs]));
  const tuning = { ...DEFAULT_TUNING, ...TUNING };
  const lines: string[] = [];
  lines.push(`### Ask Mind on QMSum — ${SPLIT} split, offline extractive mode`, "");
  lines.push(`- Database: ${target.label}`);
  lines.push(
    `- Workspace: ${loaded.seeded.length} meetings (${LOAD_SPLITS.join(" + ")}), ${loaded.segments.toLocaleString("en-US")} segments` +
      (loaded.loadSeconds === null ? " (reused)" : ` (loaded in ${loaded.loadSeconds.toFixed(0)} s)`),
  );
  lines.push(`- ${results.length} specific queries, each scoped to its meeting; ${seconds.toFixed(0)} s in all`);
  lines.push(
    `- Retrieval: full-text windows of ${WINDOW_TURNS} turns (merged up to ${MAX_WINDOW_TURNS}), top ${WINDOWS}; ` +
      `answer: \`composeOfflineAnswer\` (all of them), word budget ${BUDGET}, tuning ${Object.entries(tuning)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
  );
  lines.push(
    "- ROUGE: own implementation, rouge_score-compatible: lowercase, [a-z0-9]+ tokens, Porter stemming (Porter's reference version, `stemmer` package) of tokens " +
      "longer than 3 characters, no stop-word removal; F1 × 100, averaged over queries (ROUGE-L: LCS of the whole texts; " +
      "ROUGE-Lsum: summary-level union LCS over sentences)",
  );
  lines.push(
    "- Answer text scored: the product's offline answer (`composeOfflineAnswer`: each run of one speaker's sentences introduced by " +
      '"Speaker: ") with its citation markers removed; a NOTHING_FOUND answer is unanswered and scores 0',
  );
  if (WINDOWS !== PRODUCT_WINDOWS) lines.push(`- NOTE: --windows ${WINDOWS} differs from the product's ${PRODUCT_WINDOWS}`);
  lines.push("- Gold turns: the query's `relevant_text_span` turns (turn i = segment at position i)", "");
  lines.push("| metric | value |", "| --- | ---: |");
  lines.push(`| gold-turn recall of retrieved windows @5 | ${f3(mean(results.map((r) => r.recall5)))} |`);
  lines.push(`| gold-turn recall of retrieved windows @10 | ${f3(mean(results.map((r) => r.recall10)))} |`);
  lines.push(
    `| share of cited segments that are gold turns (mean over answered queries) | ${f3(mean(answered.map((r) => r.citedGold / r.cited)))} |`,
  );
  lines.push(`| share of cited segments that are gold turns (all citations pooled) | ${f3(citedAll ? citedGoldAll / citedAll : NaN)} |`);
  lines.push(`| share of gold turns that are cited (mean) | ${f3(mean(results.map((r) => (r.gold ? r.citedGold / r.gold : 0))))} |`);
  lines.push(`| queries with at least one gold turn cited | ${f3(mean(results.map((r) => (r.citedGold > 0 ? 1 : 0))))} |`);
  lines.push(`| queries answered (not NOTHING_FOUND) | ${answered.length} / ${results.length} |`);
  lines.push(
    `| answer length, words (mean; without speaker attribution) | ${mean(results.map((r) => r.answerWords)).toFixed(1)} ` +
      `(${mean(results.map((r) => r.plainWords)).toFixed(1)}) |`,
  );
  lines.push(`| ROUGE-1 F1 | ${pct(mean(results.map((r) => r.r1)))} |`);
  lines.push(`| ROUGE-2 F1 | ${pct(mean(results.map((r) => r.r2)))} |`);
  lines.push(`| ROUGE-L F1 | ${pct(mean(results.map((r) => r.rl)))} |`);
  lines.push(`| ROUGE-Lsum F1 | ${pct(mean(results.map((r) => r.rlsum)))} |`);
  lines.push(
    `| ROUGE-1 / 2 / L F1, sentences without speaker attribution | ${pct(mean(results.map((r) => r.plain[0])))} / ` +
      `${pct(mean(results.map((r) => r.plain[1])))} / ${pct(mean(results.map((r) => r.plain[2])))} |`,
  );
  lines.push(`| latency per question, retrieval p50 / p95 | ${ms(percentile(retrieve, 50))} / ${ms(percentile(retrieve, 95))} ms |`);
  lines.push(`| latency per question, retrieval + answer p50 / p95 | ${ms(percentile(total, 50))} / ${ms(percentile(total, 95))} ms |`);
  if (wide.length) {
    lines.push(
      `| latency, same questions over the whole workspace, p50 / p95 / max | ${ms(percentile(wide, 50))} / ${ms(percentile(wide, 95))} / ${ms(Math.max(...wide))} ms |`,
    );
  }
  if (mappingErrors) lines.push(`| segment ↔ turn mapping errors | ${mappingErrors} |`);
  return lines.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const target = await openTarget();
  progress(`database: ${target.label}`);
  let db: Db | undefined;
  try {
    await applyMigrations(target.url);
    db = createPrismaClient(target.url, { poolSize: 2 });
    const loaded = await load(db);
    progress(`workspace: ${loaded.seeded.length} meetings, ${loaded.segments.toLocaleString("en-US")} segments`);
    const started = performance.now();
    const results = await evaluate(db, loaded);
    console.log(report(target, loaded, results, (performance.now() - started) / 1000));
  } finally {
    await db?.$disconnect();
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
