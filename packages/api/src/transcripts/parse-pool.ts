// Transcript parsing off the event loop. Parsing is pure CPU: a 5 MB file of short turns is a
// million segments and 3–7 s on this project's 2-core machines, during which a server parsing on
// its main thread answers nobody. Files over PARSE_INLINE_MAX_BYTES are therefore parsed in a
// worker thread (workers/transcript-parse.mjs); small ones, the common case, inline.
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { ValidationError, type ValidationCode } from "../errors.js";
import { parseTranscript, TranscriptParseError } from "./parsers/index.js";
import type { ParsedSegment, TranscriptFormatName } from "./types.js";

/** At most ~26,000 turns, ~0.1–0.2 s to parse: cheaper inline than a round trip to a thread. */
export const PARSE_INLINE_MAX_BYTES = 128 * 1024;

// Resolved from this module's own location: src/transcripts/*.ts and dist/transcripts/*.js sit at
// the same depth, so both reach packages/api/workers/. The worker loads the parsers the way this
// module was loaded (.ts from sources under vitest/tsx, .js when built).
const WORKER_URL = new URL("../../workers/transcript-parse.mjs", import.meta.url);
const PARSERS_URL = new URL(`./parsers/index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A parsed file as columns (see the worker); segment i's text ends at textEnd[i] in text. */
export interface SegmentColumns {
  speakers: (string | null)[];
  speaker: Int32Array;
  startMs: Float64Array;
  endMs: Float64Array;
  text: string;
  textEnd: Int32Array;
}

export interface ParseSummary {
  count: number;
  /** The latest end time, in ms. */
  durationMs: number;
}

type WorkerError =
  | { kind: "parse"; line: number; column: number | undefined; path: string | undefined; message: string }
  | { kind: "validation"; message: string; appCode: ValidationCode };
type WorkerResult = { error: WorkerError } | (ParseSummary & { columns?: SegmentColumns });

let pool: Piscina<{ format: TranscriptFormatName; content: string; maxSegments: number }, unknown> | undefined;

/** One pool per process, started on first use; idle threads exit after a while (and never hold the process open). */
function parsePool() {
  pool ??= new Piscina({
    filename: WORKER_URL.href,
    workerData: { parsersUrl: PARSERS_URL.href },
    minThreads: 0,
    // Leave a core to the event loop (and, on the embedded database, to Postgres itself).
    maxThreads: Math.max(1, Math.min(4, availableParallelism() - 1)),
    idleTimeout: 30_000,
  });
  return pool;
}

/** The domain error the worker described (thrown as itself, so callers see no difference). */
function rebuildError(error: WorkerError): ValidationError {
  if (error.kind === "validation") return new ValidationError(error.message, error.appCode);
  const prefix = error.column === undefined ? `Line ${error.line}: ` : `Line ${error.line}, column ${error.column}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new TranscriptParseError(error.line, detail, { column: error.column, path: error.path });
}

/** Parses in a worker thread; the segments come back (as columns) only if there are at most maxSegments. */
async function parseInWorker(
  format: TranscriptFormatName,
  content: string,
  maxSegments: number,
): Promise<ParseSummary & { columns?: SegmentColumns }> {
  const result = (await parsePool().run({ format, content, maxSegments })) as WorkerResult;
  if ("error" in result) throw rebuildError(result.error);
  return result;
}

const durationOf = (segments: ParsedSegment[]) => segments.reduce((max, s) => Math.max(max, s.endMs), 0);

/**
 * Parses an upload (throwing TranscriptParseError on a malformed file). Returns its segments when
 * there are at most `maxSegments` of them, else only how many there are and how long they last.
 */
export async function parseUpload(
  format: TranscriptFormatName,
  content: string,
  maxSegments: number,
): Promise<ParseSummary & { segments: ParsedSegment[] | null }> {
  if (Buffer.byteLength(content, "utf8") <= PARSE_INLINE_MAX_BYTES) {
    const segments = parseTranscript(format, content);
    return { count: segments.length, durationMs: durationOf(segments), segments: segments.length <= maxSegments ? segments : null };
  }
  const { columns, ...summary } = await parseInWorker(format, content, maxSegments);
  return { ...summary, segments: columns ? segmentsOf(columns, 0, summary.count) : null };
}

/** Every segment of a file, as columns, parsed in a worker thread. */
export async function parseColumns(format: TranscriptFormatName, content: string): Promise<ParseSummary & { columns: SegmentColumns }> {
  const parsed = await parseInWorker(format, content, Number.POSITIVE_INFINITY);
  if (!parsed.columns) throw new Error("the transcript parser returned no segments");
  return { count: parsed.count, durationMs: parsed.durationMs, columns: parsed.columns };
}

/** Segments [start, end) of a column set. */
export function segmentsOf(columns: SegmentColumns, start: number, end: number): ParsedSegment[] {
  const segments: ParsedSegment[] = [];
  for (let index = start; index < end; index++) {
    segments.push({
      speaker: columns.speakers[columns.speaker[index] ?? 0] ?? null,
      startMs: columns.startMs[index] ?? 0,
      endMs: columns.endMs[index] ?? 0,
      text: columns.text.slice(index === 0 ? 0 : (columns.textEnd[index - 1] ?? 0), columns.textEnd[index] ?? 0),
    });
  }
  return segments;
}
