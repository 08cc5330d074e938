import { describe, expect, it } from 'vitest';
import { sampleAgent } from '../../test/contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../../test/contracts/call-store.contract.js';
import { countTurns } from './count-turns.js';

const SID = 'CA00000000000000000000000000000001';
const agent = sampleAgent('agent-1', {
  transfer_targets: [{ id: 'billing', target: '+14155550111', description: 'Billing desk' }],
});

describe('countTurns', () => {
  it('folds every turn at or past turn_count: data with its turn, totals, count, end and transfer', () => {
    const call = sampleCall(SID, {
      turn_count: 2,
      data_collected: { name: { value: 'Manas', turn: 1 } },
      totals: {
        latency_ms: 100,
        model_latency_ms: 50,
        input_tokens: 10,
        output_tokens: 5,
        cost_micro_usd: 7,
      },
    });
    const turns = [
      sampleTurn(SID, 0),
      sampleTurn(SID, 1, { extracted: { name: 'Ignored' } }),
      sampleTurn(SID, 2, {
        extracted: { email: 'a@b.co' },
        latency_ms: 300,
        input_tokens: 20,
        cached_input_tokens: 16,
      }),
      sampleTurn(SID, 4, {
        latency_ms: 200,
        output_tokens: 3,
        ends_call: 'transfer',
        transfer_to: 'billing',
      }),
    ];
    expect(countTurns(call, turns, agent)).toEqual({
      data_collected: { name: { value: 'Manas', turn: 1 }, email: { value: 'a@b.co', turn: 2 } },
      turn_count: 5,
      totals: {
        latency_ms: 600,
        model_latency_ms: 50,
        input_tokens: 30,
        output_tokens: 8,
        cached_input_tokens: 16,
        cost_micro_usd: 7,
      },
      ended_by: 'transfer',
      transferred_to: '+14155550111',
    });
  });

  it('leaves a call that counts every turn alone, and never changes an ended_by already set', () => {
    const turns = [sampleTurn(SID, 0), sampleTurn(SID, 1, { ends_call: 'user' })];
    expect(countTurns(sampleCall(SID, { turn_count: 2 }), turns, agent)).toBeUndefined();
    const changes = countTurns(sampleCall(SID, { turn_count: 1, ended_by: 'system_timeout' }), turns, agent);
    expect(changes?.turn_count).toBe(2);
    expect(changes).not.toHaveProperty('ended_by');
  });

  it('ignores a transfer to a target the agent does not list', () => {
    const turns = [sampleTurn(SID, 0, { transfer_to: 'nowhere' })];
    expect(countTurns(sampleCall(SID), turns, agent)).not.toHaveProperty('transferred_to');
  });
});
