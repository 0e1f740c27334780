/** One speaker turn, as every transcript format is parsed into. Times in milliseconds. */
export interface ParsedSegment {
  speaker: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

export const TRANSCRIPT_FORMATS = ["webvtt", "srt", "json", "text"] as const;
export type TranscriptFormatName = (typeof TRANSCRIPT_FORMATS)[number];
