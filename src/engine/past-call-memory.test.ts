import { describe, expect, it } from 'vitest';
import type { MemoryPolicy } from '../domain/agent.js';
import type { CallerIdentity, PastCall } from '../domain/call.js';
import { emptyCall } from '../../test/fakes/turn-context.js';
import { decideMemory, mayRecall, PAST_CALLS_RECALLED, recallPastCalls } from './past-call-memory.js';

const past = (callSid: string, overrides: Partial<PastCall> = {}): PastCall => ({
  call_sid: callSid,
  started_at: '2025-05-20T15:00:00.000Z',
  direction: 'inbound',
  identity: 'attested',
  summary: 'Printer jam, fixed.',
  outcome: 'resolved',
  data_collected: { email: 'jo@example.com' },
  ...overrides,
});

describe('decideMemory', () => {
  const cases: [MemoryPolicy, CallerIdentity, boolean][] = [
    ['verified', 'outbound', true],
    ['verified', 'attested', true],
    ['verified', 'unattested', false],
    ['verified', 'withheld', false],
    ['any', 'outbound', true],
    ['any', 'attested', true],
    ['any', 'unattested', true],
    ['any', 'withheld', false],
    ['off', 'outbound', false],
    ['off', 'attested', false],
    ['off', 'unattested', false],
    ['off', 'withheld', false],
  ];
  it.each(cases)('%s with a %s number: used %s', (policy, identity, used) => {
    expect(decideMemory(policy, identity)).toEqual({ policy, identity, used });
  });
});

describe('mayRecall', () => {
  it('under "verified" recalls only calls whose own number was trusted', () => {
    expect(mayRecall('verified', past('A'))).toBe(true);
    expect(mayRecall('verified', past('A', { identity: 'outbound', direction: 'outbound' }))).toBe(true);
    expect(mayRecall('verified', past('A', { identity: 'unattested' }))).toBe(false);
    // Stored before identities were recorded: trusted only when we placed the call.
    expect(mayRecall('verified', past('A', { identity: undefined, direction: 'outbound' }))).toBe(true);
    expect(mayRecall('verified', past('A', { identity: undefined }))).toBe(false);
  });

  it('under "any" recalls any call from the number; "off" none; a withheld one never', () => {
    expect(mayRecall('any', past('A', { identity: 'unattested' }))).toBe(true);
    expect(mayRecall('any', past('A', { identity: undefined }))).toBe(true);
    expect(mayRecall('any', past('A', { identity: 'withheld' }))).toBe(false);
    expect(mayRecall('off', past('A'))).toBe(false);
  });
});

describe('recallPastCalls', () => {
  const store = (found: PastCall[]) => {
    const asked: string[] = [];
    return {
      asked,
      pastCalls: async (agentId: string, person: string) => {
        asked.push(`${agentId} ${person}`);
        return found;
      },
    };
  };
  const call = { ...emptyCall('agent-1'), recipient_phone: '+14155550142' };

  it('reads nothing for a call that may not recall', async () => {
    const calls = store([past('A')]);
    const recalled = await recallPastCalls(calls, call, { memory: 'verified' }, 'TN-Validation-Passed-C');
    expect(recalled).toEqual({
      memory: { policy: 'verified', identity: 'unattested', used: false },
      past_calls: [],
    });
    expect(calls.asked).toEqual([]);
  });

  it('gives gists of trusted calls, newest first, at most five, never this call itself', async () => {
    const found = [
      past(call.call_sid),
      past('B', { identity: 'unattested' }),
      ...['C', 'D', 'E', 'F', 'G', 'H'].map((sid) => past(sid)),
    ];
    const calls = store(found);
    const recalled = await recallPastCalls(calls, call, { memory: 'verified' }, 'TN-Validation-Passed-A');
    expect(calls.asked).toEqual(['agent-1 +14155550142']);
    expect(recalled.memory).toEqual({ policy: 'verified', identity: 'attested', used: true });
    expect(recalled.past_calls.map((p) => p.call_sid)).toEqual(['C', 'D', 'E', 'F', 'G']);
    expect(recalled.past_calls).toHaveLength(PAST_CALLS_RECALLED);
    expect(recalled.past_calls[0]).toEqual({
      call_sid: 'C',
      started_at: '2025-05-20T15:00:00.000Z',
      outcome: 'resolved',
      summary: 'Printer jam, fixed.',
      gave: ['email'],
    });
  });

  it('takes an agent stored before the setting existed as "verified"', async () => {
    const recalled = await recallPastCalls(store([]), call, {} as { memory: MemoryPolicy }, undefined);
    expect(recalled.memory).toEqual({ policy: 'verified', identity: 'unattested', used: false });
  });
});
