// Decisions: sentences matching explicit cue phrases ("we decided", "let's go with"), kept narrow on
// purpose (a missed decision costs less than an invented one).
import { contentWords, type Sentence } from "./sentences.js";

/** Said when a choice is made; the choice itself must follow or precede it (see hasSubstance). */
const DECISION_CUES = [
  /\bwe(?: have|'ve)?(?: all| just| finally| now)? (?:decided|agreed|settled on|chose|opted)\b/i,
  /\b(?:let's|let us) (?:go with|go for|stick with|settle on|choose)\b/i,
  /\bwe(?:'ll| will|'re going to|'re gonna| are going to| are gonna) (?:go with|go for|stick with|use|settle on|choose)\b/i,
  /\bwe(?:'re| are) (?:going with|sticking with)\b/i,
  /\bthe (?:final )?decision (?:is|was|has been)\b/i,
  /\b(?:we've|we have) (?:made|reached) (?:a|the|our) (?:final )?decision\b/i,
  /\b(?:it's|it is|that's|that is|so it's) (?:decided|agreed|settled)\b/i,
  /\b(?:everyone|everybody|we all) (?:agreed|agrees)\b/i,
  /\bwe(?:'re| are) (?:all )?(?:agreed|in agreement)\b/i,
  /\bdecision:/i,
];

/**
 * What may come before a decision cue: nothing, punctuation or a discourse marker. Anything else
 * puts the cue in a condition ("if we decided"), a doubt ("I'm not sure we agreed") or a noun
 * phrase ("the functions we will use").
 */
const CLAUSE_OPENING =
  /(?:^|[,;:.!?–-]|\b(?:so|then|and|but|okay|ok|right|well|yeah|yes|now|fine|alright|good|great|actually|basically|i think|i guess|i believe))\s*$/i;

function decisionCue(spoken: string): RegExpExecArray | null {
  for (const cue of DECISION_CUES) {
    const match = cue.exec(spoken);
    if (match && CLAUSE_OPENING.test(spoken.slice(0, match.index))) return match;
  }
  return null;
}

/** Some content besides the cue: "That's agreed." alone says nothing about what was agreed. */
function hasSubstance(spoken: string, cue: RegExpExecArray): boolean {
  const rest = `${spoken.slice(0, cue.index)} ${spoken.slice(cue.index + cue[0].length)}`;
  return contentWords(rest).length >= 1;
}

/** "Let's go for lunch": the meeting's own course, not a decision of it. */
const AGENDA_MOVE = /^\s*(?:[\w']+\s+){0,2}(?:lunch|coffee|break|presentations?)\b/i;

export function findDecisions(sentences: readonly Sentence[]): Sentence[] {
  return sentences.filter((sentence) => {
    if (sentence.question) return false;
    const cue = decisionCue(sentence.spoken);
    return cue !== null && hasSubstance(sentence.spoken, cue) && !AGENDA_MOVE.test(sentence.spoken.slice(cue.index + cue[0].length));
  });
}
