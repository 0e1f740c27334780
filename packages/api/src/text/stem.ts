// Porter stemming ("batteries" → "batteri", "discussed" → "discuss") for matching words whatever
// their endings: the extractive answer's question words and the evaluation's ROUGE tokens.
//
// The algorithm is the `stemmer` package's (Porter 1980 with the two changes of Porter's own
// reference implementation: "-bli" → "-ble" where the paper has "-abli" → "-able", and "-logi" →
// "-log"). stem.test.ts runs it against the paper's algorithm over every word of QMSum and lists
// the words where the two differ.
import { stemmer } from "stemmer";

/** Stems already computed: transcripts repeat their words, and the stemmer is a chain of regexes. */
const cache = new Map<string, string>();
/** Enough for every distinct word of QMSum (about 20,000) many times over; bounded all the same. */
const CACHE_LIMIT = 200_000;

/** The Porter stem of a lowercase word. */
export function stem(word: string): string {
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word);
    if (cache.size < CACHE_LIMIT) cache.set(word, stemmed);
  }
  return stemmed;
}
