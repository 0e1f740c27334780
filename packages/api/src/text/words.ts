// Words of a text, as every comparison of texts in MeetMind starts: retrieval's content words, the
// extractive answer's stems, and the QMSum evaluation (ROUGE, reported words).

/**
 * The lowercase runs of [a-z0-9] of a text, in order; anything else separates words ("e-mail" is
 * "e", "mail"; "it's" is "it", "s"). This is rouge_score's tokenizer, so what the answerer
 * matches is what the evaluation counts.
 */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}
