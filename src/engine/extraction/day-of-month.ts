import { MONTHS, ORDINAL_WORDS } from './date-words.js';
import { DIGIT_WORDS, TENS_WORDS } from './digit-words.js';
import { HINDI_NUMBER_WORDS } from './hindi-numbers.js';

// A day of the month said without its month: "the 31st", "on the fifth", "इकतीस तारीख". chrono
// reads none of these, so they are found here and resolved to the next such day that exists.

const DIGIT_ORDINAL = /\b(\d{1,2})(?:st|nd|rd|th)\b/i;
const WORD_ORDINAL = /\bthe\s+(?:(twenty|thirty)[\s-]+)?([a-z]+)\b/gi;
const HINDI_DATE = /(\S+)\s+(?:तारीख़|तारीख|तारिख|tarikh|tareekh|tarik)(?=$|[\s,.।?])/iu;

// A month next to the ordinal makes it a full date, left to chrono: "the 30th of February" is no date.
const MONTH_BEFORE = new RegExp(`\\b(?:${MONTHS})\\.?\\s+(?:the\\s+)?$`, 'i');
const MONTH_AFTER = new RegExp(`^\\s+(?:of\\s+)?(?:${MONTHS})\\b`, 'i');

function hasMonth(text: string, start: number, end: number): boolean {
  return MONTH_BEFORE.test(text.slice(0, start)) || MONTH_AFTER.test(text.slice(end));
}

function hindiDay(word: string): number | undefined {
  if (/^\d{1,2}$/.test(word)) return Number(word);
  const key = word.normalize('NFC');
  return HINDI_NUMBER_WORDS[key] ?? DIGIT_WORDS[key];
}

/** The day of the month said in `text` (1-31) without a month, or null. */
export function bareDayOfMonth(text: string): number | null {
  const digits = DIGIT_ORDINAL.exec(text);
  if (digits !== null) {
    const end = digits.index + digits[0].length;
    return hasMonth(text, digits.index, end) ? null : valid(Number(digits[1]));
  }
  for (const match of text.matchAll(WORD_ORDINAL)) {
    if (hasMonth(text, match.index, match.index + match[0].length)) return null;
    const tens = match[1] ? TENS_WORDS[match[1].toLowerCase()] : 0;
    const unit = ORDINAL_WORDS[(match[2] as string).toLowerCase()];
    if (unit !== undefined && tens !== undefined && (tens === 0 || unit < 10)) return valid(tens + unit);
  }
  const hindi = HINDI_DATE.exec(text)?.[1];
  return hindi === undefined ? null : valid(hindiDay(hindi) ?? 0);
}

const valid = (day: number) => (day >= 1 && day <= 31 ? day : null);

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The next date on `day` from `today` (year, month 1-12, day): this month when the day is still to
 * come (today included) and exists, otherwise the first later month that has it ("the 31st" said
 * on 5 November is 31 December).
 */
export function nextDayOfMonth(
  day: number,
  today: { year: number; month: number; day: number },
): { year: number; month: number; day: number } {
  let { year, month } = today;
  if (day < today.day) month += 1;
  for (;;) {
    if (month > 12) {
      year += 1;
      month = 1;
    }
    if (day <= daysIn(year, month)) return { year, month, day };
    month += 1;
  }
}
