import { describe, expect, it } from 'vitest';
import { dateTimeFormat } from './date-time-format.js';

describe('dateTimeFormat', () => {
  const instant = new Date('2026-03-08T15:30:00Z');

  it('formats as a new Intl.DateTimeFormat with the same arguments does', () => {
    const options: Intl.DateTimeFormatOptions = {
      timeZone: 'Asia/Kolkata',
      dateStyle: 'full',
      timeStyle: 'short',
    };
    expect(dateTimeFormat('en-US', options).format(instant)).toBe(
      new Intl.DateTimeFormat('en-US', options).format(instant),
    );
  });

  it('returns one formatter per locale and options, and another for other arguments', () => {
    const first = dateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long' });
    expect(dateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long' })).toBe(first);
    expect(dateTimeFormat('hi-IN', { timeZone: 'UTC', dateStyle: 'long' })).not.toBe(first);
    expect(dateTimeFormat('en-US', { timeZone: 'Asia/Kolkata', dateStyle: 'long' })).not.toBe(first);
  });

  it('throws on an unknown time zone, as the constructor does, and caches nothing for it', () => {
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('keeps working past its bound', () => {
    for (let minutes = 0; minutes < 300; minutes += 1) {
      const zone = `Etc/GMT${minutes % 2 ? '+' : '-'}${minutes % 12}`;
      dateTimeFormat(`en-US`, {
        timeZone: zone,
        minute: 'numeric',
        second: minutes % 2 ? 'numeric' : undefined,
        fractionalSecondDigits: ((minutes % 3) + 1) as 1 | 2 | 3,
      });
    }
    expect(dateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'short' }).format(instant)).toBe('3/8/26');
  });
});
