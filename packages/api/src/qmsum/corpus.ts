// The QMSum corpus (../shared/corpora/qmsum): 197 real meetings with queries and gold answers,
// used to seed realistic data, benchmark search and evaluate Ask Mind.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ParsedSegment } from "../transcripts/types.js";

export type QmsumSplit = "train" | "val";

interface RawMeeting {
  meeting_transcripts: { speaker: string; content: string }[];
  specific_query_list: { query: string; answer: string; relevant_text_span: [string, string][] }[];
  general_query_list: { query: string; answer: string }[];
  topic_list: { topic: string; relevant_text_span: [string, string][] }[];
}

export interface QmsumQuery {
  query: string;
  answer: string;
  /** Inclusive [first, last] turn indexes of the gold evidence. */
  spans: [number, number][];
}

export interface QmsumMeeting {
  /** File name without extension, e.g. "Bed004". */
  id: string;
  split: QmsumSplit;
  turns: { speaker: string; text: string }[];
  specificQueries: QmsumQuery[];
  generalQueries: { query: string; answer: string }[];
  topics: { topic: string; spans: [number, number][] }[];
}

/** The whole corpus, where it sits beside the repository: <repo>/../shared/corpora/qmsum. */
export const SHARED_QMSUM_DIR = fileURLToPath(new URL("../../../../../shared/corpora/qmsum", import.meta.url));
/** The subset committed for tests (all of val, nine train meetings): packages/api/test/qmsum. */
export const TEST_QMSUM_DIR = fileURLToPath(new URL("../../test/qmsum", import.meta.url));

/** The whole corpus when this machine has it, else the committed subset. */
export function defaultQmsumDir(): string {
  return existsSync(SHARED_QMSUM_DIR) ? SHARED_QMSUM_DIR : TEST_QMSUM_DIR;
}

/** Undoes the corpus's tokenisation ("I 'm", " ,") and drops its annotation markers. */
export function cleanTurnText(text: string): string {
  return text
    .replace(/\{[a-z_]+\}/gi, " ")
    .replace(/\s+([,.?!;:%)])/g, "$1")
    .replace(/\(\s+/g, "(")
    .replace(/\s+(n't|'s|'m|'re|'ve|'ll|'d)\b/gi, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

const spansOf = (spans: [string, string][]): [number, number][] =>
  spans
    .map(([from, to]) => [Number(from), Number(to)] as [number, number])
    .filter(([from, to]) => Number.isInteger(from) && Number.isInteger(to));

export async function listQmsumMeetings(split: QmsumSplit, dir = defaultQmsumDir()): Promise<string[]> {
  const files = (await readdir(path.join(dir, split))).filter((file) => file.endsWith(".json")).sort();
  return files.map((file) => path.join(dir, split, file));
}

export async function readQmsumMeeting(file: string, split: QmsumSplit): Promise<QmsumMeeting> {
  const raw = JSON.parse(await readFile(file, "utf8")) as RawMeeting;
  return {
    id: path.basename(file, ".json"),
    split,
    turns: raw.meeting_transcripts.map((turn) => ({ speaker: turn.speaker.trim(), text: cleanTurnText(turn.content) })),
    specificQueries: raw.specific_query_list.map((q) => ({ query: q.query, answer: q.answer, spans: spansOf(q.relevant_text_span) })),
    generalQueries: raw.general_query_list.map((q) => ({ query: q.query, answer: q.answer })),
    topics: raw.topic_list.map((t) => ({ topic: t.topic, spans: spansOf(t.relevant_text_span) })),
  };
}

const MS_PER_WORD = 400;

/**
 * QMSum has no timestamps: turns are laid end to end at a speaking pace of 150 words a minute,
 * so times are plausible and ordered. Segment i is turn i (empty turns keep their place).
 */
export function qmsumSegments(meeting: QmsumMeeting): ParsedSegment[] {
  let clock = 0;
  return meeting.turns.map((turn) => {
    const words = Math.max(1, turn.text.split(" ").length);
    const segment = { speaker: turn.speaker, startMs: clock, endMs: clock + words * MS_PER_WORD, text: turn.text || "…" };
    clock = segment.endMs + 200;
    return segment;
  });
}
