import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEYPAD_PAUSE_MS, KeypadEntry } from './keypad-entry.js';

describe('KeypadEntry', () => {
  afterEach(() => vi.useRealTimers());

  const entryOf = (pauseMs?: number) => {
    const entries: string[] = [];
    return { entries, keypad: new KeypadEntry((digits) => entries.push(digits), pauseMs) };
  };

  it('makes the keys up to # one entry, without the #', () => {
    const { entries, keypad } = entryOf();
    for (const key of '4155550100#') keypad.key(key);
    expect(entries).toEqual(['4155550100']);
    expect(keypad.pending).toBe(false);
  });

  it('ends an entry at a pause, and each key restarts the pause', () => {
    vi.useFakeTimers();
    const { entries, keypad } = entryOf();
    keypad.key('4');
    vi.advanceTimersByTime(KEYPAD_PAUSE_MS - 1);
    keypad.key('2');
    vi.advanceTimersByTime(KEYPAD_PAUSE_MS - 1);
    expect(entries).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(entries).toEqual(['42']);
  });

  it('ignores a lone #, ends at 32 keys, and drops the keys when cleared', () => {
    const { entries, keypad } = entryOf();
    keypad.key('#');
    for (let i = 0; i < 40; i += 1) keypad.key('1');
    expect(entries).toEqual(['1'.repeat(32)]);
    keypad.clear();
    keypad.flush();
    expect(entries).toHaveLength(1);
  });
});
