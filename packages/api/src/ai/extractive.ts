// The built-in AiProvider: summaries without a model, by extraction only, so MeetMind works offline
// and costs nothing. Everything it reports is a transcript sentence (tidied of fillers such as "um"
// and stutters, never reworded) or a position in the transcript:
// - overview and key points: the most central sentences (LexRank over TF-IDF vectors), picked with
//   maximal marginal relevance so that they do not repeat each other;
// - topics: TextTiling over the turns (lexical cohesion between the words before and after each
//   turn; sections start where it dips deepest), titled by each section's distinctive keywords;
// - decisions and action items: sentences matching explicit cue phrases, kept narrow on purpose (a
//   missed item costs less than an invented one).
// Deterministic (no randomness, ties broken by transcript order) and linear-ish in the transcript:
// the longest QMSum meeting (1,832 turns) takes a fraction of a second.
//
// This file puts the summary together; each part is found by a module of extractive/: sentences.ts
// (reading the transcript), centrality.ts, topics.ts, decisions.ts and action-items.ts.
import { actionItemOf, type ActionItem } from "./extractive/action-items.js";
import {
  agendaSentence,
  inverseFrequencies,
  inTranscriptOrder,
  pickDiverse,
  summaryCandidates,
  type Candidate,
} from "./extractive/centrality.js";
import { findDecisions } from "./extractive/decisions.js";
import { readSentences, type Vocabulary } from "./extractive/sentences.js";
import { tileTopics, titleTopics, type Turn } from "./extractive/topics.js";
import {
  AiProviderError,
  groundSummary,
  type AiProvider,
  type MeetingSummaryResult,
  type SummarizeOptions,
  type SummaryInput,
} from "./provider.js";

/** Sentences in the overview: more for longer meetings, within 2 to 4. */
function overviewLength(words: number): number {
  if (words < 300) return 2;
  return words < 3_000 ? 3 : 4;
}

/** Key points: one per topic or so, within 5 to 8. */
const keyPointCount = (topics: number) => Math.min(8, Math.max(5, topics + 2));

function summarizeNow(input: SummaryInput): MeetingSummaryResult {
  const segments = [...input.segments].sort((a, b) => a.position - b.position);
  const vocabulary: Vocabulary = { ids: new Map(), surfaces: [] };
  const sentences = readSentences(segments, vocabulary);
  if (sentences.length === 0) {
    return groundSummary({ overview: "The transcript is empty.", keyPoints: [], decisions: [], topics: [], actionItems: [] }, segments);
  }
  const idf = inverseFrequencies(sentences, vocabulary.surfaces.length);

  const candidates = summaryCandidates(sentences, idf);
  const totalWords = sentences.reduce((sum, sentence) => sum + sentence.wordCount, 0);
  const agenda = agendaSentence(candidates, sentences.length);
  const opening = agenda ? [agenda] : [];
  const overview = [...opening, ...pickDiverse(candidates, overviewLength(totalWords) - opening.length, opening)].sort(inTranscriptOrder);

  const turns: Turn[] = segments.map((segment) => ({ position: segment.position, terms: [] }));
  const turnOf = new Map(segments.map((segment, index) => [segment.position, index]));
  for (const sentence of sentences) turns[turnOf.get(sentence.position) ?? 0]?.terms.push(...sentence.terms);
  const sections = tileTopics(turns, idf);
  const titles = titleTopics(sections, turns, idf, vocabulary);
  const topics = sections.map((section, k) => ({
    title: titles[k] ?? `Part ${k + 1}`,
    startPosition: turns[section.start]?.position ?? 0,
    endPosition: turns[section.end]?.position ?? 0,
  }));

  // Key points: the most central sentence of each topic first, so that no part of the meeting is
  // left out, then the most central of the rest; never one already in the overview.
  const keyPoints: Candidate[] = [];
  const wanted = keyPointCount(topics.length);
  for (const topic of topics) {
    if (keyPoints.length >= wanted) break;
    const inTopic = candidates.filter((c) => c.sentence.position >= topic.startPosition && c.sentence.position <= topic.endPosition);
    keyPoints.push(...pickDiverse(candidates, 1, [...overview, ...keyPoints], inTopic));
  }
  keyPoints.push(...pickDiverse(candidates, wanted - keyPoints.length, [...overview, ...keyPoints]));
  keyPoints.sort(inTranscriptOrder);

  const actionItems = sentences.map(actionItemOf).filter((item): item is ActionItem => item !== null);

  return groundSummary(
    {
      overview: overview.map((candidate) => candidate.sentence.text).join(" "),
      keyPoints: keyPoints.map((candidate) => candidate.sentence.text),
      decisions: findDecisions(sentences).map((sentence) => sentence.text),
      topics,
      actionItems,
    },
    segments,
  );
}

export function createExtractiveProvider(): AiProvider {
  return {
    name: "extractive",
    model: "extractive-v1",
    async summarize(input: SummaryInput, options: SummarizeOptions = {}): Promise<MeetingSummaryResult> {
      if (options.signal?.aborted)
        throw new AiProviderError("The request was cancelled", { code: "aborted", cause: options.signal.reason });
      return summarizeNow(input);
    },
    async chat(): Promise<never> {
      throw new AiProviderError("The extractive provider cannot chat: it has no language model", { code: "not_supported" });
    },
  };
}
