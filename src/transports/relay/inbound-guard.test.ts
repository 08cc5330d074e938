import { describe, expect, it } from 'vitest';
import { InboundGuard } from './inbound-guard.js';

const limits = { maxFrameBytes: 100, maxMessagesPerSecond: 3, maxInvalidMessages: 2 };

describe('InboundGuard', () => {
  it('closes past the message rate, counted per second', () => {
    let now = 10_000;
    const guard = new InboundGuard(limits, () => now);
    expect([1, 2, 3].map(() => guard.admit(10, false).action)).toEqual(['accept', 'accept', 'accept']);
    expect(guard.admit(10, false).action).toBe('close');
    now += 1_000;
    expect(guard.admit(10, false).action).toBe('accept');
  });

  it('ignores oversized and binary frames and closes past the junk limit', () => {
    let now = 0;
    const guard = new InboundGuard(limits, () => (now += 1_000));
    expect(guard.admit(101, false)).toEqual({
      action: 'ignore',
      reason: 'frame of 101 bytes over the limit',
    });
    expect(guard.admit(10, true)).toEqual({ action: 'ignore', reason: 'binary frame' });
    expect(guard.admit(100, false).action).toBe('accept');
    expect(guard.reject('invalid JSON').action).toBe('close');
  });
});
