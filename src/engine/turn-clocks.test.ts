import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TurnClocks } from './turn-clocks.js';

describe('TurnClocks', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = () => {
    const fired: string[] = [];
    const timers = new TurnClocks(
      { idleMs: 1_000, speechMsPerChar: 10 },
      { onIdle: () => fired.push('idle'), onDeadline: () => fired.push('deadline') },
    );
    return { fired, timers };
  };

  it('counts silence only once the text sent has been spoken', () => {
    const { fired, timers } = make();
    timers.startIdle(50); // 500 ms of speech, then 1 s of silence
    vi.advanceTimersByTime(1_499);
    expect(fired).toEqual([]);
    expect(timers.idleRunning).toBe(true);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['idle']);
    expect(timers.idleRunning).toBe(false);
  });

  it('a restart or a stop cancels the idle clock', () => {
    const { fired, timers } = make();
    timers.startIdle(0);
    vi.advanceTimersByTime(900);
    timers.startIdle(0);
    vi.advanceTimersByTime(900);
    timers.stopIdle();
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual([]);
  });

  it('fires the deadline at its moment, at once when it has passed, and never after stopAll', () => {
    const { fired, timers } = make();
    timers.startDeadline(Date.now() + 2_000);
    vi.advanceTimersByTime(1_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['deadline']);
    timers.startDeadline(Date.now() - 10);
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(['deadline', 'deadline']);
    timers.startDeadline(Date.now() + 100);
    timers.startIdle(0);
    timers.stopAll();
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['deadline', 'deadline']);
  });

  it('keeps no idle clock for a transport that counts silence itself', () => {
    const fired: string[] = [];
    const timers = new TurnClocks(undefined, {
      onIdle: () => fired.push('idle'),
      onDeadline: () => fired.push('deadline'),
    });
    timers.startIdle(0);
    expect(timers.idleRunning).toBe(false);
    vi.advanceTimersByTime(600_000);
    expect(fired).toEqual([]);
  });
});
