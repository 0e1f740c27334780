// The summariser's reading of a transcript: its sentences, each tidied for display (fillers and
// stutters out, never reworded) and reduced to content words (stop words out, plurals folded) for
// the centrality, topic and cue finders beside this file.
import { FUNCTION_WORDS, SPOKEN_FILLERS, stopWords, wordList } from "../../text/stop-words.js";
import type { SummarySegment } from "../provider.js";

// ---------------------------------------------------------------------------------------------
// Words

/** Function words, plus what fills speech without carrying content ("yeah", "gonna", "stuff"). */
export const STOP_WORDS = stopWords(
  FUNCTION_WORDS,
  SPOKEN_FILLERS,
  wordList(`
    almost along already although always among another anybody anyone anything anyway anyways around away back because
    cannot either else enough even ever every everybody everyone everything gets getting goes gone good gotta great however
    kinda knew let lets likely little look looks lot lots made make makes many may maybe might mine much must need needs
    never new nobody none nothing one ones others otherwise per perhaps probably put quite rather said say saying says see
    seem seems since somebody someone something sometimes somewhat sorta still stuff sure take though thus together took
    toward towards try trying two upon us use used using via want wants way went whatever whether whole whose within
    without yep yet basically certainly exactly means guess anyhow alright huh mhm uhm er erm ah aha wow hey gosh hah heh
    blah unless thank thanks sorry please later three four five six seven eight nine ten first second next last give given
    bit fine
  `),
);

/** Hesitations and backchannels, removed from the sentences we show. */
const FILLER = /(?<![\w'-])(?:u+[hm]+|h?m+-?h?m+|mm+|hmm+|e+r+m*|ah+|uh-huh|mm-hmm|um-hmm)(?![\w'-])[,.]?/gi;
/** Discourse markers that open a spoken sentence without adding to it. */
const LEADING_MARKERS = /^(?:(?:and|but|so|okay|ok|well|yeah|yes|right|oh|alright|now|anyway|then|also)\b[,.]?\s*)+/i;

/** Folds plurals so that "button" and "buttons" count as one term; anything cleverer costs more than it gives. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export interface Word {
  term: string;
  /** As spoken, for titles: lower case, but acronyms ("LCD") kept as written. */
  surface: string;
}

/** Content words of a text, in order. The corpus spells acronyms "L_C_D_": they become "LCD". */
export function contentWords(text: string): Word[] {
  const words: Word[] = [];
  const unspelled = text.replace(/\b(?:[A-Za-z]_){2,}/g, (acronym) => acronym.replace(/_/g, ""));
  for (const [word] of unspelled.matchAll(/[A-Za-z][A-Za-z']*/g)) {
    const lower = word.toLowerCase().replace(/'s$/, "");
    // Contractions ("we're", "don't") are all function words.
    if (lower.length < 3 || lower.includes("'") || STOP_WORDS.has(lower)) continue;
    const term = stem(lower);
    if (!STOP_WORDS.has(term)) words.push({ term, surface: /^[A-Z]+$/.test(word) ? word : lower });
  }
  return words;
}

/** Lower-case words of a text, for matching sentences back to the transcript. */
export function plainWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+(?:'[a-z]+)?/g) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Sentences

export interface Sentence {
  /** Index in transcript order. */
  index: number;
  position: number;
  speaker: string | null;
  /** As spoken, for the cue patterns (fillers removed, nothing else). */
  spoken: string;
  /** Tidied for display. */
  text: string;
  wordCount: number;
  terms: number[];
  question: boolean;
  /** Hesitations, stutters, cut-off words and verbal tics: a halting sentence reads badly on its own. */
  disfluency: number;
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+(?=\S)/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[a-z0-9]/i.test(sentence));
}

function withoutFillers(text: string): string {
  return text
    .replace(FILLER, " ")
    .replace(/\s+([,.?!;:])/g, "$1")
    .replace(/([,;:])(?:\s*[,;:])+/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Drops stutters ("the the") and opening markers, and gives the sentence a capital and a full stop. */
export function tidy(spoken: string): string {
  let text = spoken.replace(/\b([\w']+)(?:[\s,]+\1\b)+/gi, "$1").replace(LEADING_MARKERS, "");
  text = text.replace(/^[\s,.;:-]+/, "").trim();
  if (!text) return "";
  if (!/[.!?…]$/.test(text)) text = `${text.replace(/[,;:-]+$/, "")}.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TICS = /\b(?:you know|i mean|i guess|sort of|kind of|or something|or whatever|i dunno|like,)/gi;

function disfluencyOf(raw: string): number {
  const count = (pattern: RegExp) => raw.match(pattern)?.length ?? 0;
  return count(FILLER) + count(/\b([\w']+)(?:[\s,]+\1\b)+/gi) + count(/(?<![\w'-])[b-hj-z](?![\w'-])/gi) + count(TICS) + count(/"/g);
}

export interface Vocabulary {
  ids: Map<string, number>;
  /** Per term, how often each surface form was spoken. */
  surfaces: Map<string, number>[];
}

export function readSentences(segments: readonly SummarySegment[], vocabulary: Vocabulary): Sentence[] {
  const sentences: Sentence[] = [];
  for (const segment of segments) {
    for (const raw of splitSentences(segment.text)) {
      const spoken = withoutFillers(raw);
      const text = tidy(spoken);
      if (!text) continue;
      const terms = contentWords(spoken).map(({ term, surface }) => {
        let id = vocabulary.ids.get(term);
        if (id === undefined) {
          id = vocabulary.surfaces.length;
          vocabulary.ids.set(term, id);
          vocabulary.surfaces.push(new Map());
        }
        const surfaces = vocabulary.surfaces[id];
        surfaces?.set(surface, (surfaces.get(surface) ?? 0) + 1);
        return id;
      });
      sentences.push({
        index: sentences.length,
        position: segment.position,
        speaker: segment.speaker?.trim() || null,
        spoken,
        text,
        wordCount: plainWords(text).length,
        terms,
        question: text.endsWith("?"),
        disfluency: disfluencyOf(raw),
      });
    }
  }
  return sentences;
}
