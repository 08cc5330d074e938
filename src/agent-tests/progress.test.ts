import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';
import type { ScenarioResult } from './report.js';

const result = (
  scenario: string,
  status: ScenarioResult['status'],
  reasons: string[] = [],
): ScenarioResult => ({
  file: 'tests/agents/sales.yaml',
  agent: 'sales-001',
  scenario,
  transport: 'gather',
  status,
  reasons,
  duration_ms: 1_234,
});

describe('createProgress', () => {
  it('writes one line per finished scenario when stderr is not a terminal', () => {
    let text = '';
    const progress = createProgress({ write: (t) => (text += t), isTTY: false });
    progress.onStart(2);
    progress.onResult(result('a', 'pass'), 1, 2);
    progress.onResult(result('b', 'fail', ['turn 2: agent said "x" (agent_never_says)']), 2, 2);
    progress.done();
    expect(text).toBe(
      'PASS tests/agents/sales.yaml › a (1.2 s)\n' +
        'FAIL tests/agents/sales.yaml › b (1.2 s) — turn 2: agent said "x" (agent_never_says)\n',
    );
  });

  it('rewrites one line in place on a terminal, counting failures, and clears it at the end', () => {
    const writes: string[] = [];
    const progress = createProgress({ write: (t) => writes.push(t), isTTY: true });
    progress.onStart(3);
    progress.onResult(result('a', 'fail'), 1, 3);
    progress.onResult(result('b', 'pass'), 2, 3);
    progress.done();
    expect(writes).toEqual([
      '\r\x1b[K[0/3] running…',
      '\r\x1b[K[1/3, 1 failed] FAIL a',
      '\r\x1b[K[2/3, 1 failed] PASS b',
      '\r\x1b[K',
    ]);
    expect(writes.join('')).not.toContain('\n');
  });
});
