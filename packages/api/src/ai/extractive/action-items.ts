// Action items: follow-up work someone commits to or is asked for ("I'll send the slides", "Sarah,
// can you check…", "Action item: Erin to prepare…"), with whom and, when a full date is stated,
// by when. Narrow on purpose: a missed item costs less than an invented one.
import type { MeetingSummaryResult } from "../provider.js";
import { contentWords, STOP_WORDS, tidy, type Sentence } from "./sentences.js";

/**
 * Follow-up work, which anyone may be asked to do. Speech acts done in the meeting itself ("I'll
 * ask you to…", "I can confirm that…", "I'll remind members…") are left out.
 */
const FOLLOW_UP = [
  "send|e-?mail|mail|forward|circulate|distribute|share|post|upload|write up|draft|prepare|update|fix|check|verify|review|test",
  "investigate|research|look into|find out|figure out|follow up|set up|sort out|schedule|book|arrange|organi[sz]e|contact",
  "order|(?:talk|speak) to(?! you\\b)|get in touch|report back|submit",
  // Narrowed where the bare verb is mostly talk: "I'll ask a question", "I can confirm that…", "I'll get back to my point".
  "ask(?!\\s+you\\b)(?!(?:\\s+[\\w']+){0,2}\\s+questions?\\b)(?:\\s+[\\w']+){0,3}?\\s+(?:about|whether|if|for)|confirm(?! that)|get back to (?:you|him|her|them|everyone|everybody)",
].join("|");
/** Work someone takes on personally; too common in design talk ("we have to create a product") to count for "we". */
const OWN_WORK = [
  "finish(?!\\s+(?:up|with|this|off)\\b)|complete|implement|build|create|compile|summari[sz]e|put together|work on",
  "take care of|deal with|handle|draw up|reply|invite|print|install|download|rerun|re-run|transcribe",
  // "I'll write that down" and "I'll run through it" happen in the meeting.
  "write(?!(?:\\s+[\\w']+){0,2}\\s+down\\b)|run(?! through\\b)",
].join("|");
const verbs = (...lists: string[]) => `(?:${lists.join("|")})\\b`;
/** Words that may stand between the subject and the task: "I'll just quickly send". */
const HEDGES =
  "(?:(?:just|also|then|definitely|quickly|now|first|try to|make sure to|make sure I|go ahead and|be sure to|certainly|personally)\\s+)*";

// "so I can write it down" states a purpose, not an offer.
const FIRST_PERSON = new RegExp(
  `\\bI(?:'ll| will|'m going to| am going to|'m gonna| am gonna|(?<!\\bso I) can)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`,
  "gi",
);
/** Case-sensitive on purpose: a name is capitalised. */
const NAMED = new RegExp(
  `(?<!\\b(?:in|of|for|from|to|at|on|by|with) )\\b([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})(?: will|'ll| is going to| is gonna| can)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`,
  "g",
);
// A bare "please" only opening a clause: in "can the minister please update…", a question is asked.
const REQUEST = new RegExp(
  `(?:\\b(?:can|could|would|will) you(?: please)?|(?:^|[,;:]\\s*)please)\\s+${HEDGES}${verbs(FOLLOW_UP, OWN_WORK)}`,
  "gi",
);
const COLLECTIVE = new RegExp(
  `\\b(?:we(?:'ll| will)?(?: still| also| really)? (?:need to|have to|'ve got to|have got to|must)|(?:someone|somebody) (?:needs to|has to|should|will have to))\\s+${HEDGES}${verbs(FOLLOW_UP)}`,
  "gi",
);
/** A commitment inside a subordinate clause ("if I can check", "what I can confirm") is none. */
const SUBORDINATE = /\b(?:if|whether|unless|when|once|what|how|where|that|because|'cause|see)\s*$/i;
/** Done during the meeting itself, not after it. */
const IN_THE_ROOM =
  /\b(?:on the (?:white)?board|whiteboard|flip ?chart|(?:this|next|the) slide|audio|microphone|camera|headset|right now|for a (?:second|moment|sec)|in a (?:moment|minute|sec))\b/i;

function commitment(pattern: RegExp, spoken: string): RegExpExecArray | null {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(spoken); match; match = pattern.exec(spoken)) {
    if (!SUBORDINATE.test(spoken.slice(0, match.index))) return match;
  }
  return null;
}

/** "Action item: Erin to prepare…", "To-do for Sam: …". Case-sensitive where a name is expected. */
const LABELLED =
  /\b(?:[Aa]ction (?:[Ii]tems?|[Pp]oints?)|[Tt]o-?[Dd]o)(?: for ([A-Z][a-z]+))?\s*[:–-]\s*(?:([A-Z][a-z]+)(?: to| will|:)\s)?/;

