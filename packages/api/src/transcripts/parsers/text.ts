// Plain-text transcripts: "Name: words" lines, optionally stamped "[00:01:02] Name: words".
//
// No library covers this (it is a convention, not a format), so it is parsed here.
import type { ParsedSegment } from "../types.js";
import {
  MAX_TIME_MS,
  cleanText,
  emptyInputError,
  estimateDurationMs,
  finishSegments,
  isBlankLine,
  quote,
  splitLines,
  splitSpeakerPrefix,
} from "./common.js";
import { TranscriptParseError } from "./errors.js";

// h:mm:ss or mm:ss, optionally with a fraction. Anchored with bounded digit runs: no backtracking
// blow-up whatever a line holds.
const TIME = String.raw`(\d{1,3}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,3}))?`;
/** `[..]`, `(..)`, or bare and followed by a space; then an optional "-" / "|" separator. */
const STAMP = new RegExp(String.raw`^\s*(?:\[${TIME}\]|\(${TIME}\)|${TIME}(?=\s))\s*(?:[-–|]\s+)?`);

interface Turn {
  speaker: string | null;
  parts: string[];
  stampMs: number | undefined;
}

function stampToMs(groups: readonly (string | undefined)[], line: string, lineNumber: number): number {
  const [a = "0", b = "0", c, fraction] = groups;
  // Two parts are minutes:seconds (minutes may pass 59: "75:30"); three are hours:minutes:seconds.
  const [hours, minutes, seconds] = c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
  const invalid = (why: string) =>
    new TranscriptParseError(lineNumber, `the time at the start of ${quote(line)} is not valid: ${why}`, { column: line.search(/\d/) + 1 });
  if (c !== undefined && minutes > 59) throw invalid("minutes must be 00 to 59");
  if (seconds > 59) throw invalid("seconds must be 00 to 59");
  const ms =
    hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + (fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000));
  if (ms > MAX_TIME_MS) throw invalid("it is beyond the longest supported recording (596 hours)");
  return ms;
}

/** The stamp at the start of a line, if any (its parts, not yet checked), and the rest. */
function readStamp(line: string): { parts: (string | undefined)[] | undefined; rest: string; bare: boolean } {
  const match = STAMP.exec(line);
  if (match === null) return { parts: undefined, rest: line, bare: false };
  const groups = match.slice(1);
  const bracketed = groups.slice(0, 4);
  const parenthesised = groups.slice(4, 8);
  const bare = groups.slice(8, 12);
  const parts = bracketed[0] !== undefined ? bracketed : parenthesised[0] !== undefined ? parenthesised : bare;
  return { parts, rest: line.slice(match[0].length), bare: parts === bare };
}

export function parseTextTranscript(content: string): ParsedSegment[] {
  const lines = splitLines(content);
  if (lines.every(isBlankLine)) throw emptyInputError();

  const turns: Turn[] = [];
  let current: Turn | undefined;
  let sawSpeaker = false;
  lines.forEach((line, index) => {
    if (isBlankLine(line)) return;
    const stamp = readStamp(line);
    const prefix = splitSpeakerPrefix(cleanText(stamp.rest));
    // A bare time only counts before a name ("00:01:02 Jane: …"); otherwise it is speech that
    // happens to start with a time ("10:30 works for me").
    const ignoreStamp = stamp.bare && prefix === null;
    const stampMs = ignoreStamp || stamp.parts === undefined ? undefined : stampToMs(stamp.parts, line, index + 1);
    const rest = ignoreStamp ? line : stamp.rest;
    if (prefix !== null) {
      sawSpeaker = true;
      current = { speaker: prefix.speaker, parts: [prefix.text], stampMs };
      turns.push(current);
    } else if (stampMs !== undefined || current === undefined) {
      // A stamped line without a name is the same speaker going on at a known time; text before
      // the first name (a title, say) is kept as a turn with no speaker.
      current = { speaker: current?.speaker ?? null, parts: [cleanText(rest)], stampMs };
      turns.push(current);
    } else {
      current.parts.push(cleanText(rest));
    }
  });

  if (!sawSpeaker) {
    throw new TranscriptParseError(1, `expected lines like 'Name: words' (e.g. "Jane Doe: Let's start"), found no speaker names`);
  }

  const withText = turns.map((turn) => ({ ...turn, text: cleanText(turn.parts.join(" ")) })).filter((turn) => turn.text !== "");
  // Start: the turn's stamp, else right after the previous turn's estimated length (so a file
  // without stamps reads as turns end to end at 150 words a minute).
  const starts: number[] = [];
  withText.forEach((turn, index) => {
    const previous = withText[index - 1];
    const previousStart = starts[index - 1];
    starts.push(
      turn.stampMs ?? (previous === undefined || previousStart === undefined ? 0 : previousStart + estimateDurationMs(previous.text)),
    );
  });
  // End: the next turn's start when it is later (stamps are the better evidence), else an estimate.
  return finishSegments(
    withText.map((turn, index) => {
      const startMs = starts[index] ?? 0;
      const nextStart = starts[index + 1];
      const endMs =
        nextStart !== undefined && nextStart >= startMs ? nextStart : Math.min(MAX_TIME_MS, startMs + estimateDurationMs(turn.text));
      return { speaker: turn.speaker, startMs, endMs, text: turn.text };
    }),
  );
}
