import { describe, expect, it } from 'vitest';
import { numberTimeZones } from './number-time-zones.js';

describe('numberTimeZones', () => {
  it('gives the one zone of an area code', () => {
    expect(numberTimeZones('+14155550123')).toEqual({ zones: ['America/Los_Angeles'], source: 'number' });
    expect(numberTimeZones('+12015550123')).toEqual({ zones: ['America/New_York'], source: 'number' });
    expect(numberTimeZones('+442079460000')).toEqual({ zones: ['Europe/London'], source: 'number' });
  });

  it('gives the zones of an area that spans several (Alaska)', () => {
    expect(numberTimeZones('+19075550123')).toEqual({
      zones: ['America/Adak', 'America/Anchorage'],
      source: 'number',
    });
  });

  it("gives every zone of the number's own country when only the country is known", () => {
    const tollFree = numberTimeZones('+18005550123');
    expect(tollFree?.source).toBe('country');
    expect(tollFree?.zones).toContain('America/New_York');
    expect(tollFree?.zones).toContain('Pacific/Honolulu');
    // +1 is shared with Canada, Guam and the Caribbean: their zones are not the US's.
    expect(tollFree?.zones).not.toContain('Pacific/Guam');
    expect(tollFree?.zones).not.toContain('America/Toronto');
  });

  it('gives the single zone of a one-zone country', () => {
    expect(numberTimeZones('+919876543210')?.zones).toEqual(['Asia/Calcutta']);
  });
});
