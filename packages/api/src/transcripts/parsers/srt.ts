// SubRip (.srt). Hand-written: the npm SRT parsers either skip a broken cue silently
// (srt-parser-2, @plussub/srt-vtt-parser) or count rows from the first non-blank line and
// require the index line (subtitle), and none gives a column. The format is small: blocks of
// index, timing, text lines. Payload markup goes through the same cue-text reader as WebVTT.
import type { ParsedSegment } from "../types.js";
import { MAX_TIME_MS, emptyInputError, finishSegments, formatMs, isBlankLine, quote, splitLines } from "./common.js";
import { cueSegments, cueTextRuns } from "./cue-text.js";
import { TranscriptParseError } from "./errors.js";

const EXPECTED_TIMING = "expected a timestamp like 00:01:02,345 --> 00:01:04,000";
const INDEX_LINE = /^\s*\d+\s*$/;
const LOOKS_LIKE_TIMING = /^\s*\d+:\d/;
// ASS/SSA override blocks some tools leave in SRT text: {\an8}, {\i1}.
const ASS_OVERRIDE = /\{\\[^{}]*\}/g;

class TimingScanner {
  pos = 0;
  constructor(private readonly line: string) {}

  private digits(max: number): string {
    const start = this.pos;
    while (this.pos < this.line.length && this.pos - start < max) {
      const c = this.line.charCodeAt(this.pos);
      if (c < 48 || c > 57) break;
      this.pos++;
    }
    return this.line.slice(start, this.pos);
  }

  private spaces(): void {
    while (this.line[this.pos] === " " || this.line[this.pos] === "\t") this.pos++;
  }

  /** Fails with `pos` at `at`, which becomes the column of the error. */
  private fail(at: number, error: string): { error: string } {
    this.pos = at;
    return { error };
  }

  /**
   * Reads `h:mm:ss,mmm` at `pos`. On failure `pos` points at what the user has to fix: the start
   * of a field with a bad value ("00:0:04" → the "0"), or the character found where a separator
   * belongs.
   */
  timestamp(): { ms: number } | { error: string } {
    const hoursAt = this.pos;
    const hours = this.digits(3);
    if (hours === "") return this.fail(hoursAt, "hours must be digits");
    if (this.line[this.pos] !== ":") return this.fail(this.pos, "expected ':' after the hours");
    this.pos++;
    const minutesAt = this.pos;
    const minutes = this.digits(2);
    if (minutes.length !== 2) return this.fail(minutesAt, "minutes must be two digits");
    if (this.line[this.pos] !== ":") return this.fail(this.pos, "expected ':' after the minutes");
    this.pos++;
    const secondsAt = this.pos;
    const seconds = this.digits(2);
    if (seconds.length !== 2) return this.fail(secondsAt, "seconds must be two digits");
    // "," is SubRip's; "." is common in files converted from WebVTT and is just as clear.
    if (this.line[this.pos] !== "," && this.line[this.pos] !== ".") return this.fail(this.pos, "expected ',' before the milliseconds");
    this.pos++;
    const fractionAt = this.pos;
    const fraction = this.digits(3);
    if (fraction === "") return this.fail(fractionAt, "milliseconds must be digits");
    if (Number(minutes) > 59) return this.fail(minutesAt, "minutes must be 00 to 59");
    if (Number(seconds) > 59) return this.fail(secondsAt, "seconds must be 00 to 59");
    // A decimal fraction of a second: ",5" and ",500" are both half a second.
    const ms = Number(hours) * 3_600_000 + Number(minutes) * 60_000 + Number(seconds) * 1000 + Math.round(Number(`0.${fraction}`) * 1000);
    return { ms };
  }

