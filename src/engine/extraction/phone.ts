import { findPhoneNumbersInText, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DIGIT_WORDS, LOAN_DIGIT_WORDS, ROMAN_HINDI_DIGIT_WORDS } from './digit-words.js';
import { fromRecognizer, trimPunctuation } from './recognizer-text.js';
import { defaultRegion, type PhoneContext } from './region.js';
import { spokenDigits } from './spoken-digits.js';
import { languageFamily } from './text-utils.js';

const PHONE_DIGITS = { ...DIGIT_WORDS, ...LOAN_DIGIT_WORDS };
const HINDI_PHONE_DIGITS = { ...PHONE_DIGITS, ...ROMAN_HINDI_DIGIT_WORDS };

/**
 * Rewrites spoken digits as digits: "Four one five, double five…" -> "4 1 5 55 …",
 * "triple 0" -> "000", "four oh five" -> "4 0 5", "plus nine one" -> "+ 9 1", "415-555-0100" -> "415 555 0100".
 * Other words are kept so a number can still be found inside a sentence.
 */
export function spokenDigitsToText(text: string, language = 'en-US'): string {
  const tokens = fromRecognizer(text)
    .toLowerCase()
    .replace(/[,;:!?()।]/g, ' ')
    .replace(/(\d)[.\-/](?=\d)/g, '$1 ')
    .split(/\s+/)
    .map(trimPunctuation)
    .filter(Boolean)
    .map((t) => (t === 'plus' || t === 'प्लस' ? '+' : t));
  const digits = languageFamily(language) === 'hi' ? HINDI_PHONE_DIGITS : PHONE_DIGITS;
  return spokenDigits(tokens, { digits, zeroLetters: true }).join(' ');
}

/** A number said twice in a row, to be sure, is said once: "4155550100 4155550100" -> "4155550100". */
function saidTwice(digits: string): string {
  const half = digits.length / 2;
  return Number.isInteger(half) && digits.slice(0, half) === digits.slice(half)
    ? digits.slice(0, half)
    : digits;
}

/** The E.164 form of a valid phone number in `text`, else null. */
export function normalizePhone(text: string, context: PhoneContext): string | null {
  const region = defaultRegion(context);
  const spoken = spokenDigitsToText(text, context.language);
  // First: every digit in the utterance is the number (the usual answer to "what's your number?").
  const digits = saidTwice(spoken.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, ''));
  if (digits.replace('+', '').length >= 6) {
    const whole = parsePhoneNumberFromString(digits, region);
    if (whole?.isValid()) return whole.number;
  }
  // Then: a number inside a longer sentence with other numbers in it.
  const joined = spoken.replace(/(\d) (?=[\d+])/g, '$1');
  for (const found of findPhoneNumbersInText(joined, region)) {
    if (found.number.isValid()) return found.number.number;
  }
  return null;
}
