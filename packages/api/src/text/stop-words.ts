// Words left out when texts are compared by content: what every sentence has, so matching on it
// says nothing. Each user adds its own on top (the question's framing for retrieval, the vague
// words of speech for summaries); these are what they share.

/** The words of a whitespace-separated list, for writing word lists as text. */
export const wordList = (text: string): readonly string[] => text.split(/\s+/).filter(Boolean);

/** English function words: articles, pronouns, auxiliaries, prepositions, conjunctions (NLTK's list, trimmed). */
export const FUNCTION_WORDS = wordList(`
  a about above after again against all also am an and any are as at be been before being below between both but by
  can could did do does doing done down during each few for from further had has have having he her here hers herself
  him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
  other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
  there these they this those through to too under until up very was we were what when where which while who whom why
  will with would you your yours yourself yourselves
`);

/** What is left of a contraction split at its apostrophe ("it's" → "it", "s"; "we'll" → "we", "ll"). */
export const CONTRACTION_PIECES = wordList("s t d ll m re ve");

/** Fillers, backchannels and the vague verbs and nouns of speech ("yeah", "gonna", "kind of thing"). */
export const SPOKEN_FILLERS = wordList(`
  um uh mm hmm yeah yes okay ok oh well like know mean gonna wanna got get go going thing things kind sort really
  actually right think
`);

/** A set of every word of the given lists. */
export function stopWords(...lists: readonly (readonly string[])[]): ReadonlySet<string> {
  return new Set(lists.flat());
}
