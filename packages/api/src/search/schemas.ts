import { z } from "zod";
import { dateInput, pageOf, type ScopedInput } from "../shared/schemas.js";

/** Longest accepted query, in characters (after trimming). */
export const SEARCH_QUERY_MAX_CHARS = 500;
/** Most meetings one search may be restricted to. */
export const SEARCH_MAX_MEETING_IDS = 50;
/** Largest page. */
export const SEARCH_MAX_LIMIT = 50;

export const searchTranscriptsInput = z
  .object({
    workspaceId: z.uuid(),
    /**
     * Web-search syntax (Postgres `websearch_to_tsquery('english', …)`): words are ANDed,
     * `"quoted phrase"`, `-excluded`, `a OR b`. A query with no searchable word (only stop words,
     * punctuation, or only exclusions) finds nothing: an empty page, not an error.
     */
    query: z.string().trim().max(SEARCH_QUERY_MAX_CHARS, `The search query can be at most ${SEARCH_QUERY_MAX_CHARS} characters`),
    /** Only these meetings (of the workspace; any other id answers NOT_FOUND). */
    meetingIds: z
      .array(z.uuid())
      .min(1, "Give at least one meeting, or leave meetingIds out")
      .max(SEARCH_MAX_MEETING_IDS, `At most ${SEARCH_MAX_MEETING_IDS} meetings`)
      .transform((ids) => [...new Set(ids)])
      .optional(),
    /** Meetings whose date (scheduled start, else creation time) is at or after `from`... */
    from: dateInput().optional(),
    /** ...and at or before `to` (both inclusive, as in meetings.list). */
    to: dateInput().optional(),
    /** Only segments whose speaker label is exactly this (case-insensitive), e.g. "Project Manager". */
    speaker: z.string().trim().min(1).max(200).optional(),
    /** `nextCursor` of the previous page of the same search. */
    cursor: z.string().min(1).max(512).optional(),
    limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).default(20),
  })
  .refine((input) => !(input.from && input.to && input.to < input.from), { message: "`to` cannot be before `from`", path: ["to"] });

/** A piece of a snippet; `highlighted` pieces are where the query matched. Plain text, never HTML. */
export const snippetPart = z.object({ text: z.string(), highlighted: z.boolean() });

export const searchHitOutput = z.object({
  segmentId: z.string(),
  meetingId: z.string(),
  meetingTitle: z.string(),
  scheduledStart: z.date().nullable(),
  speakerLabel: z.string().nullable(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  /** ts_rank_cd (length-normalised): higher is better; comparable within one search only. */
  rank: z.number(),
  /**
   * HTML-safe excerpt: the segment's text HTML-escaped, with `<mark>`…`</mark>` around matches and
   * " … " between fragments. Safe to assign to innerHTML; `snippetParts` is the same, structured.
   */
  snippet: z.string(),
  snippetParts: snippetPart.array(),
});

export const searchPageOutput = pageOf(searchHitOutput);

/** A search as the service takes it: the procedure's input without workspaceId. */
export type SearchTranscriptsParams = ScopedInput<typeof searchTranscriptsInput>;
export type SearchHit = z.output<typeof searchHitOutput>;
export type SearchPage = z.output<typeof searchPageOutput>;
