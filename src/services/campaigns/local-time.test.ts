import { describe, expect, it } from 'vitest';
import { isCallableAt, nextCallableTime, wallClock, type HoursRule } from './local-time.js';

const rule = (overrides: Partial<HoursRule> = {}): HoursRule => ({
  calling_hours: { start: '09:00', end: '20:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  holidays: [],
  ...overrides,
});
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('calling hours in local time', () => {
  it('reads the wall clock of a zone, daylight saving included', () => {
    // 2026-03-08: US clocks go forward at 02:00; New York is UTC-5 before and UTC-4 after.
    expect(wallClock(at('2026-03-06T14:00:00Z'), 'America/New_York')).toMatchObject({ minutes: 9 * 60 });
    expect(wallClock(at('2026-03-09T13:00:00Z'), 'America/New_York')).toMatchObject({
      minutes: 9 * 60,
      weekday: 'mon',
      date: '2026-03-09',
    });
  });

  it('opens at 09:00 local on the next weekday, across a clock change', () => {
    // Friday 21:00 in New York, before the change: next is Monday 09:00 EDT = 13:00 UTC.
    expect(iso(nextCallableTime(at('2026-03-07T02:00:00Z'), ['America/New_York'], rule()))).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    // In India (no daylight saving), 08:30 on a Tuesday waits 30 minutes.
    expect(iso(nextCallableTime(at('2026-03-10T03:00:00Z'), ['Asia/Kolkata'], rule()))).toBe(
      '2026-03-10T03:30:00.000Z',
    );
  });

  it('is callable now inside the hours and not at the end minute', () => {
    const now = at('2026-03-10T15:30:12Z'); // 11:30 in New York
    expect(nextCallableTime(now, ['America/New_York'], rule())).toBe(now);
    expect(isCallableAt(at('2026-03-11T00:00:00Z'), ['America/New_York'], rule())).toBe(false); // 20:00
    expect(isCallableAt(at('2026-03-10T23:59:00Z'), ['America/New_York'], rule())).toBe(true); // 19:59
  });

  it('keeps only the hours that hold in every zone of an unknown one', () => {
    const zones = ['America/New_York', 'Pacific/Honolulu'];
    // 09:00 in Honolulu (UTC-10) is 15:00 in New York (UTC-4 in summer).
    expect(iso(nextCallableTime(at('2026-06-02T13:00:00Z'), zones, rule()))).toBe('2026-06-02T19:00:00.000Z');
    expect(isCallableAt(at('2026-06-02T18:59:00Z'), zones, rule())).toBe(false);
  });

  it('never finds a time when the zones share no calling hour', () => {
    const zones = ['America/New_York', 'Asia/Shanghai'];
    expect(nextCallableTime(at('2026-06-02T00:00:00Z'), zones, rule())).toBeUndefined();
  });

  it('skips holidays, waits for the start and stops at the end', () => {
    const holiday = rule({ holidays: ['2026-03-10'] });
    expect(iso(nextCallableTime(at('2026-03-10T15:00:00Z'), ['America/New_York'], holiday))).toBe(
      '2026-03-11T13:00:00.000Z',
    );
    const window = rule({ start_at: '2026-03-12T18:00:00Z', end_at: '2026-03-12T19:00:00Z' });
    expect(iso(nextCallableTime(at('2026-03-10T15:00:00Z'), ['America/New_York'], window))).toBe(
      '2026-03-12T18:00:00.000Z',
    );
    expect(nextCallableTime(at('2026-03-12T19:00:00Z'), ['America/New_York'], window)).toBeUndefined();
  });
});
