import { REPEAT_WORDS, TEEN_WORDS, TENS_WORDS, ZERO_LETTERS } from './digit-words.js';

export interface SpokenDigitOptions {
  /** The single-digit words to read ("four", "चार"). */
  digits: Readonly<Record<string, number>>;
  /**
   * Phone numbers: "oh"/"o" next to digits is zero ("four oh five"). Emails: it is the letter o,
   * and "double"/"triple" repeat letters too ("double o seven" -> "oo7").
   */
  zeroLetters: boolean;
}

/** Said after a group of digits, these add zeros to it: "twenty one hundred" -> 2100, "one thousand" -> 1000. */
const APPENDED_ZEROS: Readonly<Record<string, string>> = { hundred: '00', thousand: '000' };

/**
 * Digits said as words become digit tokens, other tokens are kept (lower-case input):
 * "four one five" -> 4 1 5, "four fifteen" -> 4 15, "twenty three" -> 23, "triple five" -> 555,
 * "oh one hundred" -> 0 100, "five five five one thousand" -> 5 5 5 1000.
 */
export function spokenDigits(tokens: readonly string[], options: SpokenDigitOptions): string[] {
  const digitOf = (token: string | undefined): number | undefined =>
    token === undefined ? undefined : /^\d$/.test(token) ? Number(token) : options.digits[token];
  const numeric = (token: string | undefined) =>
    token !== undefined &&
    (/^\+?\d+$/.test(token) ||
      digitOf(token) !== undefined ||
      token in REPEAT_WORDS ||
      token in TEEN_WORDS ||
      token in TENS_WORDS);
  const zeroLetter = (i: number) =>
    options.zeroLetters &&
    ZERO_LETTERS.has(tokens[i] as string) &&
    (numeric(tokens[i - 1]) || numeric(tokens[i + 1]));

  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    const repeat = REPEAT_WORDS[token];
    const next = tokens[i + 1];
    if (repeat !== undefined && next !== undefined) {
      const digit = digitOf(next) ?? (options.zeroLetters && ZERO_LETTERS.has(next) ? 0 : undefined);
      const unit =
        digit !== undefined ? String(digit) : !options.zeroLetters && /^[a-z]$/.test(next) ? next : null;
      if (unit !== null) {
        out.push(unit.repeat(repeat));
        i += 1;
        continue;
      }
    }
    const tens = TENS_WORDS[token];
    if (tens !== undefined) {
      const unit = digitOf(next);
      const joined = unit !== undefined && unit > 0;
      out.push(String(joined ? tens + unit : tens));
      if (joined) i += 1;
      continue;
    }
    const zeros = APPENDED_ZEROS[token];
    const last = out[out.length - 1];
    if (zeros !== undefined && last !== undefined && /^\d{1,2}$/.test(last)) {
      out[out.length - 1] = last + zeros;
      continue;
    }
    const value = TEEN_WORDS[token] ?? digitOf(token) ?? (zeroLetter(i) ? 0 : undefined);
    out.push(value === undefined ? token : String(value));
  }
  return out;
}
