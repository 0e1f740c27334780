import { ValidationError } from "../../errors.js";

export interface TranscriptParseErrorLocation {
  /** 1-based column on `line`, when the parser can point inside the line. */
  column?: number | undefined;
  /** JSON format only: where in the document, e.g. `segments[12].end_ms`. */
  path?: string | undefined;
}

/**
 * A transcript file that cannot be read. The message starts with the location ("Line 14: …",
 * "Line 3, column 9: …") because it is shown to the person who uploaded the file, who fixes it in
 * an editor; `line`/`column`/`path` carry the same location for clients that highlight it.
 */
export class TranscriptParseError extends ValidationError {
  readonly line: number;
  readonly column: number | undefined;
  readonly path: string | undefined;

  constructor(line: number, detail: string, location: TranscriptParseErrorLocation = {}) {
    const where = location.column === undefined ? `Line ${line}` : `Line ${line}, column ${location.column}`;
    super(`${where}: ${detail}`, "malformed_transcript");
    this.name = "TranscriptParseError";
    this.line = line;
    this.column = location.column;
    this.path = location.path;
  }
}
