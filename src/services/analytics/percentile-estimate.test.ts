import { describe, expect, it } from 'vitest';
import { estimatePercentile } from './percentile-estimate.js';

describe('estimatePercentile', () => {
  it("gives one call's own p95 and p50, and the same for identical calls", () => {
    const call = { count: 12, p50: 400, p95: 900 };
    expect(estimatePercentile([call], 0.95)).toBe(900);
    expect(estimatePercentile([call], 0.5)).toBe(400);
    expect(estimatePercentile([call, call, call], 0.95)).toBe(900);
  });

  it('weighs calls by their replies: a long slow call moves the p95 more than a short one', () => {
    const fast = { count: 10, p50: 300, p95: 500 };
    const slow = (count: number) => ({ count, p50: 1_500, p95: 2_500 });
    const fewSlow = estimatePercentile([fast, slow(1)], 0.95)!;
    const manySlow = estimatePercentile([fast, slow(30)], 0.95)!;
    expect(fewSlow).toBeGreaterThan(500);
    expect(fewSlow).toBeLessThan(2_500);
    expect(manySlow).toBeGreaterThan(fewSlow);
    expect(manySlow).toBeLessThanOrEqual(2_700);
  });

  it('takes a call whose replies were all alike, and has nothing to say without replies', () => {
    expect(estimatePercentile([{ count: 1, p50: 640, p95: 640 }], 0.95)).toBe(640);
    expect(estimatePercentile([{ count: 0, p50: 1, p95: 2 }], 0.95)).toBeUndefined();
    expect(estimatePercentile([], 0.95)).toBeUndefined();
  });
});
