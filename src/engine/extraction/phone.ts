import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { DIGIT_WORDS, REPEAT_WORDS, ZERO_LETTERS, digitOf } from './digit-words.js';
import { asciiDigits } from './text-utils.js';

export interface PhoneContext {
  language: string;
  region?: string;
}

// Country for numbers said without a country code, by the agent's language.
const REGION_BY_LANGUAGE: Readonly<Record<string, string>> = {
  'en-US': 'US',
  'en-GB': 'GB',
  'en-IN': 'IN',
  'hi-IN': 'IN',
  'es-US': 'US',
  'es-ES': 'ES',
  'fr-FR': 'FR',
  'de-DE': 'DE',
  'en-AU': 'AU',
  'en-CA': 'CA',
};

export function defaultRegion(context: PhoneContext): CountryCode {
  const explicit = context.region?.toUpperCase();
  if (explicit && /^[A-Z]{2}$/.test(explicit)) return explicit as CountryCode;
  const byLanguage = REGION_BY_LANGUAGE[context.language];
  if (byLanguage) return byLanguage as CountryCode;
  const suffix = context.language.split('-')[1]?.toUpperCase();
  return (suffix && /^[A-Z]{2}$/.test(suffix) ? suffix : 'US') as CountryCode;
}

/**
 * Rewrites spoken digits as digits: "four one five double five" -> "4 1 5 55",
 * "triple 0" -> "000", "four oh five" -> "4 0 5", "plus nine one" -> "+ 9 1".
 * Other words are kept so a number can still be found inside a sentence.
 */
export function spokenDigitsToText(text: string): string {
  const tokens = asciiDigits(text)
    .toLowerCase()
    .replace(/[,;:!?()]/g, ' ')
    .replace(/(\d)[.\-/](?=\d)/g, '$1 ')
    .split(/\s+/)
    .filter(Boolean);
  const out: string[] = [];
  const isDigitish = (t: string | undefined) =>
    t !== undefined && (/^\+?\d+$/.test(t) || t in DIGIT_WORDS || t in REPEAT_WORDS);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    const repeat = REPEAT_WORDS[token];
    const next = tokens[i + 1];
    const nextDigit =
      next === undefined ? undefined : (digitOf(next) ?? (ZERO_LETTERS.has(next) ? 0 : undefined));
    if (repeat !== undefined && nextDigit !== undefined) {
      out.push(String(nextDigit).repeat(repeat));
      i += 1;
    } else if (digitOf(token) !== undefined) {
      out.push(String(digitOf(token)));
    } else if (ZERO_LETTERS.has(token) && (isDigitish(tokens[i - 1]) || isDigitish(next))) {
      out.push('0');
    } else if (token === 'plus' || token === 'प्लस') {
      out.push('+');
    } else {
      out.push(token);
    }
  }
  return out.join(' ');
}

/** The E.164 form of a valid phone number in `text`, else null. */
export function normalizePhone(text: string, context: PhoneContext): string | null {
  const region = defaultRegion(context);
  const spoken = spokenDigitsToText(text);
  // First: every digit in the utterance is the number (the usual answer to "what's your number?").
  const digits = spoken.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
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
