// Calling hours in the callee's own time. A contact has one zone, or several when only its country is
// known: then a moment is inside its hours only when it is inside them in every one of those zones.
// Daylight saving comes from Intl (ICU's time-zone data), by reading the wall clock at an instant;
// nothing converts a wall-clock time back to an instant, so a skipped or repeated hour cannot
// produce a wrong instant.
import { WEEKDAYS, type CallingHours, type Weekday } from '../../domain/campaign.js';

export interface HoursRule {
  calling_hours: CallingHours;
  /** Local dates (YYYY-MM-DD) without calls. */
  holidays: readonly string[];
  start_at?: string;
  end_at?: string;
}

interface WallClock {
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1_440;
// How far ahead a next calling time is looked for; past this a contact counts as never callable.
const DEFAULT_HORIZON_MS = 400 * 86_400_000;
const MAX_STEPS = 5_000;
const WEEKDAY_OF: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The wall clock in `zone` at instant `ms`. */
export function wallClock(ms: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(ms)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_OF[parts.weekday ?? ''] ?? 'mon',
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Wall-clock minutes from `clock` until the calling hours could next hold there (0: they hold now). */
function minutesUntilOpen(clock: WallClock, rule: HoursRule): number {
  const start = toMinutes(rule.calling_hours.start);
  const end = toMinutes(rule.calling_hours.end);
  const dayOpen = rule.calling_hours.days.includes(clock.weekday) && !rule.holidays.includes(clock.date);
  if (dayOpen && clock.minutes >= start && clock.minutes < end) return 0;
  if (dayOpen && clock.minutes < start) return start - clock.minutes;
  return DAY_MINUTES - clock.minutes + start;
}

/** Whether a call may start at `ms` for a contact in `zones`. */
export function isCallableAt(ms: number, zones: readonly string[], rule: HoursRule): boolean {
  if (rule.start_at && ms < Date.parse(rule.start_at)) return false;
  if (rule.end_at && ms >= Date.parse(rule.end_at)) return false;
  return zones.every((zone) => minutesUntilOpen(wallClock(ms, zone), rule) === 0);
}

/**
 * The first instant at or after `fromMs` when a call may start in every zone of `zones`, or
 * undefined when there is none before the campaign's end (or within about a year).
 */
export function nextCallableTime(
  fromMs: number,
  zones: readonly string[],
  rule: HoursRule,
  horizonMs = DEFAULT_HORIZON_MS,
): number | undefined {
  let t = Math.max(fromMs, rule.start_at ? Date.parse(rule.start_at) : fromMs);
  const limit = Math.min(rule.end_at ? Date.parse(rule.end_at) : Infinity, fromMs + horizonMs);
  for (let step = 0; step < MAX_STEPS && t < limit; step += 1) {
    let wait = 0;
    for (const zone of zones) wait = Math.max(wait, minutesUntilOpen(wallClock(t, zone), rule));
    if (wait === 0) return t;
    // Wall-clock minutes overstate real time by up to an hour across a clock change: step short of
    // a long wait and look again, so the first callable minute is never jumped over.
    const stepMinutes = wait > 120 ? wait - 60 : wait;
    t = Math.floor(t / MINUTE_MS) * MINUTE_MS + stepMinutes * MINUTE_MS;
  }
  return undefined;
}

/** "09:00–20:00 mon–fri" for messages. */
export function describeHours(hours: CallingHours): string {
  const days = WEEKDAYS.filter((day) => hours.days.includes(day));
  return `${hours.start}–${hours.end} on ${days.join(', ')}`;
}
