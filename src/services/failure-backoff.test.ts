import { describe, expect, it } from 'vitest';
import { FailureBackoff, type BackoffPolicy } from './failure-backoff.js';

const POLICY: BackoffPolicy = {
  freeFailures: 3,
  firstWaitMs: 1_000,
  maxWaitMs: 60_000,
  forgetAfterMs: 3_600_000,
  maxClients: 3,
};

function backoff() {
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  return { limiter: new FailureBackoff(POLICY, () => now), clock };
}

describe('FailureBackoff', () => {
  it('lets the first failures go, then doubles the wait with each failure up to the cap', () => {
    const { limiter } = backoff();
    const waits = Array.from({ length: 12 }, () => limiter.fail('a').waitSeconds);
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(limiter.failures('a')).toBe(12);
  });

  it('counts each client on its own', () => {
    const { limiter } = backoff();
    for (let i = 0; i < 5; i += 1) limiter.fail('attacker');
    expect(limiter.fail('someone else')).toEqual({ failures: 1, waitSeconds: 0 });
    expect(limiter.fail('attacker').waitSeconds).toBe(4);
  });

  it('forgets a client after a quiet hour, not while it keeps failing', () => {
    const { limiter, clock } = backoff();
    for (let i = 0; i < 5; i += 1) {
      limiter.fail('a');
      clock.advance(3_599_000);
    }
    expect(limiter.failures('a')).toBe(5);
    clock.advance(1_000);
    expect(limiter.failures('a')).toBe(0);
    expect(limiter.fail('a').waitSeconds).toBe(0);
  });

  it('tracks a bounded number of clients, forgetting the one that failed longest ago', () => {
    const { limiter, clock } = backoff();
    for (const client of ['a', 'b', 'c']) {
      for (let i = 0; i < 4; i += 1) limiter.fail(client);
      clock.advance(1);
    }
    limiter.fail('a'); // a is now the most recent
    limiter.fail('d');
    expect(['a', 'b', 'c', 'd'].map((client) => limiter.failures(client))).toEqual([5, 0, 4, 1]);
  });
});
