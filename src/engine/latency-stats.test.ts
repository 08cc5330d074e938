import { describe, expect, it } from 'vitest';
import { sampleTurn } from '../../test/contracts/call-store.contract.js';
import { latencyStats, percentile } from './latency-stats.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = [50, 10, 40, 20, 30];
    expect(percentile(values, 50)).toBe(30);
    expect(percentile(values, 95)).toBe(50);
    expect(percentile(values, 20)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('latencyStats', () => {
  it('leaves the greeting out and every figure no turn carries', () => {
    const turns = [
      sampleTurn('CA1', 0, { latency_ms: 0 }),
      sampleTurn('CA1', 1, { latency_ms: 400 }),
      sampleTurn('CA1', 2, { latency_ms: 600 }),
    ];
    expect(latencyStats(turns)).toEqual({ latency_p50_ms: 400, latency_p95_ms: 600 });
    expect(latencyStats([sampleTurn('CA1', 0)])).toEqual({});
  });
});
