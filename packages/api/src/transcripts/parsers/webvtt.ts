// WebVTT (Microsoft Teams, Zoom, Google Meet, YouTube exports).
//
// The block structure (header, NOTE/STYLE/REGION, identifiers, cues) is walked here; each timing
// line and cue payload is read by webvtt-parser's own sub-parsers. We do not use the library's
// whole-file `parse()`: it reports fatal problems (a cue dropped for a broken timestamp) and
// harmless ones (unknown cue settings, cues out of order, header lines like "Kind: captions") in
// one list told apart only by message text, and it drops broken cues silently. An import must
// refuse the file and say where instead.
import webvtt from "webvtt-parser";
import type { Cue } from "webvtt-parser";
import type { ParsedSegment } from "../types.js";
import { MAX_TIME_MS, emptyInputError, finishSegments, formatMs, isBlankLine, quote, splitLines } from "./common.js";
import { cueSegments, cueTextRuns } from "./cue-text.js";
import { TranscriptParseError } from "./errors.js";

const EXPECTED_TIMING = "expected a timestamp like 00:01:02.345 --> 00:01:04.000";
const SKIPPED_BLOCK = /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/;
/** A line that was meant as a timing line even though it lacks "-->" ("00:00:01.000 - 00:00:02.000"). */
const LOOKS_LIKE_TIMING = /^\s*\d+:\d/;

/** The library's timing parser fills in a whole Cue object; this is a blank one for it. */
function blankCue(): Cue {
  return {
    id: "",
    startTime: 0,
    endTime: 0,
    pauseOnExit: false,
    direction: "horizontal",
    snapToLines: true,
    linePosition: "auto",
    lineAlign: "start",
    textPosition: "auto",
    positionAlign: "auto",
    size: 100,
    alignment: "center",
    text: "",
    tree: { children: [] },
  };
}

/** "Must be exactly two digits." → "must be exactly two digits" (to follow our own message). */
function libraryDetail(message: string): string {
  const trimmed = message.trim().replace(/\.$/, "");
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

function parseTiming(line: string, lineNumber: number): { startMs: number; endMs: number } {
  let failure: { message: string; column: number } | undefined;
  const cue = blankCue();
  const parsed = new webvtt.WebVTTCueTimingsAndSettingsParser(line, (message, column) => {
    failure = { message, column };
  }).parse(cue, 0);
  // `parse` returns true when both timestamps were read. Messages it reports along the way that do
  // not stop it (bad cue settings, "end not after start" for equal times) do not matter to us.
  if (parsed !== true) {
    const why = failure === undefined ? "" : ` (${libraryDetail(failure.message)})`;
    throw new TranscriptParseError(lineNumber, `${EXPECTED_TIMING}, got ${quote(line)}${why}`, { column: failure?.column });
  }
  // The library gives seconds as floats (1.001 → 1.0009999…); rounding restores the exact ms.
  const startMs = Math.round(cue.startTime * 1000);
  const endMs = Math.round(cue.endTime * 1000);
  if (endMs > MAX_TIME_MS)
    throw new TranscriptParseError(lineNumber, `the time ${quote(line)} is beyond the longest supported recording (596 hours)`);
  if (endMs < startMs) {
    throw new TranscriptParseError(lineNumber, `the cue ends (${formatMs(endMs)}) before it starts (${formatMs(startMs)})`);
  }
  return { startMs, endMs };
}

export function parseWebVtt(content: string): ParsedSegment[] {
  const lines = splitLines(content);
  if (lines.every(isBlankLine)) throw emptyInputError();

  const signature = lines[0] ?? "";
  if (!/^WEBVTT(?:[ \t]|$)/.test(signature)) {
    throw new TranscriptParseError(1, `expected the file to start with "WEBVTT", got ${quote(signature)}`);
  }

  // Header lines after the signature ("Kind: captions", "Language: en") run to the first blank
  // line; older files put the first cue straight after, which "-->" gives away.
  let i = 1;
  while (i < lines.length && !isBlankLine(lines[i] ?? "") && !(lines[i] ?? "").includes("-->")) i++;

  const segments: ParsedSegment[] = [];
  while (i < lines.length) {
    const first = lines[i] ?? "";
    if (isBlankLine(first)) {
      i++;
      continue;
    }
    if (SKIPPED_BLOCK.test(first)) {
      while (i < lines.length && !isBlankLine(lines[i] ?? "")) i++;
      continue;
    }

    let timingIndex = i;
    if (!first.includes("-->")) {
      // An identifier ("1", Teams' "3f8c…/12-0") comes before the timing line.
      timingIndex = i + 1;
      const next = lines[timingIndex];
      if (next === undefined || isBlankLine(next) || !next.includes("-->")) {
        // A block without a timing line: point at the line that should have been one.
        const culprit = next === undefined || isBlankLine(next) || LOOKS_LIKE_TIMING.test(first) ? i : timingIndex;
        throw new TranscriptParseError(culprit + 1, `${EXPECTED_TIMING}, got ${quote(lines[culprit] ?? "")}`);
      }
    }
    const timing = parseTiming(lines[timingIndex] ?? "", timingIndex + 1);

    // The payload runs to a blank line, or to the next timing line when a file forgot the blank
    // line between cues (the spec forbids "-->" in cue text, so that is unambiguous).
    let end = timingIndex + 1;
    while (end < lines.length && !isBlankLine(lines[end] ?? "") && !(lines[end] ?? "").includes("-->")) end++;
    const payload = lines.slice(timingIndex + 1, end).join("\n");
    if (payload !== "") {
      segments.push(...cueSegments(cueTextRuns(payload, timingIndex + 2), timing.startMs, timing.endMs, { brackets: false }));
    }
    i = end;
  }
  return finishSegments(segments);
}
