import {
  HINDI_ENDINGS,
  HINDI_LEAD_INS,
  HINDI_NOT_NAME_WORDS,
  NAME_LEAD_INS,
  NAME_STOPPERS,
  NAME_TITLES,
  NOT_NAME_WORDS,
  ROMAN_HINDI_ENDINGS,
  ROMAN_HINDI_I,
  ROMAN_HINDI_I_ENDINGS,
  ROMAN_HINDI_LEAD_INS,
  ROMAN_HINDI_SPEAKING,
  TITLE_PERIOD,
} from './name-words.js';
import { hasDevanagari, matchesAt, phraseList, plainWords } from './text-utils.js';

const MAX_NAME_WORDS = 4;
const NAME_WORD = /^\p{L}[\p{L}\p{M}'-]*$/u;
const LEAD_INS = phraseList(NAME_LEAD_INS);
const HINDI_LEADS = phraseList(HINDI_LEAD_INS);
const HINDI_ENDS = phraseList(HINDI_ENDINGS);
const ROMAN_LEADS = phraseList(ROMAN_HINDI_LEAD_INS);
const ROMAN_ENDS_ALL = phraseList([
  ...ROMAN_HINDI_ENDINGS,
  ...ROMAN_HINDI_I_ENDINGS,
  ...ROMAN_HINDI_SPEAKING,
]);
const ROMAN_I = phraseList(ROMAN_HINDI_I);

/** Clauses end at sentence punctuation followed by a space, so "john.smith@x.com" stays whole. */
function clauses(text: string): string[] {
  return text.split(/[.!?;,।]+(?:\s+|$)/).filter((c) => c.trim());
}

/** Removes any phrase of `phrases` from the start of `words`, repeatedly. */
function stripLeading(words: string[], phrases: string[][]): string[] {
  let rest = words;
  for (let changed = true; changed && rest.length > 0;) {
    const lower = rest.map((w) => w.toLowerCase());
    const phrase = phrases.find((p) => matchesAt(lower, p, 0));
    changed = phrase !== undefined;
    if (phrase) rest = rest.slice(phrase.length);
  }
  return rest;
}

function stripTrailing(words: string[], phrases: string[][]): string[] {
  let rest = words;
  for (let changed = true; changed && rest.length > 0;) {
    const lower = rest.map((w) => w.toLowerCase());
    const phrase = phrases.find((p) => matchesAt(lower, p, lower.length - p.length));
    changed = phrase !== undefined;
    if (phrase) rest = rest.slice(0, rest.length - phrase.length);
  }
  return rest;
}

/** "john" -> "John", "o'brien" -> "O'Brien", "MARY-JANE" -> "Mary-Jane"; "McDonald" is kept. */
export function titleCase(word: string): string {
  const mixed = word !== word.toLowerCase() && word !== word.toUpperCase();
  if (mixed) return word;
  return word
    .toLowerCase()
    .replace(/(^|['-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * Removes the frame of a romanized Hindi introduction. The closing words ("hai", "hoon") are never
 * names, so they go wherever they are; an opening "main" goes only with a closing "hoon".
 */
function withoutRomanHindi(words: string[]): string[] {
  const afterLead = stripLeading(words, ROMAN_LEADS);
  const beforeEnd = stripTrailing(afterLead, ROMAN_ENDS_ALL);
  const afterI = stripLeading(beforeEnd, ROMAN_I);
  return afterLead.length === words.length && beforeEnd.length < afterLead.length ? afterI : beforeEnd;
}

/** Drops titles before the name: "Dr Priya Nair" -> "Priya Nair"; a title alone leaves no name. */
function withoutTitles(words: string[]): string[] {
  let start = 0;
  while (start < words.length && NAME_TITLES.has((words[start] as string).toLowerCase())) start += 1;
  return words.slice(start);
}

function validWords(words: string[], stopWords: ReadonlySet<string>): boolean {
  if (words.length === 0 || words.length > MAX_NAME_WORDS) return false;
  if (words.join('').length < 2) return false;
  return words.every((w) => NAME_WORD.test(w) && !stopWords.has(w.toLowerCase()));
}

function englishClause(clause: string): string | null {
  let words = withoutRomanHindi(stripLeading(plainWords(clause, true), LEAD_INS));
  words = withoutTitles(words);
  const stop = words.findIndex((w) => NAME_STOPPERS.has(w.toLowerCase()));
  if (stop >= 0) words = words.slice(0, stop);
  if (!validWords(words, NOT_NAME_WORDS)) return null;
  return words.map((w) => (hasDevanagari(w) ? w : titleCase(w))).join(' ');
}

function hindiClause(clause: string): string | null {
  let words = stripLeading(plainWords(clause, true), [...HINDI_LEADS, ...LEAD_INS]);
  words = withoutTitles(stripTrailing(words, HINDI_ENDS));
  const stop = words.findIndex((w) => NAME_STOPPERS.has(w.toLowerCase()) || w === 'और');
  if (stop >= 0) words = words.slice(0, stop);
  const stopWords = new Set([...HINDI_NOT_NAME_WORDS, ...NOT_NAME_WORDS]);
  if (!validWords(words, stopWords)) return null;
  return words.map((w) => (hasDevanagari(w) ? w : titleCase(w))).join(' ');
}

/**
 * A person's name in `text` (raw speech or a clean value), or null when the text holds no name.
 * Takes the first clause that is a name after lead-ins ("my name is", "मेरा नाम") are removed.
 */
export function normalizeName(text: string): string | null {
  const names = clauses(text.replace(TITLE_PERIOD, '$1$2')).map((clause) => {
    if (/[\d@\u0966-\u096F]/.test(clause)) return null;
    return hasDevanagari(clause) ? hindiClause(clause) : englishClause(clause);
  });
  const index = names.findIndex((name) => name !== null);
  if (index < 0) return null;
  const first = names[index] as string;
  return fullerRepeat(first, names[index + 1]) ?? first;
}

/**
 * "Smith, John Smith": a name said again at once with more words is the fuller form of it.
 * The next clause counts only when it holds every word of the first one.
 */
function fullerRepeat(first: string, next: string | null | undefined): string | null {
  if (!next) return null;
  const nextWords = next.toLowerCase().split(' ');
  const firstWords = first.toLowerCase().split(' ');
  const contains = firstWords.every((w) => nextWords.includes(w));
  return contains && nextWords.length > firstWords.length ? next : null;
}
