import { DIGIT_WORDS } from './digit-words.js';
import { asciiDigits, plainWords } from './text-utils.js';

// Single digits are the phone extractor's words too; numbers add "oh" and the teens.
const UNITS: Readonly<Record<string, number>> = {
  ...DIGIT_WORDS,
  oh: 0,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  दस: 10,
  ग्यारह: 11,
  बारह: 12,
  बीस: 20,
  पचास: 50,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Readonly<Record<string, number>> = {
  thousand: 1_000,
  million: 1_000_000,
  हज़ार: 1_000,
  हजार: 1_000,
  लाख: 100_000,
};
const HUNDRED = new Set(['hundred', 'सौ']);
const DIGIT_NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/;

const isNumberWord = (w: string) =>
  w in UNITS || w in TENS || w in SCALES || HUNDRED.has(w) || w === 'dozen' || w === 'half';

/** Reads number words starting at `start`; returns the value, or null when none are there. */
function readWords(words: string[], start: number): number | null {
  let total = 0;
  let current = 0;
  let seen = false;
  for (let i = start; i < words.length; i += 1) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (
      (w === 'a' || w === 'an') &&
      next !== undefined &&
      (HUNDRED.has(next) || next in SCALES || next === 'dozen')
    ) {
      current = 1;
    } else if (w in UNITS) current += UNITS[w] as number;
    else if (w in TENS) current += TENS[w] as number;
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
  const words = plainWords(ascii.replace(/-/g, ' '));
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] as string;
    const startsNumber =
      (w in UNITS && w !== 'oh') ||
      w in TENS ||
      ((w === 'a' || w === 'an') && ['dozen', 'hundred', 'thousand', 'million'].includes(words[i + 1] ?? ''));
    if (!startsNumber) continue;
    const value = readWords(words, i);
    if (value !== null) return value;
  }
  return null;
}
