/** One speaker turn, as every transcript format is parsed into. Times in milliseconds. */
export interface ParsedSegment {
  speaker: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

export const TRANSCRIPT_FORMATS = ["webvtt", "srt", "json", "text"] as const;
export type TranscriptFormatName = (typeof TRANSCRIPT_FORMATS)[number];

/** How the formats are stored (the transcript_format enum). */
export const FORMAT_COLUMN: Record<TranscriptFormatName, "vtt" | "srt" | "json" | "plain_text"> = {
  webvtt: "vtt",
  srt: "srt",
  json: "json",
  text: "plain_text",
};
/** Outputs name formats as imports do ("webvtt", not the column's "vtt"). */
export const FORMAT_NAME = Object.fromEntries(Object.entries(FORMAT_COLUMN).map(([name, column]) => [column, name])) as Record<
  (typeof FORMAT_COLUMN)[TranscriptFormatName],
  TranscriptFormatName
>;
