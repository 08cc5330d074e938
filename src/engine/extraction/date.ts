import * as chrono from 'chrono-node';
import { bareDayOfMonth, nextDayOfMonth } from './day-of-month.js';
import { dateTimeFormat } from '../date-time-format.js';
import { englishDateWords, ordinalDigits } from './date-words.js';
import { fromRecognizer } from './recognizer-text.js';
import { defaultRegion } from './region.js';

export interface DateContext {
  now: Date;
  timezone: string;
  /** BCP-47 language and ISO country: the country decides whether "3/4" is March or April (default US). */
  language?: string;
  region?: string;
}

/** The text as chrono reads it: Hindi words and numbers in English, spoken ordinals as digits. */
function toChronoText(text: string): string {
  return ordinalDigits(englishDateWords(fromRecognizer(text)));
}

// Day before month ("3/4" is 3 April) outside the United States and Canada.
const MONTH_FIRST_REGIONS = new Set(['US', 'CA']);

/** chrono's parser for the call's country: month first in the United States, day first elsewhere. */
function parserFor(context: DateContext): chrono.Chrono {
  const region = defaultRegion({ language: context.language ?? 'en-US', region: context.region });
  return MONTH_FIRST_REGIONS.has(region) ? chrono.casual : chrono.en.GB;
}

/** Minutes east of UTC of `timezone` at `instant` (negative in the Americas); 0 for an unknown zone. */
export function utcOffsetMinutes(instant: Date, timezone: string): number {
  let format: Intl.DateTimeFormat;
  try {
    format = dateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return 0; // an unknown zone name: resolve in UTC rather than fail the turn
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const truncated = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((wall - truncated) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The calendar date in `text` as YYYY-MM-DD, resolved against `now` in the call's time zone, or null.
 * The date is read from chrono's components, not from an instant, so a DST change between now and
 * the date cannot shift it by a day. A day said without its month ("the 31st") is the next such day.
 */
export function normalizeDate(text: string, context: DateContext): string | null {
  const offset = utcOffsetMinutes(context.now, context.timezone);
  const chronoText = toChronoText(text);
  const [result] = parserFor(context).parse(
    chronoText,
    { instant: context.now, timezone: offset },
    { forwardDate: true },
  );
  const bareDay = result?.start.isCertain('day') ? null : bareDayOfMonth(chronoText);
  if (bareDay !== null) {
    if (result?.start.isCertain('month')) {
      // "the 31st of next month": chrono knows the month, the ordinal gives the day.
      return formatDate(result.start.get('year'), result.start.get('month'), bareDay);
    }
    const local = new Date(context.now.getTime() + offset * 60_000);
    const today = { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
    const next = nextDayOfMonth(bareDay, today);
    return formatDate(next.year, next.month, next.day);
  }
  if (!result) return null;
  return formatDate(result.start.get('year'), result.start.get('month'), result.start.get('day'));
}

/** YYYY-MM-DD, or null when a part is missing or the day does not exist in that month. */
function formatDate(year: number | null, month: number | null, day: number | null): string | null {
  if (year === null || month === null || day === null) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}
