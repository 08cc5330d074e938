import { DIGIT_WORDS, TEEN_WORDS, TENS_WORDS } from './digit-words.js';
import { HINDI_FRACTIONS, HINDI_MODIFIERS, HINDI_NUMBER_WORDS } from './hindi-numbers.js';
import { fromRecognizer } from './recognizer-text.js';
import { nfcKeys } from './text-utils.js';

// Single digits are the phone extractor's words too; numbers add "oh", the teens and Hindi's
// one-word numbers up to ninety-nine (and its fractions, which act as units: "ढाई" is 2.5).
const UNITS: Readonly<Record<string, number>> = {
  ...DIGIT_WORDS,
  ...TEEN_WORDS,
  ...HINDI_NUMBER_WORDS,
  ...HINDI_FRACTIONS,
  oh: 0,
};
const TENS = TENS_WORDS;
// Keys are NFC, as the words read are: "हज़ार" may arrive with a precomposed or a separate nukta.
// Indian English counts in lakhs (100,000) and crores (10,000,000).
// prettier-ignore
const SCALES = nfcKeys({
  thousand: 1_000, million: 1_000_000, billion: 1_000_000_000, lakh: 100_000, lakhs: 100_000, lac: 100_000,
  crore: 10_000_000, crores: 10_000_000, हज़ार: 1_000, हजार: 1_000, लाख: 100_000, करोड़: 10_000_000,
});
const HUNDRED = new Set(['hundred', 'सौ']);
// Thousands grouped in threes, or the Indian way after the first thousand ("1,00,000" is a lakh).
const DIGIT_NUMBER = /-?\d{1,3}(?:,\d{2})+,\d{3}(?:\.\d+)?|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/;
// A scale said after digits multiplies them: "25 thousand", "1.5 million", "25 हज़ार", "5 lakh".
const WORD_AFTER = /^\s*([\p{L}\p{M}]+)/u;
// Words that count only after "a": "a dozen", "a couple", "half a dozen".
const A_COUNTS: Readonly<Record<string, number>> = { dozen: 12, couple: 2 };

const isNumberWord = (w: string) =>
  w in UNITS ||
  w in TENS ||
  w in SCALES ||
  w in HINDI_MODIFIERS ||
  HUNDRED.has(w) ||
  w === 'dozen' ||
  w === 'half';
const isMultiplier = (w: string | undefined) =>
  w !== undefined && (HUNDRED.has(w) || w in SCALES || w in A_COUNTS);
/** "a hundred", "a dozen", "half a dozen": the article stands for one, or the half for a half. */
const countsFromArticle = (words: string[], i: number) =>
  (words[i] === 'a' || words[i] === 'an') && isMultiplier(words[i + 1]);

/** Reads number words starting at `start`; returns the value, or null when none are there. */
function readWords(words: string[], start: number): number | null {
  let total = 0;
  let current = 0;
  let seen = false;
  let modifier = 0; // a Hindi "साढ़े"/"सवा"/"पौने" waiting for the unit it modifies
  for (let i = start; i < words.length; i += 1) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (countsFromArticle(words, i)) {
      current = current || 1;
    } else if (w === 'half' && !seen && countsFromArticle(words, i + 1)) {
      current = 0.5;
      i += 1; // the "a" of "half a dozen"
    } else if (w in HINDI_MODIFIERS && next !== undefined && next in UNITS) {
      modifier = HINDI_MODIFIERS[w] as number;
      continue;
    } else if (w in UNITS) {
      current += (UNITS[w] as number) + modifier;
      modifier = 0;
    } else if (w in TENS) current += TENS[w] as number;
    else if (HUNDRED.has(w)) current = (current || 1) * 100;
    else if (w in A_COUNTS && seen) current = (current || 1) * (A_COUNTS[w] as number);
    else if (w in SCALES) {
      total += (current || 1) * (SCALES[w] as number);
      current = 0;
    } else if (w === 'and' && seen && next === 'a' && words[i + 2] === 'half') {
      current += 0.5; // "two and a half"
      i += 2;
    } else if (w === 'and' && seen && next !== undefined && isNumberWord(next)) continue;
    else if (w === ',' && seen && isMultiplier(words[i - 1]) && next !== undefined && isNumberWord(next))
      continue; // "twenty-five thousand, five hundred"; "ten, twelve" is two numbers
    else if (w === 'point' && seen && next !== undefined && next in UNITS) {
      const decimals = words.slice(i + 1).filter((d, k, all) => all.slice(0, k + 1).every((x) => x in UNITS));
      return Number(`${total + current}.${decimals.map((d) => UNITS[d]).join('')}`);
    } else if (w === 'half' && seen) {
      current += 0.5;
    } else break;
    seen = true;
  }
  return seen ? total + current : null;
}

/** Lower-case words and commas: "Twenty-five thousand, five hundred." -> twenty five thousand , five hundred. */
function numberWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(?<=\p{L})-(?=\p{L})/gu, ' ')
    .replace(/,/g, ' , ')
    .replace(/[^\p{L}\p{M}\p{N}',\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Digits, times a scale said after them ("25 thousand"). */
function digitValue(text: string, match: RegExpMatchArray): number | null {
  const value = Number(match[0].replace(/,/g, ''));
  if (!Number.isFinite(value)) return null;
  const after = WORD_AFTER.exec(text.slice((match.index ?? 0) + match[0].length))?.[1]?.toLowerCase();
  const scale = after === undefined ? undefined : HUNDRED.has(after) ? 100 : SCALES[after];
  return scale === undefined ? value : Number((value * scale).toPrecision(12));
}

/**
 * The first number in `text`: digits ("1,200", "3.5", "25 thousand") or words ("forty two",
 * "a dozen", "two and a half"); else null.
 */
export function normalizeNumber(text: string): number | null {
  const plain = fromRecognizer(text);
  const digits = plain.match(DIGIT_NUMBER);
  if (digits !== null) return digitValue(plain, digits);
  const words = numberWords(plain);
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] as string;
    // A bare Hindi scale is a number ("सौ" is a hundred); a bare English one rarely is.
    const startsNumber =
      (w in UNITS && w !== 'oh') ||
      w in TENS ||
      w in HINDI_MODIFIERS ||
      (/\p{Script=Devanagari}/u.test(w) && (HUNDRED.has(w) || w in SCALES)) ||
      countsFromArticle(words, i) ||
      (w === 'half' && countsFromArticle(words, i + 1));
    if (!startsNumber) continue;
    const value = readWords(words, i);
    if (value !== null) return value;
  }
  return null;
}
