// A caller's correction of part of a value read back to them: "No, it's K, not C.", "not c, k",
// "it's dot net not dot com", "no, kay as in kilo", "the last digit is 7", "c नहीं k". The change is
// applied to that part only, and only when it names one place in the value: an ambiguous correction
// ("not 5, 6" in 415 555 0155) changes nothing, so the agent asks again rather than guess.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import { normalizeEmail, normalizeValue, type ExtractionContext } from './extraction/index.js';
import { spokenDigitsToText } from './extraction/phone.js';

// "not" in English, Hindi and romanized Hindi. In Hindi it follows what it negates ("c नहीं").
const NOT = new Set(['not', "isn't", "wasn't"]);
const HINDI_NOT = new Set(['नहीं', 'नही', 'nahi', 'nahin', 'nahee']);
// Said before or around a correction, never part of it.
const FILLERS = new Set([
  'no',
  'nope',
  'nah',
  'sorry',
  'actually',
  'oh',
  'um',
  'uh',
  'er',
  'wait',
  'well',
  'hmm',
  'so',
  'wrong',
  'incorrect',
  'almost',
  'close',
  'yes',
  'yeah',
  'but',
  "it's",
  'its',
  'it',
  'is',
  'was',
  "that's",
  'that',
  'with',
  'the',
  'letter',
  'capital',
  'small',
  'please',
  'thanks',
  'है',
  'hai',
  'था',
  'tha',
]);
// "k as in kilo", "k for kilo", "k like kilo", "k जैसे kilo": the word's first letter is the letter.
const AID_WORDS = ['as in', 'for', 'like', 'जैसे', 'jaise'];
// How recognizers write spelled letters said as names.
const LETTER_NAMES: Readonly<Record<string, string>> = {
  ay: 'a',
  bee: 'b',
  see: 'c',
  sea: 'c',
  cee: 'c',
  dee: 'd',
  ee: 'e',
  eff: 'f',
  gee: 'g',
  aitch: 'h',
  eye: 'i',
  jay: 'j',
  kay: 'k',
  el: 'l',
  em: 'm',
  en: 'n',
  pee: 'p',
  cue: 'q',
  queue: 'q',
  ar: 'r',
  are: 'r',
  ess: 's',
  tee: 't',
  tea: 't',
  you: 'u',
  vee: 'v',
  ex: 'x',
  why: 'y',
  zee: 'z',
  zed: 'z',
};
const SYMBOL_WORDS: Readonly<Record<string, string>> = {
  dot: '.',
  डॉट: '.',
  underscore: '_',
  dash: '-',
  hyphen: '-',
};
// Letters that a lone spelled letter replaces, nearest first: those written for one another from
// a spoken name (Cate, Kate), then those said alike on a phone line (the "e" set, m and n, …).
const CONFUSED_TIERS: ReadonlyArray<readonly string[]> = [
  ['ckq', 'sz', 'iy'],
  ['bcdegptvz', 'mn', 'fsx', 'ajk', 'iyr', 'quw'],
];

type Piece = { kind: 'text'; text: string } | { kind: 'digits'; text: string };

/** Lower-case words with commas kept as their own token; a sentence's final stop dropped. */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[;:!?"()।]/g, ' ')
    .replace(/,/g, ' , ')
    .split(/\s+/)
    .map((t) => (t.startsWith('.') && /^\.[a-z]/.test(t) ? t : t.replace(/\.+$/, '')))
    .filter(Boolean);
}

/** The letter a token names: "k", "kay" -> "k"; undefined for anything else. */
function letterOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (/^[a-z]$/.test(token)) return token;
  return LETTER_NAMES[token];
}

// Lead-ins of more than one word ("I said k", "it should be k"); "i" alone is a letter.
const LEAD_INS = [
  ['i', 'said'],
  ['i', 'meant'],
  ['i', 'mean'],
  ['it', 'should', 'be'],
  ['should', 'be'],
];

