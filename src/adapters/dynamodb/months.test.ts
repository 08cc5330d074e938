import { describe, expect, it } from 'vitest';
import { monthOf, monthsBefore } from './months.js';

describe('months', () => {
  it('takes the UTC month of an ISO timestamp', () => {
    expect(monthOf('2025-03-10T10:00:00.000Z')).toBe('2025-03');
  });

  it('steps back across year boundaries', () => {
    expect(monthsBefore('2025-03', 1)).toBe('2025-02');
    expect(monthsBefore('2025-01', 1)).toBe('2024-12');
    expect(monthsBefore('2025-03', 23)).toBe('2023-04');
    expect(monthsBefore('2025-12', 12)).toBe('2024-12');
  });
});
