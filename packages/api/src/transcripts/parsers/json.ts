// JSON transcripts: our documented schema, validated with zod.
//
// JSON.parse does the parsing (fast on 5 MB). Only when something is wrong do we need positions:
// for a syntax error, V8's message gives the offset; for a schema error, jsonc-parser (VS Code's
// JSON parser) builds a tree with offsets, in which the failing path is looked up, so the error
// names both the path (`segments[12].end_ms`) and the line it is on.
import { findNodeAtLocation, parse as parseLenient, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { z } from "zod";
import type { ParsedSegment } from "../types.js";
import { MAX_TIME_MS, cleanSpeaker, cleanText, emptyInputError, finishSegments, isBlankText, stripBom } from "./common.js";
import { TranscriptParseError } from "./errors.js";

const timeMs = z
  .int({ error: "must be a whole number of milliseconds" })
  .min(0, { error: "must be 0 or more" })
  .max(MAX_TIME_MS, { error: `must be at most ${MAX_TIME_MS} (about 596 hours)` });

/** One segment as written in the file; snake_case and camelCase time keys are both accepted. */
const segmentFields = z.object({
  speaker: z.string({ error: "must be a string or null" }).nullish(),
  start_ms: timeMs.optional(),
  startMs: timeMs.optional(),
  end_ms: timeMs.optional(),
  endMs: timeMs.optional(),
  text: z.string({ error: "must be a string" }).refine((text) => !isBlankText(text), { error: "must not be empty" }),
});

type SegmentFields = z.infer<typeof segmentFields>;

/** Which spelling of a time the segment used, so errors name the key that is actually there. */
function pickTime(
  segment: SegmentFields,
  snake: "start_ms" | "end_ms",
  camel: "startMs" | "endMs",
  ctx: z.RefinementCtx,
): { key: string; value: number } | undefined {
  const snakeValue = segment[snake];
  const camelValue = segment[camel];
  if (snakeValue !== undefined && camelValue !== undefined) {
    ctx.addIssue({ code: "custom", path: [camel], message: `give ${snake} or ${camel}, not both` });
    return undefined;
  }
  if (snakeValue !== undefined) return { key: snake, value: snakeValue };
  if (camelValue !== undefined) return { key: camel, value: camelValue };
  ctx.addIssue({
    code: "custom",
    path: [snake],
    message: `is required (${snake} or ${camel}: whole milliseconds from the start of the recording)`,
  });
  return undefined;
}

export const transcriptJsonSegmentSchema = segmentFields
  .superRefine((segment, ctx) => {
    const start = pickTime(segment, "start_ms", "startMs", ctx);
    const end = pickTime(segment, "end_ms", "endMs", ctx);
    if (start !== undefined && end !== undefined && end.value < start.value) {
      ctx.addIssue({ code: "custom", path: [end.key], message: `must not be before ${start.key} (${start.value}), got ${end.value}` });
    }
  })
  .transform(
    (segment): ParsedSegment => ({
      // An empty or blank label is as good as none.
      speaker: cleanSpeaker(segment.speaker ?? ""),
      // Present after the refinement above; `?? 0` only satisfies the type checker.
      startMs: segment.start_ms ?? segment.startMs ?? 0,
      endMs: segment.end_ms ?? segment.endMs ?? 0,
      text: cleanText(segment.text),
    }),
  );

const segmentList = z.array(transcriptJsonSegmentSchema, { error: "must be an array of segments" });

/** `{ "segments": [...], "language"?: "en" }`. Other top-level keys are ignored. */
export const transcriptJsonDocumentSchema = z.object({
  segments: segmentList,
  language: z.string({ error: 'must be a string such as "en"' }).optional(),
});

/**
 * The JSON transcript format: a document with `segments`, or a bare array of segments. For
 * documentation (and `z.toJSONSchema(..., { io: "input" })`); parsing picks the branch by shape
 * so errors name the real path instead of a union's "no branch matched".
 */
export const transcriptJsonSchema = z.union([transcriptJsonDocumentSchema, segmentList]);

export interface JsonTranscript {
  segments: ParsedSegment[];
  language: string | null;
}

/** `["segments", 12, "end_ms"]` → `segments[12].end_ms`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function syntaxError(text: string, error: SyntaxError): TranscriptParseError {
  // Node 20's messages: "Expected ',' or '}' after property value in JSON at position 25" —
  // but some ("Unexpected token 'x', "xyz" is not valid JSON") carry no position; for those the
  // lenient parser finds the first error's offset.
  const position = /at position (\d+)/.exec(error.message);
  let offset: number;
  let detail = error.message.replace(/\s+in JSON at position \d+.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
  if (position?.[1] !== undefined) {
    offset = Number(position[1]);
  } else {
    const errors: ParseError[] = [];
    parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    offset = first?.offset ?? 0;
    if (detail === "") detail = first === undefined ? "invalid JSON" : printParseErrorCode(first.error);
  }
  const { line, column } = lineAndColumn(text, offset);
  return new TranscriptParseError(line, `invalid JSON: ${detail}`, { column });
}

/** The deepest node on `path` that exists: the value itself, or the object missing the key. */
function locate(root: Node | undefined, path: readonly PropertyKey[]): Node | undefined {
  if (root === undefined) return undefined;
  const segments = path.filter((key): key is string | number => typeof key !== "symbol");
  for (let length = segments.length; length > 0; length--) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node !== undefined) return node;
  }
  return root;
}