/** Capitalised words that begin clauses but are nobody's name. */
const NOT_NAMES = new Set(
  `I It This That There These Those He She They We You Which What Who Where When Why How Someone Somebody Everyone
  Everybody Anyone Anybody Nobody Nothing Everything Something Anything The A An And But So Or If Then Now Maybe
  Perhaps Also Just Well Yes Yeah No Okay Ok Oh Right Sure Here One Each Both All Some Any Our Your Their His Her
  My Its Mm Um Uh Hmm Let Please Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday`.split(/\s+/),
);

/** The name in a capitalised run, without the clause openers before it: "Then John" is John. */
function nameIn(run: string | undefined): string | null {
  const words = (run ?? "").split(" ").filter(Boolean);
  while (words.length > 0 && NOT_NAMES.has(words[0] ?? "")) words.shift();
  return words.length > 0 ? words.join(" ") : null;
}

/** "Sarah, can you…" or "…by Friday, Sarah?": whom a request is addressed to. */
function addressee(spoken: string): string | null {
  const opening = /^(?:(?:and|so|okay|ok|well|oh)\b[,.]?\s*)*([A-Z][a-z]+),/.exec(spoken)?.[1];
  return nameIn(opening) ?? nameIn(/,\s*([A-Z][a-z]+)\s*[?.!]*$/.exec(spoken)?.[1]);
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
const WEEKDAY = "(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+)?";
/** A deadline word, then a full date: ISO, "December 4, 2026" or "4th of December 2026". */
const DUE = new RegExp(
  `\\b(?:by|before|on|until|till|due(?: on| by)?|no later than|deadline(?: is| of)?)\\s+(?:the\\s+)?${WEEKDAY}(?:(\\d{4})-(\\d{2})-(\\d{2})\\b|${MONTH}\\s+${DAY},?\\s+(\\d{4})\\b|${DAY}(?:\\s+of)?\\s+${MONTH},?\\s+(\\d{4})\\b)`,
  "i",
);

function isoDate(year: string, month: number, day: string): string | null {
  const iso = `${year}-${String(month).padStart(2, "0")}-${day.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  // Rejects impossible dates (2026-02-30) that Date would otherwise roll over.
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

const monthNumber = (name: string) => MONTHS.findIndex((month) => month.startsWith(name.toLowerCase().replace(".", "").slice(0, 3))) + 1;

/**
 * The due date when the sentence states a full one after a deadline word. A date without a year
 * ("December 4th") or a relative one ("Friday", "next week") gives null: the meeting's date is
 * unknown here, and a guessed year would be a made-up fact.
 */
export function dueDateOf(text: string): string | null {
  const match = DUE.exec(text);
  if (!match) return null;
  const [, isoYear, isoMonth, isoDay, month1, day1, year1, day2, month2, year2] = match;
  if (isoYear && isoMonth && isoDay) return isoDate(isoYear, Number(isoMonth), isoDay);
  if (month1 && day1 && year1) return isoDate(year1, monthNumber(month1), day1);
  if (month2 && day2 && year2) return isoDate(year2, monthNumber(month2), day2);
  return null;
}

/** Long spoken sentences are cut to the clause holding the commitment, at most this many words. */
const MAX_ITEM_WORDS = 30;

function itemText(sentence: Sentence, cueIndex: number): string {
  if (sentence.wordCount <= MAX_ITEM_WORDS) return sentence.text;
  // The cue starts at the person committing ("I'll…", "Sarah will…", "can you…"): the item starts there too.
  const words = sentence.spoken.slice(cueIndex).trim().split(/\s+/).slice(0, MAX_ITEM_WORDS);
  // Cut mid-sentence: no dangling "and" or "the" at the end.
  while (words.length > 1 && STOP_WORDS.has((words.at(-1) ?? "").toLowerCase().replace(/[^a-z']/g, ""))) words.pop();
  return tidy(words.join(" ").replace(/[,;:]$/, ""));
}

export type ActionItem = MeetingSummaryResult["actionItems"][number];

export function actionItemOf(sentence: Sentence): ActionItem | null {
  const { spoken } = sentence;
  const item = (cue: RegExpExecArray, assigneeName: string | null): ActionItem => ({
    text: itemText(sentence, cue.index),
    assigneeName,
    dueDate: dueDateOf(spoken),
    sourcePosition: sentence.position,
  });

  const labelled = LABELLED.exec(spoken);
  if (labelled && contentWords(spoken.slice(labelled.index + labelled[0].length)).length > 0) {
    return item(labelled, nameIn(labelled[1]) ?? nameIn(labelled[2]));
  }
  if (IN_THE_ROOM.test(spoken) || /\bagenda\b/i.test(spoken)) return null;
  const request = commitment(REQUEST, spoken);
  if (request) return item(request, addressee(spoken));
  // Statements only from here: "Will I need to check?" asks, it does not promise.
  if (sentence.question) return null;
  const named = commitment(NAMED, spoken);
  const name = nameIn(named?.[1]);
  if (named && name) return item(named, name);
  const firstPerson = commitment(FIRST_PERSON, spoken);
  if (firstPerson) return item(firstPerson, sentence.speaker);
  const collective = commitment(COLLECTIVE, spoken);
  if (collective) return item(collective, null);
  return null;
}
