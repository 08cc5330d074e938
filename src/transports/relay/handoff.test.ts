import { describe, expect, it } from 'vitest';
import { encodeHandoff, parseHandoff } from './handoff.js';

describe('handoffData', () => {
  it('round-trips each of our reasons', () => {
    for (const handoff of [
      { reason: 'end', ended_by: 'user' },
      { reason: 'end' },
      { reason: 'transfer', target_id: 'sales' },
      { reason: 'server-restart' },
    ] as const) {
      expect(parseHandoff(encodeHandoff(handoff))).toEqual(handoff);
    }
  });

  it('reads anything else as no handoff', () => {
    for (const raw of [
      undefined,
      '',
      '{not json',
      'null',
      '"end"',
      '{"reason":"explode"}',
      '{"reason":"transfer"}',
      '{"reason":"end","ended_by":"nobody"}',
      JSON.stringify({ reason: 'transfer', target_id: 'x'.repeat(3_000) }),
    ]) {
      expect(parseHandoff(raw)).toBeUndefined();
    }
  });
});
