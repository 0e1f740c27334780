// Piscina worker for transcript parsing (src/transcripts/parse-pool.ts). A 5 MB file of short turns
// is a million segments and seconds of CPU: parsed here, it blocks only this thread, never the
// server's event loop.
//
// The parsers are TypeScript: the pool passes the URL of their module as the server loads it
// (dist/…/index.js when built, src/…/index.ts when run from sources). Under tsx the worker inherits
// its loader; under vitest there is none in worker threads, so tsx is registered here for .ts.
import { workerData } from "node:worker_threads";

/** The parsers module, loaded once per thread. */
let parsers;

async function importParsers(url) {
  if (url.endsWith(".ts")) {
    try {
      return await import(url);
    } catch (error) {
      if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    }
    const { register } = await import("tsx/esm/api");
    register();
    // The failed load is cached under its URL: ask again under another.
    return import(`${url}?tsx`);
  }
  return import(url);
}

/**
 * @param {{ format: string, content: string, maxSegments: number }} task the segments come back only
 *   when there are at most maxSegments of them; otherwise only whether the file parses, how many
 *   segments it has and how long it lasts (what a large upload is checked for)
 */
export default async function parse({ format, content, maxSegments }) {
  parsers ??= importParsers(workerData.parsersUrl);
  const { parseTranscript, TranscriptParseError } = await parsers;
  let segments;
  try {
    segments = parseTranscript(format, content);
  } catch (error) {
    // Errors cross the thread boundary as plain data; the pool rebuilds the domain error.
    if (error instanceof TranscriptParseError) {
      return { error: { kind: "parse", line: error.line, column: error.column, path: error.path, message: error.message } };
    }
    if (error?.kind === "validation") return { error: { kind: "validation", message: error.message, appCode: error.appCode } };
    throw error;
  }
  let durationMs = 0;
  for (const segment of segments) if (segment.endMs > durationMs) durationMs = segment.endMs;
  if (segments.length > maxSegments) return { count: segments.length, durationMs };

  // Columns rather than a million small objects: cloning typed arrays and one long string back to
  // the main thread is a copy, while deserialising objects would block its event loop again.
  const speakers = [];
  const speakerIds = new Map();
  const speaker = new Int32Array(segments.length);
  const startMs = new Float64Array(segments.length);
  const endMs = new Float64Array(segments.length);
  const textEnd = new Int32Array(segments.length);
  const texts = [];
  let offset = 0;
  segments.forEach((segment, index) => {
    let id = speakerIds.get(segment.speaker);
    if (id === undefined) {
      id = speakers.length;
      speakers.push(segment.speaker);
      speakerIds.set(segment.speaker, id);
    }
    speaker[index] = id;
    startMs[index] = segment.startMs;
    endMs[index] = segment.endMs;
    texts.push(segment.text);
    offset += segment.text.length;
    textEnd[index] = offset;
  });
  return { count: segments.length, durationMs, columns: { speakers, speaker, startMs, endMs, text: texts.join(""), textEnd } };
}
