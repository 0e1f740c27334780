// Transcript files → speaker segments. One entry point; each format lives in its own module.
import type { ParsedSegment, TranscriptFormatName } from "../types.js";
import { TranscriptParseError } from "./errors.js";
import { parseJsonTranscript } from "./json.js";
import { parseSrt } from "./srt.js";
import { parseTextTranscript } from "./text.js";
import { parseWebVtt } from "./webvtt.js";

export { TranscriptParseError, type TranscriptParseErrorLocation } from "./errors.js";
export {
  parseJsonTranscript,
  transcriptJsonDocumentSchema,
  transcriptJsonSchema,
  transcriptJsonSegmentSchema,
  type JsonTranscript,
} from "./json.js";
export { parseSrt } from "./srt.js";
export { parseTextTranscript } from "./text.js";
export { parseWebVtt } from "./webvtt.js";

/**
 * Parses a transcript file. The result is never empty, ordered by start time, with integer
 * millisecond times (endMs ≥ startMs) and whitespace-collapsed, non-empty texts.
 *
 * @throws TranscriptParseError (a ValidationError, appCode `malformed_transcript`) naming the
 *   line — and column or JSON path where known — of the first problem.
 */
export function parseTranscript(format: TranscriptFormatName, content: string): ParsedSegment[] {
  switch (format) {
    case "webvtt":
      return parseWebVtt(content);
    case "srt":
      return parseSrt(content);
    case "json":
      return parseJsonTranscript(content).segments;
    case "text":
      return parseTextTranscript(content);
    default: {
      // Unreachable for typed callers; a value smuggled past the types must not parse as nothing.
      const unknownFormat: never = format;
      throw new TranscriptParseError(1, `unknown transcript format ${JSON.stringify(unknownFormat)}`);
    }
  }
}
