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
} from './name-words.js';
import { hasDevanagari, matchesAt, phraseList, plainWords } from './text-utils.js';

const MAX_NAME_WORDS = 4;
// Longer than any name in use; a spelled run past it is not a name ("A A A …").
const MAX_NAME_WORD_LENGTH = 40;
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

/**
 * "john" -> "John", "o'brien" -> "O'Brien", "MARY-JANE" and "Mary-jane" -> "Mary-Jane"; a part with a
 * capital after a small letter was written that way on purpose and is kept ("McDonald").
 */
export function titleCase(word: string): string {
  return word.replace(/[^'-]+/g, (part) =>
    /\p{Ll}\p{Lu}/u.test(part) ? part : part.charAt(0).toUpperCase() + part.slice(1).toLowerCase(),
  );
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
  return words.every(
    (w) => w.length <= MAX_NAME_WORD_LENGTH && NAME_WORD.test(w) && !stopWords.has(w.toLowerCase()),
  );
}

const isLetter = (word: string | undefined) => word !== undefined && /^[A-Za-z]$/.test(word);
// A run of this many single letters is a spelled word ("J O H N"); two are initials ("J R Smith"),
// unless they are all that is said ("Jo, J O").
const MIN_SPELLED_RUN = 3;

/** Joins spelled letters into a word: "J O H N" -> "JOHN", "J O H N Smith" -> "JOHN Smith". */
function joinSpelled(words: string[]): { words: string[]; spelled: boolean } {
  if (words.length >= 2 && words.every(isLetter)) return { words: [words.join('')], spelled: true };
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let end = i;
    while (isLetter(words[end])) end += 1;
    if (end - i >= MIN_SPELLED_RUN) {
      out.push(words.slice(i, end).join(''));
      i = end;
    } else {
      out.push(words[i] as string);
      i += 1;
    }
  }
  return { words: out, spelled: false };
}

/** A name read from one clause. */
export interface ClauseName {
  name: string;
  /** The clause was only spelled letters ("J O H N"). */
  spelled: boolean;
  /** The clause was the name alone, with nothing said around it ("Smith"). */
  bare: boolean;
}

function named(words: string[], clauseWords: number, spelled: boolean): ClauseName {
  const name = words.map((w) => (hasDevanagari(w) ? w : titleCase(w))).join(' ');
  return { name, spelled, bare: clauseWords === words.length };
}

function englishClause(clause: string): ClauseName | null {
  const said = plainWords(clause, true);
  let words = withoutRomanHindi(stripLeading(said, LEAD_INS));
  words = withoutTitles(words);
  const stop = words.findIndex((w) => NAME_STOPPERS.has(w.toLowerCase()));
  if (stop >= 0) words = words.slice(0, stop);
  const spelled = joinSpelled(words);
  if (!validWords(spelled.words, NOT_NAME_WORDS)) return null;
  return named(spelled.words, said.length, spelled.spelled);
}

const HINDI_STOP_WORDS = new Set([...HINDI_NOT_NAME_WORDS, ...NOT_NAME_WORDS]);

function hindiClause(clause: string): ClauseName | null {
  const said = plainWords(clause, true);
  let words = stripLeading(said, [...HINDI_LEADS, ...LEAD_INS]);
  // Cut at "और" ("and") before the closing "है": "राहुल है और उपनाम…" is Rahul.
  const stop = words.findIndex((w) => NAME_STOPPERS.has(w.toLowerCase()) || w === 'और');
  if (stop >= 0) words = words.slice(0, stop);
  words = withoutTitles(stripTrailing(words, HINDI_ENDS));
  const spelled = joinSpelled(words);
  if (!validWords(spelled.words, HINDI_STOP_WORDS)) return null;
  return named(spelled.words, said.length, spelled.spelled);
}

/** The name one clause holds after lead-ins ("my name is", "मेरा नाम") are removed, or null. */
export function clauseName(clause: string): ClauseName | null {
  if (/[\d@\u0966-\u096F]/.test(clause)) return null;
  return hasDevanagari(clause) ? hindiClause(clause) : englishClause(clause);
}