function withoutLeadIns(words: readonly string[]): string[] {
  const out = [...words];
  for (let i = 0; i < out.length; i += 1) {
    const lead = LEAD_INS.find((phrase) => phrase.every((w, k) => out[i + k] === w));
    if (lead && (i === 0 || out[i - 1] === ',' || FILLERS.has(out[i - 1]!))) out.splice(i, lead.length);
  }
  return out;
}

/** The letters, digits, symbols and words of one side of a correction, as one string. */
function pieceText(words: readonly string[]): string {
  let out = '';
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === ',' || FILLERS.has(word)) continue;
    // "a k" is the letter k; "a" alone is the letter a.
    if (word === 'a' && words.slice(i + 1).some((w) => w !== ',' && !FILLERS.has(w))) continue;
    const aid = AID_WORDS.find(
      (phrase) => words.slice(i + 1, i + 1 + phrase.split(' ').length).join(' ') === phrase,
    );
    const letter = letterOf(word);
    if (letter && aid) {
      const helper = words[i + 1 + aid.split(' ').length];
      out += helper && /^[a-z]/.test(helper) ? helper[0] : letter;
      i += aid.split(' ').length + 1;
      continue;
    }
    if (word === 'at' && words[i + 1] === 'the' && words[i + 2] === 'rate') {
      i += 2;
      continue;
    }
    if (word === 'at') continue;
    out += SYMBOL_WORDS[word] ?? LETTER_NAMES[word] ?? word;
  }
  return out;
}

function piece(words: readonly string[], digits: boolean): Piece | undefined {
  if (digits) {
    const text = spokenDigitsToText(words.join(' ')).replace(/[^\d]/g, '');
    return text ? { kind: 'digits', text } : undefined;
  }
  const text = pieceText(words);
  return /^[a-z0-9._+-]+$/.test(text) ? { kind: 'text', text } : undefined;
}

interface Change {
  /** The part to replace; undefined: a single letter to put in place of the one it sounds like. */
  from?: string;
  to: string;
  /** The words of the new part, for when they say a whole new value. */
  toWords: readonly string[];
}

const trimFillers = (words: readonly string[]) => {
  let start = 0;
  let end = words.length;
  while (start < end && (FILLERS.has(words[start]!) || words[start] === ',')) start += 1;
  while (end > start && (FILLERS.has(words[end - 1]!) || words[end - 1] === ',')) end -= 1;
  return words.slice(start, end);
};

const SWAPS: ReadonlyArray<{ pattern: string[]; oldFirst: boolean }> = [
  { pattern: ['instead', 'of'], oldFirst: false },
  { pattern: ['should', 'be'], oldFirst: true },
  { pattern: ['की', 'जगह'], oldFirst: true },
  { pattern: ['ki', 'jagah'], oldFirst: true },
];

