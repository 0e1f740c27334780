// Helpers every format shares: line splitting, text clean-up, speaker prefixes, final ordering.
import type { ParsedSegment } from "../types.js";
import { TranscriptParseError } from "./errors.js";

/**
 * Segment times are stored in Postgres `integer` columns; anything past 2^31 - 1 ms (~596 hours)
 * would fail at insert time as an internal error, so the parsers refuse it with a line instead.
 */
export const MAX_TIME_MS = 2_147_483_647;

/** Word-count estimate for files without times: 150 words a minute. */
export const MS_PER_WORD = 400;

const MAX_SPEAKER_LENGTH = 60;

/** Strips a byte-order mark and splits on CRLF, CR or LF, so line numbers match any editor's. */
export function splitLines(content: string): string[] {
  return stripBom(content).split(/\r\n|\r|\n/);
}

export function stripBom(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

export function isBlankLine(line: string): boolean {
  return line.trim() === "";
}

/**
 * Collapses every run of whitespace (including NBSP from `&nbsp;` and line breaks inside a cue)
 * to one space. Control characters become spaces first: they can come from numeric entities like
 * `&#0;` and must not reach the database or the search index.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\p{Cc}/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

/** True when nothing visible is left: whitespace and invisible format marks (`&lrm;`) only. */
export function isBlankText(text: string): boolean {
  return !/[^\s\p{Cf}]/u.test(text);
}

/** Speaker labels are matched against participants later, so invisible marks are dropped. */
export function cleanSpeaker(name: string): string | null {
  const cleaned = cleanText(name.replace(/\p{Cf}/gu, ""));
  return cleaned === "" ? null : cleaned;
}

// Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese).
const UNSPACED_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/gu;
// ICU's word segmentation of Chinese and Japanese text averages about two characters a word, so
// 150 such "words" a minute is close to how fast those languages are spoken. (Thai and the others
// average more, so their durations come out long; an estimate is all it is.)
const UNSPACED_CHARS_PER_WORD = 2;

/**
 * Words as the 150-words-a-minute estimate counts them: space-separated tokens, except that a
 * token in a script written without spaces counts by its length, not as one word. Expects text
 * already passed through `cleanText`. Not `Intl.Segmenter`: V8's is quadratic on long text, and
 * one speaker's turn in a plain-text file can be megabytes.
 */
export function wordCount(text: string): number {
  let words = 0;
  for (const token of text.split(" ")) {
    if (token === "") continue;
    const unspaced = token.match(UNSPACED_SCRIPT)?.length ?? 0;
    words += unspaced === 0 ? 1 : Math.ceil(unspaced / UNSPACED_CHARS_PER_WORD);
  }
  return words;
}

export function estimateDurationMs(text: string): number {
  return Math.max(1, wordCount(text)) * MS_PER_WORD;
}

// Characters that end or split sentences: "So, basically: we…" or "Okay. Next: …" are speech,
// not a speaker label.
const NOT_IN_SPEAKER = /[.!?;,"“”<>[\]{}]/;

function isPlausibleSpeaker(name: string): boolean {
  return name.length > 0 && name.length <= MAX_SPEAKER_LENGTH && /\p{L}/u.test(name) && !NOT_IN_SPEAKER.test(name);
}

/**
 * `Jane Doe: words` → speaker "Jane Doe". Zoom exports, SRT subtitles and plain-text transcripts
 * mark speakers this way. The colon must be followed by a space (or end the text), so times
 * ("at 10:30") and URLs are left alone. Expects text already passed through `cleanText`.
 */
export function splitSpeakerPrefix(text: string): { speaker: string; text: string } | null {
  // Only the first few characters can hold a name, so long lines cost nothing extra.
  const colon = text.slice(0, MAX_SPEAKER_LENGTH + 2).indexOf(":");
  if (colon <= 0) return null;
  const after = text.charAt(colon + 1);
  if (after !== "" && after !== " ") return null;
  const name = text.slice(0, colon).trim();
  if (!isPlausibleSpeaker(name)) return null;
  const speaker = cleanSpeaker(name);
  if (speaker === null) return null;
  return { speaker, text: text.slice(colon + 1).trim() };
}

/** `[Jane Doe] words` (or `[Jane Doe]: words`), as subtitle files for the hard of hearing write it. */
export function splitSpeakerBrackets(text: string): { speaker: string; text: string } | null {
  if (!text.startsWith("[")) return null;
  const close = text.slice(0, MAX_SPEAKER_LENGTH + 2).indexOf("]");
  if (close <= 1) return null;
  const name = text.slice(1, close).trim();
  let rest = text.slice(close + 1);
  if (rest.startsWith(":")) rest = rest.slice(1);
  rest = rest.trim();
  // A bracket alone ("[Music]", "[Applause]") describes a sound, not who speaks.
  if (rest === "" || !isPlausibleSpeaker(name)) return null;
  const speaker = cleanSpeaker(name);
  if (speaker === null) return null;
  return { speaker, text: rest };
}

export function inferSpeaker(text: string, options: { brackets: boolean }): { speaker: string | null; text: string } {
  return (options.brackets ? splitSpeakerBrackets(text) : null) ?? splitSpeakerPrefix(text) ?? { speaker: null, text };
}

/** Quotes a piece of the file for an error message, short enough to read. */
export function quote(line: string): string {
  const max = 80;
  return JSON.stringify(line.length > max ? `${line.slice(0, max)}…` : line);
}

/** 83_456 → "00:01:23.456", for messages. */
export function formatMs(ms: number, fractionSeparator: "." | "," = "."): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = ms % 1000;
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${fractionSeparator}${pad(f, 3)}`;
}

/**
 * The common contract of every parser's output: no empty texts, ordered by start time (stable,
 * so cues that start together keep file order), at least one segment.
 */
export function finishSegments(segments: ParsedSegment[]): ParsedSegment[] {
  const kept = segments.filter((segment) => !isBlankText(segment.text));
  if (kept.length === 0) throw new TranscriptParseError(1, "the transcript has no segments with text");
  return kept.sort((a, b) => a.startMs - b.startMs);
}

export function emptyInputError(): TranscriptParseError {
  return new TranscriptParseError(1, "the transcript is empty");
}
