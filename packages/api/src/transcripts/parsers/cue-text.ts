// Cue payloads (WebVTT, and SRT, which uses the same HTML-like tags) → text runs per speaker.
//
// Tokenising is done by webvtt-parser (the W3C's WebVTT validator): it implements the spec's
// cue-text algorithm — <v Speaker> voice spans, <c>/<b>/<i>/<u>/<lang>/<ruby>, inline
// timestamps, character references — which is exactly the part that is easy to get subtly wrong.
import webvtt from "webvtt-parser";
import type { Entity, TreeNode, TreeNodeObjectTagNameWithRt } from "webvtt-parser";
import type { ParsedSegment } from "../types.js";
import { cleanSpeaker, cleanText, inferSpeaker, isBlankText, wordCount } from "./common.js";
import { TranscriptParseError } from "./errors.js";

// The library's own default table is keyed without the ";" ("&amp") and turns "&amp;" into "&;",
// so we pass the table, with the references exports actually contain. Numeric ones (&#39;,
// &#x27;) are handled by the library itself.
const ENTITIES: Record<Entity, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
  "&nbsp;": "\u00a0",
  "&lrm;": "\u200e",
  "&rlm;": "\u200f",
  "&ndash;": "–",
  "&mdash;": "—",
  "&hellip;": "…",
  "&lsquo;": "‘",
  "&rsquo;": "’",
  "&ldquo;": "“",
  "&rdquo;": "”",
};

// Per the spec a "<" always opens a tag, so "revenue < 5%" would lose everything up to the next
// ">". Real exports (Zoom's especially, and SRT files) contain such bare "<", so a "<" that does
// not start a closed tag or timestamp is escaped first. Each lookahead stops at the next "<" or
// ">", so the scan stays linear however many "<" a line has.
const STRAY_LESS_THAN = /<(?!\/?[A-Za-z][^<>]*>|\d[^<>]*>)/g;

const ignoreTokenizerErrors = (): void => {};

export interface TextRun {
  speaker: string | null;
  text: string;
}

/**
 * The runs of a cue, each with its voice (`<v Name>`) or null. Text after a `</v>` stays with
 * that voice: "<v Jane>Hi</v> there" is all Jane's. Text is cleaned, blank runs dropped.
 */
export function cueTextRuns(payload: string, line: number): TextRun[] {
  let children: TreeNode[];
  try {
    // "metadata" mode: the library stays silent about markup it dislikes (unknown tags such as
    // SRT's <font>, unclosed tags) and still returns their text, which is what an import wants.
    const parser = new webvtt.WebVTTCueTextParser(payload.replace(STRAY_LESS_THAN, "&lt;"), ignoreTokenizerErrors, "metadata", ENTITIES);
    children = parser.parse(0, Number.MAX_SAFE_INTEGER).children;
  } catch (error) {
    // The library builds and copies its tag tree recursively: thousands of nested tags overflow
    // the stack. No real cue nests like that; report it instead of failing the request.
    if (error instanceof RangeError) throw new TranscriptParseError(line, "the cue text nests tags too deeply to read");
    throw error;
  }

  const runs: { speaker: string | null; parts: string[] }[] = [];
  let current: { speaker: string | null; parts: string[] } | undefined;
  const startRun = (speaker: string | null) => {
    current = { speaker, parts: [] };
    runs.push(current);
  };

  // Walked with an explicit stack: nesting depth is the file's to choose.
  const stack: TreeNode<TreeNodeObjectTagNameWithRt>[] = [...children].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === "text") {
      if (current === undefined) startRun(null);
      current?.parts.push(node.value);
    } else if (node.type === "object") {
      // <rt> holds ruby pronunciation hints, not words that were said.
      if (node.name === "rt") continue;
      if (node.name === "v") startRun(cleanSpeaker(node.value));
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child !== undefined) stack.push(child);
      }
    }
    // Inline timestamps (karaoke-style <00:00:01.000>) carry no words.
  }

  const result: TextRun[] = [];
  for (const run of runs) {
    const text = cleanText(run.parts.join(""));
    if (isBlankText(text)) continue;
    const previous = result.at(-1);
    // Adjacent runs of one voice are one run: "<v Jane>Hi</v> <v Jane>there</v>".
    if (previous !== undefined && previous.speaker === run.speaker) previous.text = `${previous.text} ${text}`;
    else result.push({ speaker: run.speaker, text });
  }
  return result;
}

/**
 * One cue → its segments. Usually one; a cue with several voices ("<v Ann>Yes.</v> <v Bob>No.</v>")
 * becomes one segment per voice, its time shared out by word count so they stay in order and do
 * not overlap. Runs without a voice get a speaker from a `Name: ` (or, for SRT, `[Name]`) prefix.
 */
export function cueSegments(runs: TextRun[], startMs: number, endMs: number, options: { brackets: boolean }): ParsedSegment[] {
  const resolved = runs
    .map((run) => (run.speaker === null ? inferSpeaker(run.text, options) : run))
    .filter((run) => !isBlankText(run.text));
  if (resolved.length === 0) return [];
  if (resolved.length === 1) {
    const [only] = resolved;
    return only === undefined ? [] : [{ speaker: only.speaker, startMs, endMs, text: only.text }];
  }
  const weights = resolved.map((run) => Math.max(1, wordCount(run.text)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const span = endMs - startMs;
  const segments: ParsedSegment[] = [];
  let done = 0;
  resolved.forEach((run, index) => {
    const from = startMs + Math.round((span * done) / total);
    done += weights[index] ?? 1;
    const to = startMs + Math.round((span * done) / total);
    segments.push({ speaker: run.speaker, startMs: from, endMs: to, text: run.text });
  });
  return segments;
}
