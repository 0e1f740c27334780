// The speakers a question names ("What did Marketing think…", "…did F say…", "the Prime Minister",
// "Bains"): the offline answer prefers their sentences and does not look for their names in the text.
import { stem } from "../../text/stem.js";

/** Words of a speaker label that are titles, not names ("Lynne Neagle AM", "Hon. Bill Morneau", "The Chair"). */
const TITLES = new Set(["am", "mp", "ms", "mr", "mrs", "miss", "dr", "the", "hon", "right", "rt", "honourable", "of", "and", "for"]);
/** Roles a question may name without the letter that tells the speakers apart ("the professor"). */
const ROLES = new Set(["professor", "postdoc", "grad", "phd", "chair", "chairman", "chairwoman", "chairperson", "manager", "designer"]);

/** Lowercase words of a text ("User Interface's" → user, interface). */
const labelWords = (text: string) =>
  text
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);

/** A speaker label read as a name ("Navdeep Bains") and roles in parentheses ("Minister of Finance"). */
function readLabel(label: string): { name: string[]; surname: string | null; roles: string[][]; letter: string | null } {
  const roles: string[][] = [];
  let outside = label;
  for (let inner = /\(([^()]*)\)/.exec(outside); inner; inner = /\(([^()]*)\)/.exec(outside)) {
    roles.push(labelWords(inner[1] ?? "").filter((word) => !TITLES.has(word)));
    outside = `${outside.slice(0, inner.index)} ${outside.slice(inner.index + inner[0].length)}`;
  }
  const tokens = outside.trim().split(/\s+/);
  const letter = tokens.length > 1 && /^[A-Z]$/.test(tokens.at(-1) ?? "") ? (tokens.at(-1) as string) : null;
  const name = labelWords(outside).filter((word) => !TITLES.has(word));
  const last = name.at(-1);
  return { name, surname: !letter && name.length > 1 && last && last.length > 2 ? last : null, roles, letter };
}

/** Whether `word` (lowercase) stands in the text as a word of its own, capitalised ("Bains", "Paul-Hus"). */
function capitalised(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...text.matchAll(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "gi"))].some((match) => /^[A-Z]/.test(match[0]));
}

/**
 * The speaker labels (of `labels`) that the question names: every word of the label's name
 * ("Project Manager", "Lynne Neagle" of "Lynne Neagle AM", word endings aside: "Industrial
 * Design"); the surname alone, capitalised, when no other speaker has it ("What did Bains say…");
 * every word of a role in parentheses ("the Prime Minister" of "Right Hon. Justin Trudeau (Prime
 * Minister)"); for a label that ends in a letter telling speakers apart ("Grad F"), that capital
 * letter standing alone in the question ("What did F think…") or the whole label; else a role
 * ("the professor") when exactly one of the labels has it. Labels with the same name as a named
 * one (the same person, with and without a role) are named too.
 */
export function namedSpeakers(question: string, labels: string[]): Set<string> {
  const words = new Set(labelWords(question).map(stem));
  const has = (wanted: string[]) => wanted.length > 0 && wanted.every((word) => words.has(stem(word)));
  const letters = new Set(question.match(/(?<=\s)[A-HJ-Z](?=['’]?s?[\s?,.;:]|$)/g) ?? []);
  const read = labels.map((label) => ({ label, ...readLabel(label) }));
  const surnames = new Map<string, Set<string>>();
  for (const { name, surname } of read) if (surname) surnames.set(surname, (surnames.get(surname) ?? new Set()).add(name.join(" ")));
  const named = new Set<string>();
  for (const { label, name, surname, roles, letter } of read) {
    if (letter) {
      if (letters.has(letter) || question.toLowerCase().includes(label.toLowerCase())) named.add(label);
      continue;
    }
    const bySurname = surname !== null && surnames.get(surname)?.size === 1 && capitalised(question, surname);
    if (has(name) || bySurname || roles.some((role) => role.length >= 2 && has(role))) named.add(label);
  }
  if (named.size === 0 && letters.size === 0) {
    // The role word itself (or its plural or possessive), not its stem: "design" is a topic, not the designer.
    const asked = new Set(labelWords(question).map((word) => word.replace(/s$/, "")));
    for (const role of ROLES) {
      if (!asked.has(role)) continue;
      const holders = labels.filter((label) => labelWords(label).includes(role));
      if (holders.length === 1) named.add(holders[0] as string);
    }
  }
  const names = new Set(read.filter(({ label }) => named.has(label)).map(({ name }) => name.join(" ")));
  for (const { label, name } of read) if (name.length > 0 && names.has(name.join(" "))) named.add(label);
  return named;
}

/** The stems of what names the given speakers (not to be looked for in what is said). */
export function nameStemsOf(speakers: Set<string>): Set<string> {
  const stems = new Set<string>();
  for (const label of speakers) {
    const { name, roles } = readLabel(label);
    for (const word of [...name, ...roles.flat()]) stems.add(stem(word));
  }
  return stems;
}
