import { DIGIT_WORDS, TEEN_WORDS, TENS_WORDS } from './digit-words.js';
import { HINDI_FRACTIONS, HINDI_MODIFIERS, HINDI_NUMBER_WORDS } from './hindi-numbers.js';
import { asciiDigits, nfcKeys, plainWords } from './text-utils.js';

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
const SCALES = nfcKeys({ thousand: 1_000, million: 1_000_000, हज़ार: 1_000, हजार: 1_000, लाख: 100_000 });
const HUNDRED = new Set(['hundred', 'सौ']);
const DIGIT_NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/;

const isNumberWord = (w: string) =>
  w in UNITS ||
  w in TENS ||
  w in SCALES ||
  w in HINDI_MODIFIERS ||
  HUNDRED.has(w) ||
  w === 'dozen' ||
  w === 'half';

/** Reads number words starting at `start`; returns the value, or null when none are there. */
function readWords(words: string[], start: number): number | null {
  let total = 0;
  let current = 0;
  let seen = false;
  let modifier = 0; // a Hindi "साढ़े"/"सवा"/"पौने" waiting for the unit it modifies
  for (let i = start; i < words.length; i += 1) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (
      (w === 'a' || w === 'an') &&
      next !== undefined &&
      (HUNDRED.has(next) || next in SCALES || next === 'dozen')
    ) {
      current = 1;
    } else if (w in HINDI_MODIFIERS && next !== undefined && next in UNITS) {
      modifier = HINDI_MODIFIERS[w] as number;
      continue;
    } else if (w in UNITS) {
      current += (UNITS[w] as number) + modifier;
      modifier = 0;
    } else if (w in TENS) current += TENS[w] as number;
    else if (HUNDRED.has(w)) current = (current || 1) * 100;
    else if (w === 'dozen') current = (current || 1) * 12;
    else if (w in SCALES) {
      total += (current || 1) * (SCALES[w] as number);
      current = 0;
    } else if (w === 'and' && seen && next !== undefined && isNumberWord(next)) continue;
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

/** The first number in `text`: digits ("1,200", "3.5") or words ("forty two", "a dozen"); else null. */
export function normalizeNumber(text: string): number | null {
  const ascii = asciiDigits(text);
  const digits = ascii.match(DIGIT_NUMBER)?.[0];
  if (digits !== undefined) {
    const value = Number(digits.replace(/,/g, ''));
    return Number.isFinite(value) ? value : null;
  }
  const words = plainWords(ascii.normalize('NFC').replace(/-/g, ' '));
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] as string;
    // A bare Hindi scale is a number ("सौ" is a hundred); a bare English one rarely is.
    const startsNumber =
      (w in UNITS && w !== 'oh') ||
      w in TENS ||
      w in HINDI_MODIFIERS ||
      (/\p{Script=Devanagari}/u.test(w) && (HUNDRED.has(w) || w in SCALES)) ||
      ((w === 'a' || w === 'an') && ['dozen', 'hundred', 'thousand', 'million'].includes(words[i + 1] ?? ''));
    if (!startsNumber) continue;
    const value = readWords(words, i);
    if (value !== null) return value;
  }
  return null;
}
