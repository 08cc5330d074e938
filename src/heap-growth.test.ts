import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from './heap-growth.js';

describe('heapGrowthFlag', () => {
  it('sets the percent given', () => {
    expect(heapGrowthFlag(300, [], undefined)).toBe('--heap-growing-percent=300');
    expect(heapGrowthFlag(50, ['--enable-source-maps'], '--max-old-space-size=2048')).toBe(
      '--heap-growing-percent=50',
    );
  });

  it("keeps V8's own at 0", () => {
    expect(heapGrowthFlag(0, [], undefined)).toBeUndefined();
  });

  it('leaves a flag given to node alone, on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(heapGrowthFlag(300, ['--heap-growing-percent=150'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(300, ['--heap_growing_percent=150'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(300, [], '--max-old-space-size=2048 --heap-growing-percent=150')).toBeUndefined();
    expect(heapGrowthFlag(300, ['--heap-growing-percentage=1'], '')).toBe('--heap-growing-percent=300');
  });
});
