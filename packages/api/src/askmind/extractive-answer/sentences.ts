// The sentences an offline answer may quote: a segment's text split into sentences (a long one into
// its clauses), quoted clean-verbatim (fillers, false starts, stutters and annotations dropped;
// nothing else changed).

/** Words of a text, as a reader counts them (the answer's budget is in these). */
export const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Leading fillers trimmed from a quoted sentence ("Um, so, yeah, the battery…" → "the battery…"). */
const LEADING_FILLER =
  /^(?:(?:um+|uh+|mm+|hmm+|erm|er|ah|oh|so|and|but|well|yeah|yes|okay|ok|right|alright|like|you know|i mean|now)\b[,.]?\s+)+/i;

/** Abbreviations whose full stop does not end a sentence ("Mr. Chair", "Dr. Blaney", "e.g. a battery"). */
const ABBREVIATION = /(?:^|[\s(])(?:mr|mrs|ms|dr|hon|prof|st|vs|etc|e\.g|i\.e)\.$/i;

/** Transcribers' annotations ("[Laughter.]", "[Interruption.]"): not words anyone said. */
const ANNOTATION = /\[[^\]\n]{0,40}\]/g;

/**
 * Sentences of a segment's text, as [start, end) offsets into it, fillers trimmed at the start;
 * bracketed annotations are neither sentences nor part of one (they are cut by cleanSentence).
 */
export function splitSentences(text: string): { start: number; end: number }[] {
  const masked = text.replace(ANNOTATION, (annotation) => " ".repeat(annotation.length));
  const spans: { start: number; end: number }[] = [];
  const pattern = /[^.!?…]*(?:[.!?…]+|$)/g;
  for (const match of masked.matchAll(pattern)) {
    const raw = match[0];
    if (!raw.trim()) continue;
    let start = (match.index ?? 0) + (raw.length - raw.trimStart().length);
    const end = (match.index ?? 0) + raw.trimEnd().length;
    const filler = LEADING_FILLER.exec(masked.slice(start, end));
    if (filler && filler[0].length < end - start) start += filler[0].length;
    const previous = spans.at(-1);
    // "Mr. Chair, …": a title's full stop does not end the sentence.
    if (previous && ABBREVIATION.test(masked.slice(previous.start, previous.end))) previous.end = end;
    else if (end > start) spans.push({ start, end });
  }
  return spans;
}

/** Where a long sentence may be cut: after a semicolon, colon or dash, or before a conjunction after a comma. */
const CLAUSE_BREAK = /[;:—–]\s+|\s+[-—–]+\s+|,\s+(?=(?:and|but|so|because|or|which|whereas|although|though|then|if|where|while)\b)/gi;

/**
 * A long sentence (over maxWords words) as its clauses (see CLAUSE_BREAK), each at least
 * maxWords / 3 words (a shorter one stays with the one before it), leading fillers trimmed.
 */
export function splitClauses(text: string, sentence: { start: number; end: number }, maxWords: number): { start: number; end: number }[] {
  const slice = text.slice(sentence.start, sentence.end);
  if (wordCount(slice) <= maxWords) return [sentence];
  const least = Math.max(3, Math.floor(maxWords / 3));
  const pieces: { start: number; end: number }[] = [];
  let start = sentence.start;
  for (const match of slice.matchAll(CLAUSE_BREAK)) {
    const end = sentence.start + (match.index ?? 0);
    const cut = end + match[0].length;
    if (wordCount(text.slice(start, end)) < least || wordCount(text.slice(cut, sentence.end)) < least) continue;
    pieces.push({ start, end });
    start = cut;
  }
  pieces.push({ start, end: sentence.end });
  return pieces.map((piece, i) => {
    if (i === 0) return piece;
    const filler = LEADING_FILLER.exec(text.slice(piece.start, piece.end));
    return filler && filler[0].length < piece.end - piece.start ? { start: piece.start + filler[0].length, end: piece.end } : piece;
  });
}

const FILLERS = /[\s,]*(?<![\w-])(?:mm-hmm|uh-huh|uh+|um+|uhm|mm+|hmm+|erm|eh)\b,?(?=[\s.!?]|$)/gi;
/** "you know" / "I mean" as fillers: set off by commas ("it was, you know, fine"), or ending the sentence. */
const DISCOURSE_FILLERS = /,\s*(?:you know|i mean)\s*(?:,\s*|(?=[.!?]|$))/gi;
/** Word fragments of a false start: a lone lowercase letter other than "a" ("the g system"). */
const FRAGMENT = /(?<![\w'’-])[b-hj-z](?![\w'’-])(?=\s|[,.!?]|$)/g;
/** The same word, or the same two or three words, said again ("the the", "in the in the"). */
const STUTTER = /\b([a-z']+(?:\s+[a-z']+){0,2})(?:[\s,]+\1\b)+/gi;

/** Clean verbatim: fillers, fragments, stutters and annotations dropped, spacing and the first letter tidied. */
export function cleanSentence(text: string): string {
  const cleaned = text
    .replace(ANNOTATION, " ")
    .replace(FILLERS, "")
    .replace(DISCOURSE_FILLERS, " ")
    .replace(FRAGMENT, "")
    .replace(STUTTER, "$1")
    .replace(/\s+([,.!?;:])/g, "$1")
    .replace(/,+(?=[,.!?])/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s,;:-]+/, "")
    .replace(/[\s,;:—–-]+$/, "")
    .trim();
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}
