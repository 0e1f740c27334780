// The offline answer's tuning: every weight and threshold of extractive-answer.ts, with the values
// the product uses. DEFAULT_TUNING was tuned on QMSum's train split (`pnpm eval:qmsum --split train
// --tune ...`); the evaluation overrides them one by one.

/** Words an answer aims for (QMSum reference answers are ~50–100 words). */
export const DEFAULT_WORD_BUDGET = 70;

export interface AnswerTuning {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only. */
  lambda: number;
  /** Weight of centrality (similarity to the window's content) next to question relevance. */
  centrality: number;
  /** Weight of the relevance of the sentence's turn and of the turns around it (0–1). */
  local: number;
  /** Turns either side that count as around a sentence's turn. */
  neighbourTurns: number;
  /** Window prior: a sentence from the window ranked r (0-based) is weighted 1 / (1 + decay · r). */
  windowDecay: number;
  /** Sentences shorter than this (in words) are not quoted. */
  minWords: number;
  /** Sentences longer than this (in words) are quoted clause by clause (see splitClauses). */
  clauseWords: number;
  /** Sentences longer than this are penalised in proportion. */
  maxWords: number;
  /** BM25 term-frequency saturation and length normalisation. */
  k1: number;
  b: number;
  /** Sentences with no question word are eligible only with this much of the relevance weight. */
  contextWeight: number;
  /** Exponent of a sentence's content density (content words / words): favours informative sentences. */
  density: number;
  /** Relevance is divided by words^perWord: the budget is in words, so value per word matters. */
  perWord: number;
  /**
   * Exponent of the share of a sentence's words that are not conversational (I, you, we, yeah,
   * thanks…): answers report what was said, so "I think you're right, yeah" says little.
   */
  plain: number;
  /** Exponent of how reportable a sentence's words are (see reportability). */
  reported: number;
  /** How reportable a word missing from REPORTED_WORDS (less common, so more specific) counts as. */
  unlistedReported: number;
  /** Weight of the words of a question's scene-setting clause ("when discussing …"; main clause: 1). */
  sceneWeight: number;
  /** When the question names speakers, the sentences of everyone else are weighted this much. */
  speakerOther: number;
  /** MMR bonus (relative to the best relevance) for a sentence of a quoted turn or of a turn next to one. */
  cohesion: number;
  /** Sentences under this share of the best one's relevance are never quoted, budget or not. */
  minRelevance: number;
  /** A sentence more similar than this (cosine) to one already chosen is never added (1 = no limit). */
  maxSimilarity: number;
  /**
   * Below this share of the question's content (idf-weighted; a word absent from the windows
   * weighs the most) found in the windows, the question is deemed not answered by them.
   */
  minCoverage: number;
}

export const DEFAULT_TUNING: AnswerTuning = {
  lambda: 0.7,
  centrality: 1.5,
  local: 1,
  neighbourTurns: 1,
  windowDecay: 0.25,
  minWords: 3,
  clauseWords: 20,
  maxWords: 60,
  k1: 0.6,
  b: 1,
  contextWeight: 1,
  density: 0,
  perWord: 0,
  plain: 6,
  reported: 1,
  unlistedReported: 0.1,
  sceneWeight: 0.25,
  speakerOther: 0.3,
  cohesion: 0,
  minRelevance: 0.1,
  maxSimilarity: 0.5,
  minCoverage: 0.1,
};