  timing(): { startMs: number; endMs: number } | { error: string; column: number } {
    this.spaces();
    const start = this.timestamp();
    if ("error" in start) return { error: start.error, column: this.pos + 1 };
    this.spaces();
    if (!this.line.startsWith("-->", this.pos)) return { error: "expected '-->' between the times", column: this.pos + 1 };
    this.pos += 3;
    this.spaces();
    const end = this.timestamp();
    if ("error" in end) return { error: end.error, column: this.pos + 1 };
    // Anything after the end time (position hints like "X1:40 X2:600") is ignored.
    const next = this.line[this.pos];
    if (next !== undefined && next !== " " && next !== "\t") return { error: "unexpected text after the end time", column: this.pos + 1 };
    return { startMs: start.ms, endMs: end.ms };
  }
}

function parseTiming(line: string, lineNumber: number): { startMs: number; endMs: number } {
  const result = new TimingScanner(line).timing();
  if ("error" in result) {
    throw new TranscriptParseError(lineNumber, `${EXPECTED_TIMING}, got ${quote(line)} (${result.error})`, { column: result.column });
  }
  if (result.endMs > MAX_TIME_MS)
    throw new TranscriptParseError(lineNumber, `the time ${quote(line)} is beyond the longest supported recording (596 hours)`);
  if (result.endMs < result.startMs) {
    throw new TranscriptParseError(
      lineNumber,
      `the cue ends (${formatMs(result.endMs, ",")}) before it starts (${formatMs(result.startMs, ",")})`,
    );
  }
  return result;
}

interface RawCue {
  startMs: number;
  endMs: number;
  payload: string[];
  /** 1-based line of the first text line, for errors about the text. */
  textLine: number;
}

export function parseSrt(content: string): ParsedSegment[] {
  const lines = splitLines(content);
  if (lines.every(isBlankLine)) throw emptyInputError();

  const cues: RawCue[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] ?? "";
    if (isBlankLine(first)) {
      i++;
      continue;
    }

    let timingIndex: number;
    const next = lines[i + 1];
    if (first.includes("-->")) {
      // Index line missing: some tools omit it, and nothing depends on it.
      timingIndex = i;
    } else if (INDEX_LINE.test(first)) {
      if (next === undefined || isBlankLine(next)) {
        throw new TranscriptParseError(i + 1, `cue ${first.trim()} has no timing line; ${EXPECTED_TIMING} on the next line`);
      }
      if (!next.includes("-->")) throw new TranscriptParseError(i + 2, `${EXPECTED_TIMING}, got ${quote(next)}`);
      timingIndex = i + 1;
    } else {
      const previous = cues.at(-1);
      // A blank line inside a cue's text (hand-edited files) leaves a block of plain text: it
      // belongs to the cue before. Anything that looks like a mangled timing line is an error.
      if (previous === undefined || LOOKS_LIKE_TIMING.test(first)) {
        throw new TranscriptParseError(
          i + 1,
          `expected a cue number or a timestamp like 00:01:02,345 --> 00:01:04,000, got ${quote(first)}`,
        );
      }
      while (i < lines.length && !isBlankLine(lines[i] ?? "")) previous.payload.push(lines[i++] ?? "");
      continue;
    }

    const timing = parseTiming(lines[timingIndex] ?? "", timingIndex + 1);
    let end = timingIndex + 1;
    // Text runs to a blank line, or to the next timing line when the blank line was forgotten,
    // in which case an index line just before that timing line belongs to the next cue.
    while (end < lines.length && !isBlankLine(lines[end] ?? "") && !(lines[end] ?? "").includes("-->")) end++;
    if (end < lines.length && (lines[end] ?? "").includes("-->") && end - 1 > timingIndex && INDEX_LINE.test(lines[end - 1] ?? "")) end--;
    cues.push({ ...timing, payload: lines.slice(timingIndex + 1, end), textLine: timingIndex + 2 });
    i = end;
  }

  const segments: ParsedSegment[] = [];
  for (const cue of cues) {
    const payload = cue.payload.join("\n").replace(ASS_OVERRIDE, "");
    segments.push(...cueSegments(cueTextRuns(payload, cue.textLine), cue.startMs, cue.endMs, { brackets: true }));
  }
  return finishSegments(segments);
}