/** What the words ask to change: the old part and the new one, or a lone letter. */
function parseChange(said: readonly string[], digits: boolean): Change | undefined {
  const words = withoutLeadIns(said);
  const make = (oldWords: readonly string[], newWords: readonly string[]): Change | undefined => {
    const from = piece(trimFillers(oldWords), digits);
    const to = piece(trimFillers(newWords), digits);
    return from && to && from.text !== to.text
      ? { from: from.text, to: to.text, toWords: newWords }
      : undefined;
  };
  const shapes: Array<() => Change | undefined> = [
    // "change c to k", "replace c with k"
    () => {
      if (words[0] !== 'change' && words[0] !== 'replace') return undefined;
      const joint = words.findIndex((w, i) => i > 1 && (w === 'to' || w === 'with'));
      return joint > 1 ? make(words.slice(1, joint), words.slice(joint + 1)) : undefined;
    },
    // "k instead of c", "c should be k", "c की जगह k"
    () => {
      for (const { pattern, oldFirst } of SWAPS) {
        const at = words.findIndex((_, i) => pattern.every((p, k) => words[i + k] === p));
        if (at <= 0) continue;
        const [before, after] = [words.slice(0, at), words.slice(at + pattern.length)];
        const change = oldFirst ? make(before, after) : make(after, before);
        if (change) return change;
      }
      return undefined;
    },
    // "c नहीं, k है" (not c, k) or "k है, c नहीं" (k, not c)
    () => {
      const at = words.findIndex((w) => HINDI_NOT.has(w));
      if (at <= 0) return undefined;
      const [before, after] = [words.slice(0, at), words.slice(at + 1)];
      if (trimFillers(after).length > 0) return make(before, after);
      const comma = before.lastIndexOf(',');
      return comma > 0 ? make(before.slice(comma + 1), before.slice(0, comma)) : undefined;
    },
    () => {
      const at = words.findIndex((w) => NOT.has(w));
      if (at < 0) return undefined;
      const before = trimFillers(words.slice(0, at));
      // "k, not c"
      if (before.length > 0) return make(words.slice(at + 1), before);
      // "not c, k", "not c but k", "not c it's k", "not c k"
      const rest = trimFillers(words.slice(at + 1));
      const stop = rest.findIndex(
        (w, i) => i > 0 && (w === ',' || w === 'but' || w === "it's" || w === 'it'),
      );
      if (stop > 0) return make(rest.slice(0, stop), rest.slice(stop));
      return rest.length >= 2 ? make(rest.slice(0, 1), rest.slice(1)) : undefined;
    },
    // "no, kay as in kilo": a lone letter, after a "no" or with its spelling aid.
    () => {
      if (digits) return undefined;
      const alone = piece(trimFillers(words), false);
      const aided = AID_WORDS.some((aid) => words.join(' ').includes(` ${aid} `));
      return alone && /^[a-z]$/.test(alone.text) && (words[0] === 'no' || aided)
        ? { to: alone.text, toWords: words }
        : undefined;
    },
  ];
  for (const shape of shapes) {
    const change = shape();
    if (change) return change;
  }
  return undefined;
}

/** Index of the only occurrence of `part` in `text`, or -1 when there is none or more than one. */
function onlyIndex(text: string, part: string): number {
  const first = text.indexOf(part);
  return first >= 0 && text.indexOf(part, first + 1) < 0 ? first : -1;
}

function splice(text: string, at: number, length: number, replacement: string): string {
  return text.slice(0, at) + replacement + text.slice(at + length);
}

/** The address with one change applied, or null when it names no single place in it. */
function correctEmail(previous: string, change: Change): string | null {
  const at = previous.lastIndexOf('@');
  const local = previous.slice(0, at);
  const domain = previous.slice(at + 1);
  const { from, to } = change;
  let result: string | undefined;
  if (from === undefined) {
    // A lone letter replaces the one letter of the local part it stands for or sounds like.
    for (const tier of CONFUSED_TIERS) {
      const alike = new Set([...tier.filter((set) => set.includes(to)).join('')].filter((ch) => ch !== to));
      const places = [...local].flatMap((ch, i) => (alike.has(ch) ? [i] : []));
      if (places.length === 1) result = `${splice(local, places[0]!, 1, to)}@${domain}`;
      if (places.length > 0) break;
    }
  } else if (from.startsWith('.') || to.startsWith('.')) {
    // "dot net, not dot com": the ending of the domain.
    const ending = from.startsWith('.') ? from : `.${from}`;
    if (domain.endsWith(ending))
      result = `${local}@${domain.slice(0, -ending.length)}${to.startsWith('.') ? to : `.${to}`}`;
  } else if (domain.split('.').includes(from)) {
    // "yahoo, not gmail": a whole label of the domain.
    result = `${local}@${domain
      .split('.')
      .map((label) => (label === from ? to : label))
      .join('.')}`;
  } else {
    const inLocal = onlyIndex(local, from);
    if (inLocal >= 0) result = `${splice(local, inLocal, from.length, to)}@${domain}`;
    else if (!local.includes(from)) {
      const inDomain = onlyIndex(domain, from);
      if (inDomain >= 0) result = `${local}@${splice(domain, inDomain, from.length, to)}`;
    }
  }
  return result === undefined ? null : normalizeEmail(result);
}

