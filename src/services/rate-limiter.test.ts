import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('takes tokens per key, refills over a minute, and check() takes none', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.check('a');
    limiter.take('a');
    limiter.take('a');
    expect(() => limiter.check('a')).toThrow(
      expect.objectContaining({ code: 'rate_limited', retryAfterSeconds: 30 }),
    );
    expect(() => limiter.take('a')).toThrow(/retry in 30 s/);
    limiter.take('b');
    now = 30_000;
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow();
  });

  it('forgets full buckets once it tracks many keys, and keeps the ones still limited', () => {
    let now = 0;
    const limiter = new RateLimiter(1, () => now);
    limiter.take('limited');
    now = 1_000;
    for (let i = 0; i < 20_000; i += 1) limiter.check(`seen-${i}`);
    const tracked = (limiter as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(tracked.size).toBeLessThanOrEqual(10_000);
    expect(tracked.has('limited')).toBe(true);
    expect(() => limiter.take('limited')).toThrow();
  });
});
