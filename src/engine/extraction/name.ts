import { clauseName, type ClauseName } from './name-clause.js';
import { TITLE_PERIOD } from './name-words.js';
import { fromRecognizer } from './recognizer-text.js';
import { editDistance, hasDevanagari } from './text-utils.js';

interface Clause {
  text: string;
  /** The clause ended at a comma (a pause), not a full stop. */
  comma: boolean;
}

/** Clauses end at sentence punctuation followed by a space, so "john.smith@x.com" stays whole. */
const CLAUSE_END = /[.!?;,।]+(?:\s+|$)/g;

function clauses(text: string): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  for (const end of text.matchAll(CLAUSE_END)) {
    out.push({ text: text.slice(start, end.index), comma: end[0].trim() === ',' });
    start = end.index + end[0].length;
  }
  out.push({ text: text.slice(start), comma: false });
  return out.filter((c) => c.text.trim());
}

/**
 * "Smith, John Smith": a name said again at once with more words is the fuller form of it.
 * The next clause counts only when it holds every word of the first one.
 */
function fullerRepeat(first: string, next: string | undefined): string | null {
  if (!next) return null;
  const nextWords = next.toLowerCase().split(' ');
  const firstWords = first.toLowerCase().split(' ');
  const contains = firstWords.every((w) => nextWords.includes(w));
  return contains && nextWords.length > firstWords.length ? next : null;
}

/**
 * A spelling said after the name ("Smith, S M Y T H") replaces the word it is closest to; a spelling
 * like no word of a one-word name is the rest of it ("Rahul, S H A R M A").
 */
function respelled(name: string, spelling: string): string {
  if (hasDevanagari(name)) return name;
  const words = name.split(' ');
  const distances = words.map((w) => editDistance(w.toLowerCase(), spelling.toLowerCase()));
  const closest = distances.indexOf(Math.min(...distances));
  const shorter = Math.min(spelling.length, (words[closest] as string).length);
  if ((distances[closest] as number) <= Math.max(1, Math.floor(shorter / 2))) {
    words[closest] = spelling;
    return words.join(' ');
  }
  return words.length === 1 ? `${name} ${spelling}` : name;
}

/** "Smith, John.": two lone words, a comma between them, is a surname said first. */
function surnameFirst(parts: Clause[], names: (ClauseName | null)[]): string | null {
  const [surname, given] = names;
  if (parts.length !== 2 || !parts[0]?.comma || !surname?.bare || !given?.bare) return null;
  if (surname.spelled || given.spelled || surname.name.includes(' ') || given.name.includes(' ')) return null;
  return surname.name === given.name ? null : `${given.name} ${surname.name}`;
}

/** The first clause that is a name, completed by what is said right after it. */
function nameInClauses(text: string): string | null {
  const parts = clauses(text);
  const names = parts.map((clause) => clauseName(clause.text));
  const index = names.findIndex((name) => name !== null);
  if (index < 0) return null;
  const reversed = surnameFirst(parts, names);
  if (reversed) return reversed;
  const first = names[index] as ClauseName;
  const next = names[index + 1];
  let name = fullerRepeat(first.name, next?.spelled ? undefined : next?.name) ?? first.name;
  for (const later of names.slice(index + 1)) if (later?.spelled) name = respelled(name, later.name);
  return name;
}

// "first name John, last name Smith", "last name Johnson, first name Peter", "सरनेम शर्मा".
const PART_MARKER = /\b(?:(first|given)|last|family|sur)[ -]?name\b|(पहला नाम)|सरनेम|उपनाम/giu;
const PART_LEAD = /^\s*(?:is\b|was\b|'s\b|:)?/i;

/** A name given in parts; null when no part is named. */
function namedParts(text: string): string | null {
  const markers = [...text.matchAll(PART_MARKER)];
  const [firstMarker] = markers;
  if (!firstMarker) return null;
  let given: string | null = null;
  let family: string | null = null;
  for (const [k, marker] of markers.entries()) {
    const end = markers[k + 1]?.index ?? text.length;
    const part = nameInClauses(text.slice(marker.index + marker[0].length, end).replace(PART_LEAD, ''));
    if (marker[1] || marker[2]) given ??= part;
    else family ??= part;
  }
  // "My name is Rahul, surname Sharma": the given name is what comes before.
  given ??= nameInClauses(text.slice(0, firstMarker.index));
  if (given === null) return family;
  if (family === null || given.toLowerCase().split(' ').includes(family.toLowerCase())) return given;
  return `${given} ${family}`;
}

/**
 * A person's name in `text` (raw speech or a clean value), or null when the text holds no name.
 * Takes the first clause that is a name after lead-ins ("my name is", "मेरा नाम") are removed;
 * a name given in parts ("first name … last name …") is put together, given name first.
 */
export function normalizeName(text: string): string | null {
  const plain = fromRecognizer(text).replace(TITLE_PERIOD, '$1$2');
  return namedParts(plain) ?? nameInClauses(plain);
}