function schemaError(text: string, issues: readonly z.core.$ZodIssue[]): TranscriptParseError {
  const [issue] = issues;
  if (issue === undefined) return new TranscriptParseError(1, "the transcript does not match the JSON transcript format");
  const node = locate(parseTree(text), issue.path);
  const { line, column } = node === undefined ? { line: 1, column: 1 } : lineAndColumn(text, node.offset);
  const path = formatPath(issue.path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more ${issues.length === 2 ? "problem" : "problems"})` : "";
  return new TranscriptParseError(line, `${path === "" ? "" : `${path}: `}${issue.message}${more}`, {
    column,
    path: path === "" ? undefined : path,
  });
}

/** A transcript is at most four levels deep; anything far deeper is refused before parsing. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses nesting deeper than MAX_JSON_DEPTH, naming where it happens. One linear scan, no
 * recursion: the error reporting below (jsonc-parser's tree) recurses per level, and deep enough
 * nesting (`[[[[…`) would overflow the stack there.
 */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92 /* \\ */) i++;
      else if (char === 34 /* " */) inString = false;
    } else if (char === 34) {
      inString = true;
    } else if (char === 91 /* [ */ || char === 123 /* { */) {
      if (++depth > MAX_JSON_DEPTH) {
        const { line, column } = lineAndColumn(text, i);
        throw new TranscriptParseError(line, `nested more than ${MAX_JSON_DEPTH} levels deep`, { column });
      }
    } else if (char === 93 /* ] */ || char === 125 /* } */) {
      depth--;
    }
  }
}

export function parseJsonTranscript(content: string): JsonTranscript {
  // JSON strings cannot hold raw line breaks, so normalising CRLF/CR changes no value and lets
  // line numbers be counted on "\n" alone.
  const text = stripBom(content).replace(/\r\n?/g, "\n");
  if (text.trim() === "") throw emptyInputError();
  checkDepth(text);

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw syntaxError(text, error);
    throw error;
  }

  let segments: ParsedSegment[];
  let language: string | null = null;
  if (Array.isArray(data)) {
    const result = segmentList.safeParse(data);
    if (!result.success) throw schemaError(text, result.error.issues);
    segments = result.data;
  } else if (typeof data === "object" && data !== null) {
    const result = transcriptJsonDocumentSchema.safeParse(data);
    if (!result.success) throw schemaError(text, result.error.issues);
    segments = result.data.segments;
    language = result.data.language ?? null;
  } else {
    const { line, column } = lineAndColumn(text, Math.max(0, text.search(/\S/)));
    throw new TranscriptParseError(line, 'expected an object like {"segments": [...]} or an array of segments', { column });
  }
  return { segments: finishSegments(segments), language };
}
