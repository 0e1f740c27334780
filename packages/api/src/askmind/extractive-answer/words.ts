// What the offline answer compares: the content stems of a question or a sentence, and how much of
// a sentence is conversation ("I think you're right, yeah") or words a summary would report.
import { stem } from "../../text/stem.js";
import { CONTRACTION_PIECES, FUNCTION_WORDS, SPOKEN_FILLERS, stopWords } from "../../text/stop-words.js";
import { words } from "../../text/words.js";
import { REPORTED_WORDS } from "../reported-words.js";

/** Function words and fillers: never counted as overlap with the question or between sentences. */
export const STOP = stopWords(FUNCTION_WORDS, CONTRACTION_PIECES, SPOKEN_FILLERS, ["n"]);

/** Content stems of a text (lowercase alnum words, stop words and fillers dropped). */
export function stemsOf(text: string): string[] {
  return words(text.toLowerCase().replace(/['’](s|t|d|ll|m|re|ve)\b/g, ""))
    .filter((word) => word.length > 1 && !STOP.has(word))
    .map(stem);
}

/** Words of conversation rather than of content: first and second person, backchannels, courtesy. */
const CONVERSATIONAL = new Set(
  "i me my mine myself you your yours yourself yourselves we us our ours ourselves yeah yep yes okay ok oh thank thanks please sorry hello hi".split(
    " ",
  ),
);

/** The share of a text's words that are conversational ("I'm" counts as "I"). */
export function conversationalShare(text: string): number {
  const tokens = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return 0;
  const chat = tokens.filter((word) =>
    CONVERSATIONAL.has(word.replace(/^[^a-z]+|[^a-z]+$/g, "").replace(/['’](s|t|d|ll|m|re|ve)$/, "")),
  ).length;
  return chat / tokens.length;
}

/** The mean, over a text's words, of how often a summary reports the word (REPORTED_WORDS). */
export function reportability(text: string, unlisted: number): number {
  const all = words(text);
  if (all.length === 0) return 0;
  return all.reduce((sum, word) => sum + (REPORTED_WORDS.get(word) ?? unlisted), 0) / all.length;
}
