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
      // Replies 850, 300 and 200 ms (the greeting is no reply).
      latency_p50_ms: 300,
      latency_p95_ms: 850,
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

  it('keeps p50 and p95 of server-added and first-token time from the timelines turns carry', () => {
    const timeline = (firstToken: number, out: number) => ({
      received: 0 as const,
      model_request: 4,
      first_token: firstToken,
      first_text_out: out,
      model_done: out + 100,
      stored: out + 105,
    });
    const turns = [
      sampleTurn(SID, 0),
      sampleTurn(SID, 1, { timeline: timeline(204, 210) }),
      sampleTurn(SID, 2, { timeline: timeline(404, 430) }),
      sampleTurn(SID, 3),
    ];
    const changes = countTurns(sampleCall(SID), turns, agent);
    expect(changes).toMatchObject({
      // Server-added: 4 ms before the request plus 6 and 26 ms from first token to first text out.
      server_added_p50_ms: 10,
      server_added_p95_ms: 30,
      model_first_token_p50_ms: 200,
      model_first_token_p95_ms: 400,
    });
  });

  it('ignores a transfer to a target the agent does not list', () => {
    const turns = [sampleTurn(SID, 0, { transfer_to: 'nowhere' })];
    expect(countTurns(sampleCall(SID), turns, agent)).not.toHaveProperty('transferred_to');
  });

  it('counts the agent’s own tool calls and the time they took', () => {
    const record = (latency: number) => ({
      name: 'lookup_order',
      source: 'http' as const,
      arguments: { order_id: '4412' },
      status: 'ok' as const,
      latency_ms: latency,
    });
    const turns = [
      sampleTurn(SID, 1, { tool_calls: [record(120), record(80)] }),
      sampleTurn(SID, 2, { tool_calls: [record(50)] }),
    ];
    const changes = countTurns(sampleCall(SID, { turn_count: 1 }), turns, agent);
    expect(changes?.totals).toMatchObject({ tool_calls: 3, tool_latency_ms: 250 });
  });
});