const COUNT_WORDS: Readonly<Record<string, number>> = { two: 2, three: 3, four: 4 };

/** "the last digit is 7", "the last two digits are 4 2", "it ends in 42", "the area code is 415". */
function positionalDigits(text: string): { end: 'first' | 'last'; digits: string } | undefined {
  const spoken = spokenDigitsToText(text.toLowerCase().replace(/[.,!?।]/g, ' '));
  const digitsOf = (s: string) => s.replace(/\D/g, '');
  const last =
    /(?:^|\s)(?:last|final|आखिरी|आख़िरी|अंतिम|aakhri|akhri)\s+(?:(\d|two|three|four)\s+)?(?:digits?|numbers?|अंक|अंको|नंबर)\s+(?:is|are|should be|was|were|is supposed to be)?\s*([\d\s]+)/u.exec(
      spoken,
    );
  if (last) {
    const digits = digitsOf(last[2]!);
    const count = last[1] ? (COUNT_WORDS[last[1]] ?? Number(last[1])) : digits.length;
    return digits.length === count ? { end: 'last', digits } : undefined;
  }
  const ends = /\bends?\s+(?:in|with)\s+([\d\s]+)/.exec(spoken);
  if (ends) return { end: 'last', digits: digitsOf(ends[1]!) };
  const first =
    /\b(?:first\s+(?:(\d|two|three|four)\s+)?(?:digits?|numbers?)|area\s+code)\s+(?:is|are|should be)?\s*([\d\s]+)/.exec(
      spoken,
    );
  if (first) {
    const digits = digitsOf(first[2]!);
    const count = first[1] ? (COUNT_WORDS[first[1]] ?? Number(first[1])) : digits.length;
    return digits.length === count ? { end: 'first', digits } : undefined;
  }
  return undefined;
}

/** The number with one change applied to its national digits, or null. */
function correctPhone(previous: string, text: string, context: ExtractionContext): string | null {
  const parsed = parsePhoneNumberFromString(previous);
  if (!parsed) return null;
  const national = String(parsed.nationalNumber);
  let changed: string | undefined;
  const position = positionalDigits(text);
  if (position && position.digits.length > 0 && position.digits.length < national.length) {
    const n = position.digits.length;
    changed =
      position.end === 'last' ? national.slice(0, -n) + position.digits : position.digits + national.slice(n);
  } else {
    const change = parseChange(tokens(text), true);
    if (!change?.from) return null;
    const at = onlyIndex(national, change.from);
    if (at >= 0) changed = splice(national, at, change.from.length, change.to);
  }
  if (!changed || changed === national) return null;
  const value = normalizeValue(PHONE, `+${parsed.countryCallingCode} ${changed}`, context);
  return typeof value === 'string' ? value : null;
}

const PHONE: DataField = { name: 'phone', type: 'phone', required: true, description: '' };

/**
 * The value after the caller's correction of part of `previous` (an email or a phone number the
 * agent read back), or null when the words are no such correction or name no single place in it.
 * A correction that says a whole new value ("no, it's 415 555 0147, not 0142") gives that value.
 */
export function correctValue(
  field: DataField,
  previous: CollectedScalar,
  text: string,
  context: ExtractionContext,
): CollectedScalar | null {
  if (typeof previous !== 'string' || (field.type !== 'email' && field.type !== 'phone')) return null;
  const digits = field.type === 'phone';
  const change = parseChange(tokens(text), digits);
  if (change) {
    const whole = normalizeValue(field, change.toWords.join(' '), context);
    if (whole !== null && whole !== previous) return whole;
  }
  const corrected = digits
    ? correctPhone(previous, text, context)
    : change
      ? correctEmail(previous, change)
      : null;
  if (corrected !== null && corrected !== previous) return corrected;
  // "No, 415, 555, 0147.": the whole value again.
  const whole = normalizeValue(field, text, context);
  return whole !== null && whole !== previous ? whole : null;
}
