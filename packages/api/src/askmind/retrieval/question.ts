// A question's content words: what retrieval looks up (and the offline answer matches), without
// function words and the framing of a question ("what did the group discuss about …"); and the
// question's main clause, when a clause setting the scene follows it.
import { CONTRACTION_PIECES, FUNCTION_WORDS, stopWords, wordList } from "../../text/stop-words.js";
import { words } from "../../text/words.js";

/** At most this many content words are looked up (the question's first ones). */
const MAX_TERMS = 24;

/**
 * Words that frame a question rather than say what it is about ("what did the group discuss
 * about …"). Postgres drops its own English stop words as well when stemming.
 */
const QUESTION_FRAMING = wordList(`
  whats summarize summarise summarized summary summarization discuss discussed discussing discussion discussions talk talked
  talking say said says saying tell told think thought thoughts opinion opinions view views mention mentioned mentioning state
  stated explain explained describe described express expressed give gave given regarding related relate concerning toward
  towards group team meeting whole everyone anyone someone people members member part
`);
const QUESTION_STOP_WORDS = stopWords(FUNCTION_WORDS, CONTRACTION_PIECES, QUESTION_FRAMING);

/** The question's content words, lowercase [a-z0-9] only (so they are safe in a tsquery), in order. */
export function contentWords(question: string): string[] {
  const content = words(question.toLowerCase().replace(/['’]s\b/g, "")).filter((word) => !QUESTION_STOP_WORDS.has(word));
  return [...new Set(content)].slice(0, MAX_TERMS);
}

/**
 * Where a clause setting the scene of a question starts: "when/while" and a verb in -ing ("… when
 * discussing the design", "… when the team was talking over …"), "when it came to", "during". Not
 * "What happens when the battery dies?", which asks about what follows.
 */
const SCENE = /\b(?:(?:when|while|whilst)\s+(?:(?:the\s+)?\w+\s+(?:was|were|is|are)\s+)?\w+ing\b|when\s+it\s+came\s+to\b|during\b)/i;

/**
 * The question's main clause, when a clause setting the scene follows it ("What did they think of
 * the battery | when discussing the design?"); null when there is none (or nothing before it).
 * The scene's words are still looked for, but weigh less than what is asked.
 */
export function mainClause(question: string): string | null {
  const scene = SCENE.exec(question);
  if (!scene || contentWords(question.slice(0, scene.index)).length === 0) return null;
  return question.slice(0, scene.index);
}
